"""``apidocs verify|live|record [CASE...]``: the cases run in the command's mode, as every
entry point runs them (:mod:`apidocs.runner.session`), told on the console; with
``--check-pages`` each page whose cases all ran is checked from the same results."""

from __future__ import annotations

from apidocs.core.errors import CassetteError
from apidocs.core.exits import ExitCode
from apidocs.entry.console import Console
from apidocs.entry.console.runs import listener
from apidocs.entry.loader import load_pages, pick
from apidocs.entry.options import RunOptions, cases_folder, load_settings
from apidocs.render.verified import RunPageCheck
from apidocs.runner import session
from apidocs.runner.session import RunRequest, RunResult


def main(options: RunOptions, console: Console) -> int:
    return verdict(run_cases(options, console))


def run_cases(options: RunOptions, console: Console) -> RunResult:
    """Run the cases ``options`` name (all, by default), telling ``console`` as they go."""
    settings = load_settings(options.mode, options.cassettes, read_only=options.read_only)
    folder = cases_folder(options.cases_dir)
    pages = load_pages(folder)
    cases = pick([case for page_cases in pages.values() for case in page_cases], options.cases)
    # made before the run: it takes each page's cache key from the inputs the results come from
    check = RunPageCheck(pages, folder, settings, console.page_check) if options.check_pages else None
    return session.run(RunRequest(settings, cases, folder, options.report, check), listener(console))


def verdict(result: RunResult) -> ExitCode:
    """1 when a step did not pass or a page is stale; a case that could not run makes the run
    one that could not run (exit 2, one line), after the other cases ran and were told."""
    if (why := result.not_run()) is not None:
        raise CassetteError(why)
    return ExitCode.passed(result.ok)
