"""``apidocs``: verify the documented cases (replay), run them live, record cassettes,
provision the records the examples rely on, or check the links of the served pages.

Exit codes: 0 every step passed; 1 a step failed (its case, step, language, request and
the difference are printed, with its snippet files, stale page blocks and the next
command), found data missing or, in a live run, drifted from its recording; 2 the run
could not start or go on (a bad setting or input, a missing cassette or token, an unknown
case, an instance that does not answer, before or during the run) — always one line,
never a traceback; 128+N when stopped by signal N (130 Ctrl-C, 143 SIGTERM), after clean-up.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from apidocs.core import project
from apidocs.core.errors import ApidocsError, CassetteError, catch_signals, one_line_errors
from apidocs.core.messages import apidocs_command
from apidocs.core.model import Case, Snippet
from apidocs.core.provenance import describe
from apidocs.core.settings import Mode
from apidocs.entry.options import add_cases_dir, add_cassettes, add_project, in_project, load_settings, plain

if TYPE_CHECKING:  # the runner is imported where it runs: `apidocs render` from the cache needs none of it
    from apidocs.core.pages import Page
    from apidocs.runner.analysis import Analysis
    from apidocs.runner.results import Ledger, StepResult

MODES_HELP = {
    "verify": "replay every case against the committed cassettes (offline; the default job)",
    "live": "run every case against $DOCS_API_URL (default: the reference instance's .instance/env)",
    "record": "re-record the cassettes from $DOCS_API_URL (scrubbed, normalised); only complete runs are kept",
}
MODE_OF = {"verify": Mode.REPLAY, "live": Mode.LIVE, "record": Mode.RECORD}
LINT_HELP = ("lint every snippet with its placeholders filled in (ruff for Python, shellcheck for cURL),"
             " as `make verify` does")
REPORT_HELP = ("print the verdict of a report a live run wrote (--report DIR); exit 0 when clean, 1 when a step"
               " failed, drifted or was left unverified, 2 when there is no report: the nightly job's last command")
PREVIEW_HELP = ("a headless Chromium screenshot of the whole of each page as the app serves it (preview/<page>.png),"
                " when the instance (--app, default: .instance/env's) answers and serves this clone's page/;"
                " otherwise each page rendered to HTML through a stand-in base template, then its screenshot"
                " (preview/<page>.html, .png)")
INSTALL_PAGES_HELP = ("link every page's template into an InvenioRDM instance's templates/ folder at the theme's"
                      " path (each page's theme_template, cases/project.toml), where the app finds it before the"
                      " theme's")
UPDATE_HELP = ("after a snippet changed: record the named cases again against $DOCS_API_URL (default: the reference"
               " instance), or without names the cases whose requests are not in their cassettes; then render"
               " every page, verify, and print what changed (cassettes, page blocks with a short diff)")
LINKS_HELP = ("check the links of every page as the app (--app, default: the origin of $DOCS_API_URL or"
              " .instance/env's) serves it: each page answers 200 (every url_for built; each endpoint's link is"
              " named), every internal link answers below 400 and its #fragment exists; external links are listed,"
              " and checked with --external. Exit 1 names each broken link and its page, 2 when the app does not"
              " answer")
PROVISION_HELP = ("make sure the records the examples rely on (cases/fixtures.toml) exist on $DOCS_API_URL:"
                  " find them by marker, create and publish what is missing; a second run changes nothing")


class VersionAction(argparse.Action):
    """``--version``: the tool's version and, when run in a docs project, its commit."""

    def __init__(self, option_strings: list[str], dest: str, **kwargs) -> None:
        super().__init__(option_strings, dest, nargs=0, **kwargs)

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        try:
            folder = project.root()
        except ApidocsError:
            folder = None
        print(describe(folder))  # on stdout, as argparse's own version action prints
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="apidocs", description=plain(__doc__.split("\n\n")[0]))
    parser.add_argument("--version", action=VersionAction, help="the tool's version and the docs project's commit")
    common = argparse.ArgumentParser(add_help=False)
    add_project(common)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        return commands.add_parser(name, help=help_text, description=help_text, parents=[common])

    for name, help_text in MODES_HELP.items():
        sub = command(name, help_text)
        sub.add_argument("cases", nargs="*", metavar="CASE", help="case names (default: all)")
        add_cases_dir(sub)
        add_cassettes(sub)
        sub.add_argument("--report", type=Path, default=None,
                         help="also write JUnit XML, Markdown and HTML reports here")
        if name == "verify":
            sub.add_argument("--check-pages", action="store_true",
                             help="also check each page whose cases all ran against the blocks rendered"
                                  " from this run's results (as `render --check`, without a second replay)")
        if name == "live":
            sub.add_argument("--read-only", action="store_true",
                             help="run only the steps that need no token and send no write (also when no token is set)")
    update = command("update", UPDATE_HELP)
    update.add_argument("cases", nargs="*", metavar="CASE",
                        help="case names (default: those whose requests are not in their cassettes)")
    add_cases_dir(update)
    add_cassettes(update)
    command("provision", PROVISION_HELP)
    lint = command("lint", LINT_HELP)
    lint.add_argument("cases", nargs="*", metavar="CASE", help="case names (default: all)")
    add_cases_dir(lint)
    command("list", "list the cases and their steps")
    report = command("report", REPORT_HELP)
    report.add_argument("directory", type=Path, nargs="?", default=Path("reports"), metavar="DIR",
                        help="the report folder (default: reports/)")
    preview = command("preview", PREVIEW_HELP)
    preview.add_argument("--template", type=Path, default=None, help="one page template (default: every page's)")
    preview.add_argument("--out", type=Path, default=None, help="output folder (default: the project's preview/)")
    preview.add_argument("--no-screenshot", action="store_true", help="write the HTML only (no Chromium needed)")
    preview.add_argument("--app", default=None, help="the app serving the pages (default: the origin of $DOCS_API_URL"
                         " or .instance/env's); `--app none` always uses the stand-in")
    links = command("links", LINKS_HELP)
    links.add_argument("--app", default=None, metavar="URL",
                       help="the app serving the pages (default: the origin of $DOCS_API_URL or .instance/env's),"
                            " e.g. http://127.0.0.1:5000")
    links.add_argument("--external", action="store_true",
                       help="also fetch the links to other sites (needs network: the nightly job)")
    links.add_argument("--report", type=Path, default=None, metavar="DIR",
                       help="also write links.md and links.json here")
    install = command("install-pages", INSTALL_PAGES_HELP)
    install.add_argument("templates", type=Path, metavar="TEMPLATES_DIR",
                         help="the instance's templates folder (e.g. .instance/app/templates)")
    commands.add_parser("render",
                        help=f"render the page blocks from the verified cases (see {apidocs_command('render -h')})")
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["render"]:  # its own options: hand them over untouched
        from apidocs.entry.render_cli import main as render_main

        return render_main(argv[1:])
    args = build_parser().parse_args(argv)
    command = {"list": list_cases, "provision": provision, "lint": lambda: lint(args), "update": lambda: update(args),
               "report": lambda: report(args.directory), "preview": lambda: preview(args), "links": lambda: links(args),
               "install-pages": lambda: install_pages(args.templates)}.get(
        args.command, lambda: run(args))
    with catch_signals():
        return one_line_errors("apidocs", lambda: in_project(args, command))


