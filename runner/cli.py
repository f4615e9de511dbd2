"""``apidocs``: verify the documented cases (replay), run them live, or record cassettes.

Exit codes: 0 every step passed; 1 a step failed (its case, step, language, request and
the difference are printed); 2 the run could not start (bad input, missing cassette or
token, unknown case) — always one line, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path

from . import settings as settings_module
from .console import failure_details, step_line
from .engine import StepResult, run_case
from .errors import one_line_errors

MODES_HELP = {
    "verify": "replay every case against the committed cassettes (offline; the default job)",
    "live": "run every case against $DOCS_API_URL (default: the reference instance's .instance/env)",
    "record": "re-record the cassettes from $DOCS_API_URL (scrubbed, normalised); only complete runs are kept",
}
MODE_OF = {"verify": "replay", "live": "live", "record": "record"}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="apidocs", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, help_text in MODES_HELP.items():
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.add_argument("cases", nargs="*", metavar="CASE", help="case names (default: all), e.g. case1_metadata")
        sub.add_argument("--cases-dir", type=Path, default=None, help="folder of case scripts (default: cases/)")
        sub.add_argument("--cassettes", type=Path, default=None, help="cassette folder (default: $DOCS_CASSETTES or cassettes/)")
        sub.add_argument("--report", type=Path, default=None, help="also write JUnit XML, Markdown and HTML reports here")
    commands.add_parser("list", help="list the cases and their steps")
    commands.add_parser("render", help="render the page blocks from the verified cases (see `apidocs render -h`)")
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["render"]:  # its own options: hand them over untouched
        from render.cli import main as render_main

        return render_main(argv[1:])
    args = build_parser().parse_args(argv)
    if args.command == "list":
        return one_line_errors("apidocs", list_cases)
    return one_line_errors("apidocs", lambda: run(args))


def list_cases() -> int:
    from cases import load_cases

    for case in load_cases():
        print(f"{case.name}: {case.title}")
        for step in case.steps:
            print(f"  {step.name}{'' if hasattr(step, 'python') else '  (runner action)'}")
    return 0


def run(args: argparse.Namespace) -> int:
    from cases import HERE, load_cases

    settings = settings_module.load(MODE_OF[args.command])
    if args.cassettes:
        settings = replace(settings, cassettes=args.cassettes)
    cases = load_cases(args.cases or None, folder=args.cases_dir or HERE)
    where = "committed cassettes" if settings.mode == "replay" else settings.api_url
    print(f"apidocs {args.command}: {len(cases)} case(s), {settings.mode} against {where}")
    results: list[StepResult] = []
    started = time.monotonic()
    total = sum(len(case.steps) for case in cases)
    for case in cases:
        results += run_one(case, settings, done=len(results), total=total)
    failed = [r for r in results if not r.ok and not r.skipped]
    skipped = [r for r in results if r.skipped]
    passed = len(results) - len(failed) - len(skipped)
    if args.report:
        from .report import write_reports

        for path in write_reports(args.report, results, settings):
            print(f"report: {path}")
    print(f"{passed} passed, {len(failed)} failed, {len(skipped)} skipped in {time.monotonic() - started:.1f} s")
    return 1 if failed or skipped else 0


def run_one(case, settings, done: int, total: int) -> list[StepResult]:
    """Run one case, printing each step as it finishes, counted against the whole run."""
    print(f"{case.name}: {case.title}")
    results = []
    clock = time.monotonic()
    for result in run_case(case, settings):
        print(f"[{done + len(results) + 1:>2}/{total}]" + step_line(result, time.monotonic() - clock), flush=True)
        if not result.ok and not result.skipped:
            print("\n".join(failure_details(result)), flush=True)
        results.append(result)
        clock = time.monotonic()
    return results


if __name__ == "__main__":
    sys.exit(main())
