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
import importlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

from apidocs.core import project
from apidocs.core.errors import ApidocsError, catch_signals
from apidocs.core.messages import apidocs_command
from apidocs.core.provenance import describe
from apidocs.entry import help_texts
from apidocs.entry.console import Console
from apidocs.entry.options import (
    RUN_COMMANDS,
    InstallPagesOptions,
    LinksOptions,
    LintOptions,
    NoOptions,
    PreviewOptions,
    RenderOptions,
    ReportOptions,
    RunOptions,
    UpdateOptions,
    add_cases_dir,
    add_cassettes,
    add_project,
    in_project,
    options_of,
    plain,
)

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

#: Each command's typed options and its module (:mod:`apidocs.entry.commands`), imported when it runs.
COMMANDS: dict[str, tuple[type[Any], str]] = {
    **{name: (RunOptions, "run") for name in RUN_COMMANDS}, "update": (UpdateOptions, "update"),
    "provision": (NoOptions, "provision"), "lint": (LintOptions, "lint"), "list": (NoOptions, "list_cases"),
    "report": (ReportOptions, "report"), "preview": (PreviewOptions, "preview"), "links": (LinksOptions, "links"),
    "install-pages": (InstallPagesOptions, "install_pages"), "render": (RenderOptions, "render"),
}


class Parser(argparse.ArgumentParser):
    """argparse, writing its help and its usage errors to the console's streams."""

    def __init__(self, *args: Any, console: Console, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.console = console

    def _print_message(self, message: str, file: SupportsWrite[str] | None = None) -> None:
        if message:
            (self.console.err if file is sys.stderr else self.console.out).write(message)


class RenderParser(Parser):
    """``apidocs render``'s options: a usage error is one line, not argparse's usage block."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"apidocs render: error: {message} (see {apidocs_command('render --help')})\n")


class VersionAction(argparse.Action):
    """``--version``: the tool's version and, when run in a docs project, its commit."""

    def __init__(self, option_strings: list[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, *_: Any) -> None:
        try:
            folder = project.root()
        except ApidocsError:
            folder = None
        assert isinstance(parser, Parser)
        parser.console.say(describe(folder))  # on stdout, as argparse's own version action prints
        parser.exit()


def build_parser(console: Console) -> Parser:
    parser = Parser(prog="apidocs", description=plain(__doc__.split("\n\n")[0]), console=console)
    parser.add_argument("--version", action=VersionAction, help="the tool's version and the docs project's commit")
    common = Parser(add_help=False, console=console)
    add_project(common)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        return commands.add_parser(name, help=help_text, description=help_text, parents=[common], console=console)

    for name, help_text in help_texts.MODES.items():
        sub = command(name, help_text)
        sub.set_defaults(mode=RUN_COMMANDS[name], check_pages=False, read_only=False)
        sub.add_argument("cases", nargs="*", metavar="CASE", help="case names (default: all)")
        add_cases_dir(sub)
        add_cassettes(sub)
        sub.add_argument("--report", type=Path, default=None,
                         help="also write JUnit XML, Markdown and HTML reports here")
        if name == "verify":
            sub.add_argument("--check-pages", action="store_true", help=help_texts.CHECK_PAGES)
        if name == "live":
            sub.add_argument("--read-only", action="store_true", help=help_texts.READ_ONLY)
    update = command("update", help_texts.UPDATE)
    update.add_argument("cases", nargs="*", metavar="CASE",
                        help="case names (default: those whose requests are not in their cassettes)")
    add_cases_dir(update)
    add_cassettes(update)
    command("provision", help_texts.PROVISION)
    lint = command("lint", help_texts.LINT)
    lint.add_argument("cases", nargs="*", metavar="CASE", help="case names (default: all)")
    add_cases_dir(lint)
    command("list", "list the cases and their steps")
    report = command("report", help_texts.REPORT)
    report.add_argument("directory", type=Path, nargs="?", default=Path("reports"), metavar="DIR",
                        help="the report folder (default: reports/)")
    preview = command("preview", help_texts.PREVIEW)
    preview.add_argument("--template", type=Path, default=None, help="one page template (default: every page's)")
    preview.add_argument("--out", type=Path, default=None, help="output folder (default: the project's preview/)")
    preview.add_argument("--no-screenshot", action="store_true", help="write the HTML only (no Chromium needed)")
    preview.add_argument("--app", default=None, help=help_texts.PREVIEW_APP)
    links = command("links", help_texts.LINKS)
    links.add_argument("--app", default=None, metavar="URL", help=help_texts.LINKS_APP)
    links.add_argument("--external", action="store_true",
                       help="also fetch the links to other sites (needs network: the nightly job)")
    links.add_argument("--report", type=Path, default=None, metavar="DIR",
                       help="also write links.md and links.json here")
    install = command("install-pages", help_texts.INSTALL_PAGES)
    install.add_argument("templates", type=Path, metavar="TEMPLATES_DIR",
                         help="the instance's templates folder (e.g. .instance/app/templates)")
    commands.add_parser("render", help=f"render the page blocks from the verified cases (see"
                        f" {apidocs_command('render -h')})", console=console)
    return parser


def build_render_parser(console: Console) -> Parser:
    """``apidocs render``'s own options (its usage: :data:`help_texts.RENDER`)."""
    description, usage = help_texts.RENDER.split("\n\n", 1)
    parser = RenderParser(prog="apidocs render", description=description, console=console,
                          formatter_class=argparse.RawDescriptionHelpFormatter, epilog=usage)
    parser.add_argument("--check", action="store_true", help="only compare; exit 1 with a diff when a block differs")
    parser.add_argument("--page", default=None, metavar="NAME", help=help_texts.RENDER_PAGE)
    parser.add_argument("--into", type=Path, metavar="PATH", help="the page to update (default: its template in page/)")
    parser.add_argument("--from", dest="source", type=Path, metavar="THEME.html",
                        help="the theme's template to take the page's prose from (adopted; --page says which page)")
    parser.add_argument("--theme-repo", type=Path, metavar="DIR",
                        help="with --check: also check the theme repository's own template files at DIR")
    parser.add_argument("--patch", type=Path, metavar="FILE", help=help_texts.RENDER_PATCH)
    parser.add_argument("--notebook", type=Path, metavar="OUT.ipynb", help="write the notebook instead of the page")
    parser.add_argument("--api-url", metavar="URL", help=help_texts.RENDER_API_URL)
    add_project(parser)
    add_cases_dir(parser)
    add_cassettes(parser)
    parser.add_argument("--no-cache", action="store_true", help=help_texts.RENDER_NO_CACHE)
    return parser


def main(argv: list[str] | None = None, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run ``apidocs ARGV``, saying what it does on ``out`` and ``err`` (default: sys's); the exit code."""
    console = Console(out, err)
    argv = sys.argv[1:] if argv is None else argv
    render = argv[:1] == ["render"]
    try:  # `render` has its own options: they are handed over untouched
        args = build_render_parser(console).parse_args(argv[1:]) if render else build_parser(console).parse_args(argv)
    except SystemExit as exc:  # argparse printed its usage error, or the help
        return exc.code if isinstance(exc.code, int) else 0
    name = "render" if render else args.command
    kind, module = COMMANDS[name]
    options = options_of(kind, args)
    command = importlib.import_module(f"apidocs.entry.commands.{module}")
    with catch_signals():  # SIGTERM/SIGHUP unwind as Ctrl-C does: drafts are deleted, no temp folder is left
        return console.guarded("apidocs render" if render else "apidocs",
                               lambda: in_project(args.project, lambda: command.main(options, console)))