def update(args: argparse.Namespace) -> int:
    from apidocs.entry.update import update as update_cases

    return update_cases(args, run)


def list_cases() -> int:
    """Each case's steps, each with its snippet files and the page blocks it fills: where to
    edit a snippet, and which markers its page needs."""
    from apidocs.core import project
    from apidocs.core.blocks import blocks_of
    from apidocs.core.languages import language, snippet_folder, snippet_path
    from apidocs.entry.loader import load_cases
    from apidocs.entry.render_cli import shown

    for case in load_cases():
        print(f"{case.name}: {case.title}")
        folder = Path(shown(snippet_folder(project.cases(), case.name)))
        for step in case.steps:
            print(f"  {step.name}{'' if isinstance(step, Snippet) else '  (runner action)'}")
            if isinstance(step, Snippet):
                files = [str(snippet_path(folder, step.name, language(name))) for name in step.languages]
                print(f"    snippets: {', '.join(files)}")
            if blocks := blocks_of(case.name, step):
                print(f"    blocks:   {', '.join(block.name for block in blocks)}")
    return 0


def lint(args: argparse.Namespace) -> int:
    from apidocs.core import project
    from apidocs.entry.loader import load_cases
    from apidocs.entry.render_cli import shown
    from apidocs.runner.lint import lint_cases

    folder = args.cases_dir or project.cases()
    findings, count = lint_cases(load_cases(args.cases or None, folder=folder), Path(shown(folder / "snippets")))
    for finding in findings:
        print(f"  FAIL {finding.line()}")
        print("\n".join(f"       {message}" for message in finding.messages))
    print(f"lint: {count} snippets, {len(findings)} with findings (ruff for Python, shellcheck for cURL)")
    theme_lint()
    return 1 if findings else 0


