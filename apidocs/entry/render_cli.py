"""``apidocs render``: the page's blocks from the verified cases.

    render                    replay every case, write the blocks into each page's template
                              (page/<page>.html, cases/project.toml); a page whose inputs
                              are byte for byte those of an earlier render or verify
                              --check-pages takes its blocks from the cache (DOCS_CACHE)
    render --check            exit 1 with a unified diff when a block differs (writes nothing)
    render --no-cache         replay even when the cache holds the blocks of byte-identical
                              inputs (cases, cassettes, the tool's version; apidocs.render.cache)
    render --page NAME        only that page (a name cases/project.toml declares)
    render --into PATH        the same, for an external copy of one page (a theme checkout;
                              --page says which, default the first); a file without markers is
                              adopted first: a marker pair goes around every block it shows,
                              nothing else changes (README, "Adopting a theme template")
    render --from THEME.html  take the page's text outside the blocks from a theme release's
                              template (the theme's file of the page), adopted,
                              with the verified blocks, into page/<page>.html (or --into)
    render --check --theme-repo DIR [--patch FILE]
                              also check a theme repository's own files (its templates folder
                              and each page's theme template, as cases/project.toml declares
                              them) against the verified pages, and write FILE, a
                              `git apply`-able patch at DIR's root that makes each the verified
                              page (the nightly job; without theme files: our pages only)
    render --notebook OUT     write a page's Python snippets as a Jupyter notebook (default: the first page)

Exit codes: 0 done / up to date; 1 ``--check`` found a difference; 2 the page cannot be
rendered (a case fails in replay, a cassette is missing, markers are wrong): one line.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from apidocs.core.errors import catch_signals, one_line_errors
from apidocs.core.files import check_file
from apidocs.core.messages import apidocs_command
from apidocs.core.settings import Mode
from apidocs.entry.options import add_cases_dir, add_cassettes, add_project, in_project, load_settings, plain
from apidocs.render import template
from apidocs.render.errors import RenderError


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, not argparse's usage block
        self.exit(2, f"apidocs render: error: {message} (see {apidocs_command('render --help')})\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="apidocs render", description=plain(__doc__.split("\n\n")[0]),
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog=plain(__doc__.split("\n\n", 1)[1]))
    parser.add_argument("--check", action="store_true", help="only compare; exit 1 with a diff when a block differs")
    parser.add_argument("--page", default=None, metavar="NAME",
                        help="render only this page, a name cases/project.toml declares (default: every page;"
                             " with --into or --notebook: the first)")
    parser.add_argument("--into", type=Path, metavar="PATH", default=None,
                        help="the page to update (default: its template in page/)")
    parser.add_argument("--from", dest="source", type=Path, metavar="THEME.html", default=None,
                        help="the theme's template to take the page's prose from (adopted; --page says which page)")
    parser.add_argument("--theme-repo", type=Path, metavar="DIR", default=None,
                        help="with --check: also check the theme repository's own template files at DIR")
    parser.add_argument("--patch", type=Path, metavar="FILE", default=None,
                        help="with --theme-repo: write the patch that makes each theme file the verified page here"
                             " (removed when every file is; default: print it)")
    parser.add_argument("--notebook", type=Path, metavar="OUT.ipynb", default=None,
                        help="write the notebook instead of the page")
    parser.add_argument("--api-url", default=None, metavar="URL",
                        help="the API URL the notebook's first cell sets (default: the site's, cases/project.toml)")
    add_project(parser)
    add_cases_dir(parser)
    add_cassettes(parser)
    parser.add_argument("--no-cache", action="store_true",
                        help="replay the cases even when the cache ($DOCS_CACHE) holds blocks from identical inputs")
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # argparse printed its one-line usage error (or --help)
        return int(exc.code or 0)
    with catch_signals():  # SIGTERM/SIGHUP unwind as Ctrl-C does: no temp folder is left
        return one_line_errors("apidocs render", lambda: in_project(args, lambda: _run(args)))


def _run(args: argparse.Namespace) -> int:
    from apidocs.core import content, project

    if args.notebook and (args.check or args.into or args.source):
        raise RenderError("--notebook writes only the notebook: use it without --check, --into and --from")
    if args.api_url and not args.notebook:
        raise RenderError("--api-url is for the notebook: use it with --notebook")
    if args.theme_repo and not args.check or args.theme_repo and (args.into or args.source):
        raise RenderError("--theme-repo only checks: use it with --check, without --into and --from")
    if args.patch and not args.theme_repo:
        raise RenderError("--patch is the theme files' patch: use it with --check --theme-repo DIR")
    settings = load_settings(Mode.REPLAY, args)
    args.cases_dir = args.cases_dir or project.cases()
    one_file = args.into or args.notebook or args.source
    declared = list(content.pages())
    pages = [content.page(args.page).name] if args.page else (declared[:1] if one_file else declared)
    if args.notebook:  # an output that cannot be written is found out before the replay
        check_file(args.notebook, "the notebook")
    elif not args.check:
        for name in [args.into] if args.into else [template(p) for p in pages]:
            check_file(name, "the page")
    elif args.patch:
        check_file(args.patch, "the patch")
    if args.notebook:
        return _write_notebook(pages[0], args, settings)
    from apidocs.render import cache

    keys = {} if args.no_cache else cache.keys(pages, args.cases_dir, settings.cassettes)
    code = max(_render_page(name, args, settings, keys.get(name)) for name in pages)
    if args.theme_repo:
        code = max(code, _check_theme(args.theme_repo, args.patch, pages, args, settings, keys))
    return code


def _check_theme(repository: Path, patch: Path | None, pages: list[str], args: argparse.Namespace, settings,
                 keys: dict[str, str | None]) -> int:
    """Check the theme repository's own files of ``pages``; the patch that fixes them (1), or none (0)."""
    from apidocs.core import content
    from apidocs.core.files import write_atomically
    from apidocs.render import adopt, page, theme

    files = theme.found(repository, [content.page(name) for name in pages])
    if not files:
        print(f"render: {shown(repository)} holds no theme templates"
              f" ({theme.theme_file(content.page(pages[0])).parent}/*.html): checked our pages only")
    hunks = []
    for name, relative in files.items():
        path = repository / relative
        contents = _contents(name, args.cases_dir, settings, keys.get(name))
        try:
            outcome = page.update(path, contents, check=True)
        except adopt.AdoptError:  # our page may be ahead: a new case's section, not in the theme yet
            ours = page.update(template(name), contents, check=True).text
            compared = adopt.compare_prose(ours, page.read(path))
            if compared.prose is not adopt.Prose.AHEAD:
                raise
            print(f"render: {relative} lacks what our page adds for {', '.join(compared.new_cases)}"
                  f" ({len(compared.added)} line(s)): the patch adds it", file=sys.stderr)
            hunks.append(theme.git_diff(page.read(path), ours, relative))
            continue
        if not outcome.changed:
            print(f"render: {relative} is the verified page ({outcome.blocks} blocks)")
            continue
        why = ("was never adopted: it has no markers" if outcome.adopted
               else f"differs from the verified page in {len(outcome.stale)} block(s) ({', '.join(outcome.stale)})")
        print(f"render: {relative} {why}", file=sys.stderr)
        hunks.append(theme.git_diff(page.read(path), outcome.text, relative))
    if patch is None:
        sys.stdout.write("".join(hunks))
    elif hunks:
        write_atomically(patch, "".join(hunks))
        print(f"render: wrote {shown(patch)}: `git apply {shown(patch)}` at {shown(repository)} makes"
              f" {len(hunks)} file(s) the verified page(s)", file=sys.stderr)
    else:
        patch.unlink(missing_ok=True)  # a patch from an earlier run would fail the report
    return 1 if hunks else 0