def theme_lint() -> None:
    """The theme's own faults outside our blocks: reported for the theme, never fixed in
    page/ (our pages are the release's) and never failing the lint."""
    from apidocs.core import content, project
    from apidocs.entry.render_cli import shown
    from apidocs.render.findings import link_findings, summary, theme_findings
    from apidocs.runner.venvs import interpreter, project_urls

    def urls(link) -> list[str]:  # the package's metadata, from the venv its transcript runs in
        python = interpreter(project.cases() / link.requirements)
        return project_urls(python, link.package)

    declared = content.of_project()
    for page in declared.pages.values():
        text, where = page.path.read_text(encoding="utf-8"), shown(page.path)
        found = theme_findings(text, where) + link_findings(text, where, declared.package_links, urls)
        for line in summary(found):
            print(f"  theme finding (left as {declared.theme.name} ships it): {line}")


def report(directory: Path) -> int:
    from apidocs.runner.report import saved_verdict

    lines, clean = saved_verdict(directory)
    print("\n".join(lines))
    return 0 if clean else 1


def preview(args: argparse.Namespace) -> int:
    """Every page's HTML first, then the screenshots: a machine without Chromium still gets
    every page's HTML before the one-line error. The app's pages are taken only when it
    serves every page and, as far as its templates folder tells, this clone's."""
    from apidocs.core import project
    from apidocs.core.content import pages
    from apidocs.render.preview import screenshot, served_url, write_html

    out = args.out or project.root() / "preview"
    app = None if args.template or args.no_screenshot else app_origin(args.app)
    if app:
        served = [(page, served_url(app, page)) for page in pages().values()]
        templates = served_templates(app)
        if (elsewhere := not_this_clone(app, served, templates)) is None:
            return screenshot_served([(page, url) for page, url in served if url], out, known=templates is not None)
        print(f"preview: {elsewhere}: the stand-in base template instead")
    files = [args.template] if args.template else [page.path for page in pages().values()]
    written = [write_html(template, out) for template in files]
    for html in written:
        print(f"preview: {html}")
    for html in [] if args.no_screenshot else written:
        shot = screenshot(html, html.with_suffix(".png"))
        print(f"screenshot: {html.with_suffix('.png')} ({shot.width}×{shot.height} px)")
    return 0


def links(args: argparse.Namespace) -> int:
    from apidocs.entry.links import links as check

    return check(args)


def screenshot_served(served: list[tuple[Page, str]], out: Path, known: bool) -> int:
    """Each served page's screenshot; ``known``: whether its templates were seen to be this clone's."""
    from apidocs.render.preview import screenshot_url

    out.mkdir(parents=True, exist_ok=True)
    unseen = "" if known else "; its templates are not visible from here: maybe not this clone's page/"
    for page, url in served:
        png = out / f"{page.path.stem}.png"
        shot = screenshot_url(url, png)
        print(f"screenshot: {png} ({shot.width}×{shot.height} px, served by {url}{unseen})")
    return 0


def not_this_clone(app: str, served: list[tuple[Page, str | None]], templates: Path | None) -> str | None:
    """Why screenshots of ``app`` would not show this clone's pages, or None: a page it does
    not serve, or (its ``templates`` folder known) a page it takes from elsewhere."""
    from apidocs.render.served import served_instead

    if not all(url for _, url in served):
        return f"{app} does not serve every page"
    instead = [what for page, _ in served if templates and (what := served_instead(templates, page))]
    if not instead:
        return None
    install = apidocs_command(f"install-pages {templates}")
    return (f"{app} serves {', '.join(instead)}, not this clone's page/ ({install}"
            " would serve this clone's, to every checkout using that instance)")


def served_templates(app: str) -> Path | None:
    """The templates folder of the instance at ``app``, when that is the instance of the env
    file settings fall back to (``.instance/env``, or ``$DOCS_INSTANCE_ENV``); else None."""
    from apidocs.core import settings
    from apidocs.render.served import instance_templates

    env_file = settings.instance_env_file(dict(os.environ))
    api_url = settings.read_env_file(env_file).get("DOCS_API_URL", "")
    templates = instance_templates(env_file)
    return templates if api_url and settings.app_of(api_url) == app.rstrip("/") and templates.is_dir() else None


def install_pages(templates: Path) -> int:
    from apidocs.render.served import install_pages as install

    for link in install(templates):
        print(f"install-pages: {link} -> {link.resolve()}")
    return 0


def app_origin(given: str | None) -> str | None:
    """The app to take the served pages from: --app, else $DOCS_API_URL's origin (read as
    every run reads it: the environment, else the instance env file), or None."""
    from apidocs.core import settings

    if given:
        return None if given == "none" else given
    return settings.load(Mode.REPLAY).app_url or None


def provision() -> int:
    from apidocs.core import project
    from apidocs.core import settings as settings_module
    from apidocs.core.fixtures import declared, marker_query
    from apidocs.entry.loader import load_publish
    from apidocs.entry.online import connect
    from apidocs.runner.provision import provision as provision_fixtures

    fixtures, flow = declared(project.cases()), load_publish(project.cases())
    settings = settings_module.load(Mode.LIVE)
    api = connect(settings, writes=True, roles=("depositor", "curator"))
    tokens = {role: settings.token(role) for role in ("depositor", "curator")}
    started = time.monotonic()
    print(f"apidocs provision: {len(fixtures)} fixture(s) on {settings.api_url}")
    done = provision_fixtures(api, fixtures, tokens, marker_query, flow)
    print(f"{len(done.created)} created, {len(done.found)} found in {time.monotonic() - started:.1f} s")
    return 0


def run(args: argparse.Namespace) -> int:
    from apidocs.core import project
    from apidocs.core.files import check_folder
    from apidocs.entry.loader import load_pages, pick
    from apidocs.entry.online import prepare
    from apidocs.entry.render_cli import shown
    from apidocs.runner.analysis import Analysis, counts_line, tally
    from apidocs.runner.results import Ledger, Outcome

    settings = load_settings(MODE_OF[args.command], args, read_only=getattr(args, "read_only", False))
    if args.report:  # found out before the run, not after it
        check_folder(args.report, "the reports")
    if settings.mode is Mode.RECORD:
        check_folder(settings.cassettes, "the recorded cassettes")
    folder = args.cases_dir or project.cases()
    pages = load_pages(folder)
    cases = pick([case for page_cases in pages.values() for case in page_cases], args.cases or None)
    # the inputs the results come from, taken before the run (a file changed meanwhile is not theirs)
    keys: dict[str, str | None] = {}
    if getattr(args, "check_pages", False):  # each page's cache key (apidocs.render.cache), for pages with cases
        from apidocs.render import cache

        keys = cache.keys([name for name, page_cases in pages.items() if page_cases], folder, settings.cassettes)
    cases, left_out, missing = prepare(settings, cases)
    where = "committed cassettes" if settings.mode is Mode.REPLAY else settings.api_url
    kind = f"{settings.mode}, read-only," if settings.read_only else settings.mode
    print(f"apidocs {args.command}: {len(cases)} case(s), {kind} against {where}")
    for case in left_out:
        print(f"  left out (read-only run, needs a token): {case.name} › {', '.join(s.name for s in case.steps)}")
    results: list[StepResult] = []
    ledger = Ledger(fixtures_missing=missing)
    # each step's outcome, drift included, as the console prints it and the reports write it
    analysis = Analysis(settings, missing, Path(shown(folder)))
    started = time.monotonic()
    total = sum(len(case.steps) for case in cases)
    broken: dict[str, str] = {}  # case → why its cassette could not be used: the others still run
    for case in cases:
        try:
            results += run_one(case, settings, ledger, analysis, done=len(results), total=total)
        except CassetteError as exc:
            broken[case.name] = str(exc)
            print(f"  NOT RUN {case.name}: {exc}")
    print_ledger(ledger, settings)
    if args.report:
        from apidocs.runner.report import build_reports, save_reports

        for path in save_reports(args.report, build_reports(analysis.reports, settings, ledger, left_out)):
            print(f"report: {path}")
    stale = check_pages(pages, results, keys, settings) if keys else 0
    count = tally(analysis.reports)
    print(f"{counts_line(count)} in {time.monotonic() - started:.1f} s")
    if count[Outcome.DATA]:
        print("data missing: the instance lacks records the examples rely on; this is not drift."
              f" Run {apidocs_command('provision')} against it (needs DOCS_API_TOKEN and DOCS_CURATOR_TOKEN).")
    if settings.mode is Mode.REPLAY and (unrecorded := needs_recording(results)):
        print(update_hint(unrecorded))
    if broken:
        raise CassetteError(f"{len(broken)} case(s) could not run (the other cases did): "
                            + "; ".join(f"{name}: {why}" for name, why in broken.items()))
    return 1 if count[Outcome.PASSED] < len(results) or stale else 0