def _render_page(name: str, args: argparse.Namespace, settings, key: str | None) -> int:
    """Render one page into its template or ``--into``, from the cache entry under ``key``,
    else from a replay of its cases."""
    from apidocs.render import page

    target = args.into or template(name)
    outcome = page.update(target, _contents(name, args.cases_dir, settings, key), check=args.check,
                          source=args.source)
    if args.check:
        return report_check(outcome, "render: ")
    how = "adopted and updated" if outcome.adopted else "updated" if outcome.changed else "unchanged"
    taken = f", its prose from {shown(args.source)}" if args.source else ""
    print(f"render: {shown(target)} {how} ({outcome.blocks} blocks{taken})")
    return 0


def _contents(name: str, folder: Path, settings, key: str | None) -> dict[str, str]:
    """The template source of the page's blocks: cached while every input is byte for byte
    the same (:mod:`apidocs.render.cache`; ``key`` None: not cached), else from a replay of its
    cases (and then cached)."""
    from apidocs.render import cache

    contents = cache.load(settings.cache, name, key)
    if contents is None:
        from apidocs.entry.loader import load_cases
        from apidocs.render import verified

        cases = load_cases(folder=folder, page=name)
        contents = verified.page_contents(cases, verified.replay(cases, settings))
        cache.store(settings.cache, name, key, contents)
    return contents


def _write_notebook(name: str, args: argparse.Namespace, settings) -> int:
    from apidocs.core import content
    from apidocs.entry.loader import load_cases
    from apidocs.render import notebook, verified

    cases = load_cases(folder=args.cases_dir, page=name)
    verified.replay(cases, settings)  # a notebook of snippets that do not pass is not written
    notebook.write(args.notebook, notebook.build(cases, args.api_url or content.of_project().api_url))
    print(f"render: wrote {args.notebook} ({len(cases)} cases)")
    return 0


def report_check(outcome, prefix: str = "") -> int:
    """Say whether the page is up to date (0) or show how it differs (the diff, then one
    line naming the stale blocks: 1)."""
    if outcome.changed:
        sys.stdout.write(outcome.diff)
        print(f"{prefix}{shown(outcome.path)} differs from what the verified cases produce in {len(outcome.stale)}"
              f" block(s) ({', '.join(outcome.stale)}): run `make render`", file=sys.stderr)
        return 1
    print(f"{prefix}{shown(outcome.path)} is up to date ({outcome.blocks} blocks)")
    return 0


def shown(path: Path) -> str:
    """``path`` as a user reads it: relative to the current folder when inside it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)