def needs_recording(results: list[StepResult]) -> list[str]:
    """The cases that sent a request their cassette does not hold, in run order."""
    return list(dict.fromkeys(result.case for result in results if result.unrecorded))


def update_hint(cases: list[str]) -> str:
    """What to do when a snippet changed since its case was recorded: the one command."""
    names = " ".join(cases)
    return (f"not in the cassette: {names} sent requests their cassettes do not hold (a snippet changed since it"
            f" was recorded). Run {apidocs_command(f'update {names}')} against an instance ($DOCS_API_URL, default the"
            " reference instance): it records them again, renders the pages and verifies.")


def check_pages(pages: dict[str, list[Case]], results: list[StepResult], keys: dict[str, str | None],
                settings) -> int:
    """Check each page whose cases all ran and passed against the blocks rendered from
    ``results`` (and keep those blocks in the cache); return how many pages are stale."""
    from apidocs.entry.render_cli import report_check, shown
    from apidocs.render import cache, page, template, verified

    by_case: dict[str, list[StepResult]] = {}
    for result in results:
        by_case.setdefault(result.case, []).append(result)
    stale = 0
    for name in keys:
        cases, where = pages[name], shown(template(name))
        not_run = [case.name for case in cases if case.name not in by_case]
        failed = [case.name for case in cases if case.name in by_case and verified.unverified(case, by_case[case.name])]
        if not_run or failed:
            why = (f"{len(not_run)} of its {len(cases)} cases did not run" if not_run
                   else f"{', '.join(failed)} did not pass")
            print(f"{where} not checked: {why}")
            continue
        contents = verified.page_contents(cases, by_case)
        cache.store(settings.cache, name, keys[name], contents)
        stale += report_check(page.update(template(name), contents, check=True))
    return stale


def print_ledger(ledger: Ledger, settings) -> None:
    """What the run left on the instance: nothing, or the records it could not remove."""
    for warning in ledger.warnings:
        print(f"  warning: {warning}")
    if ledger.removed:
        print(f"removed {len(ledger.removed)} published test record(s) with DOCS_ADMIN_TOKEN: "
              f"{', '.join(ledger.removed)}")
    if ledger.left_behind:
        print(f"left behind {len(ledger.left_behind)} published test record(s) on {settings.api_url}:"
              f" {', '.join(ledger.left_behind)} (set DOCS_ADMIN_TOKEN to remove them)")


def run_one(case, settings, ledger: Ledger, analysis: Analysis, done: int, total: int) -> list[StepResult]:
    """Run one case, printing each step as it finishes (its outcome as ``analysis`` finds it,
    drift included), counted against the whole run."""
    from apidocs.entry.console import EXPLAINED, failure_details, print_notes, step_line
    from apidocs.runner.engine import run_case

    print(f"{case.name}: {case.title}")
    results: list[StepResult] = []
    try:
        for result in run_case(case, settings, ledger=ledger):
            report = analysis.step(result)
            print(f"[{done + len(results) + 1:>2}/{total}]" + step_line(report), flush=True)
            if report.outcome in EXPLAINED:
                print("\n".join(failure_details(report)), flush=True)
            results.append(result)
    finally:  # also when the run stops: the drafts it could not delete are named
        print_notes(ledger)
    return results
