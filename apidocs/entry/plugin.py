"""The pytest face of the runner: ``pytest cases/`` verifies every step as a test item.

Find → run → compare, as in pytest-examples: each case script of ``cases/`` (of a page its
``project.toml`` declares: ``<prefix><n>_*.py``) is collected as a case, each of its
steps as an item (marked ``apidocs``) that runs the step in both languages. Steps of a
case share one run (the chains), so they run in order; a step left out with ``-k`` still
runs (a later step needs its ids), it just is not reported.

Mode: ``--apidocs-mode=replay|live|record``; else pytest-recording's ``--record-mode``
(``all``/``rewrite`` record); else ``$DOCS_MODE``; else replay. Settings are read and
checked once, when the steps are collected.

Exit codes, as the CLI's: 0 every step passed; 1 a step failed (or, live, drifted from
its recording), or every step run was skipped; 2 the run could not start or go on (a bad
setting, a missing cassette, the server unreachable: the session stops at once), also
when the case folder holds no case; 128+N when stopped by signal N (130 Ctrl-C, 143
SIGTERM, 129 SIGHUP). Drafts are deleted in every case.
"""

from __future__ import annotations

import contextlib
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

import pytest

from apidocs.core.errors import ApidocsError, ServerUnreachable, catch_signals
from apidocs.core.settings import Mode, Settings, load
from apidocs.entry.online import prepare

if TYPE_CHECKING:
    from _pytest._code.code import TerminalRepr  # what pytest's repr_failure may return

    from apidocs.runner.analysis import Analysis, StepReport

# The engine (and vcrpy with it) is imported when a case runs, not when pytest loads
# plugins: pytest-recording must register vcrpy for assertion rewriting first.


@dataclass
class Session:
    """What the exit code needs to know about the apidocs part of a pytest session."""

    settings: Settings | None = None  # set once steps are collected: an apidocs run
    #: the fixtures a live run did not find on the target (each case's Ledger carries them)
    fixtures_missing: tuple[str, ...] = ()
    could_not_run: str = ""  # the first error that stopped a case (exit 2)
    #: each step's outcome, drift included, as the CLI's console finds it (made when the first case runs)
    analysis: "Analysis | None" = None
    steps_run: int = 0
    steps_passed: int = 0
    #: SIGTERM/SIGHUP raise Interrupted while steps run (apidocs.core.errors.catch_signals); the
    #: signal caught, if any, decides the exit code; the handlers are put back at the end
    signals: contextlib.ExitStack = field(default_factory=contextlib.ExitStack)
    caught: list[int] = field(default_factory=list)


STATE = pytest.StashKey[Session]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("apidocs", "verified API docs")
    group.addoption("--apidocs-mode", choices=[mode.value for mode in Mode], default=None,
                    help="replay (default, offline), live (against $DOCS_API_URL) or record; else $DOCS_MODE")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "apidocs(case, step): a step of a documented API case")
    config.stash[STATE] = Session()


def pytest_collect_file(file_path: Path, parent: pytest.Collector):
    from apidocs.core.content import is_case_script

    if is_case_script(file_path):
        return CaseFile.from_parent(parent, path=file_path)
    return None


def _mode(config: pytest.Config) -> Mode | None:
    """The mode the options ask for; None leaves it to $DOCS_MODE."""
    chosen = config.getoption("apidocs_mode")
    if chosen:
        return Mode(chosen)
    record_mode = config.getoption("record_mode", default="none")
    return Mode.RECORD if record_mode in ("all", "rewrite") else None


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    """Steps were collected: read and check the settings once, before any step runs."""
    if not any(isinstance(item, StepItem) for item in items):
        return
    state = config.stash[STATE]
    cases = {item.case_file.case.name: item.case_file.case for item in items if isinstance(item, StepItem)}
    try:
        settings = load(_mode(config))
        # a live run is prepared as the CLI prepares it: read-only split, preflight, fixtures
        _, left_out, state.fixtures_missing = prepare(settings, list(cases.values()),
                                                      say=lambda line: print(line, file=sys.stderr))
        state.settings = settings
    except ApidocsError as exc:
        state.could_not_run = str(exc)
        pytest.exit(f"apidocs: error: {exc}", returncode=exc.exit_code)
    left = {case.name for case in left_out}
    for item in items:
        if isinstance(item, StepItem) and item.case_file.case.name in left:
            item.add_marker(pytest.mark.skip(reason="read-only run: this case needs a token"))
    state.caught = state.signals.enter_context(catch_signals())  # unwind as for Ctrl-C: drafts are deleted


def pytest_unconfigure(config: pytest.Config) -> None:
    state = config.stash.get(STATE, None)
    if state is not None:
        state.signals.close()


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Give the session the CLI's exit code (pytest's own would say 2 for Ctrl-C, 5 for no test)."""
    state = session.config.stash[STATE]
    if state.settings is None and not state.could_not_run:
        if exitstatus == pytest.ExitCode.NO_TESTS_COLLECTED and _aims_at_cases(session.config):
            print(f"apidocs: error: no case collected: the case folder holds no case script{_patterns()}",
                  file=sys.stderr)
            session.exitstatus = 2
        return
    if state.caught:
        session.exitstatus = 128 + state.caught[0]
    elif state.could_not_run:
        session.exitstatus = 2
    elif exitstatus == pytest.ExitCode.INTERRUPTED:
        session.exitstatus = 130
    elif exitstatus == pytest.ExitCode.OK and state.steps_run and not state.steps_passed:
        print("apidocs: no step was verified: every step run was skipped", file=sys.stderr)
        session.exitstatus = 1


def _patterns() -> str:
    """`` (<prefix><n>_*.py, …)``: the file names of the docs project's case scripts, or "" outside one."""
    from apidocs.core import content

    try:
        return f" ({', '.join(page.case_pattern for page in content.pages().values())})"
    except ApidocsError:
        return ""


def _aims_at_cases(config: pytest.Config) -> bool:
    """The command line names a case folder or case script (``pytest cases/``)."""
    paths = [Path(config.invocation_params.dir, arg.split("::")[0]) for arg in config.args]
    return any(p.name == "cases" or p.parent.name == "cases" for p in paths)


class CaseFile(pytest.File):
    """One case: loads the script, then runs it step by step as its items ask."""

    def collect(self) -> Iterator[pytest.Item]:
        from apidocs.entry.loader import load_case

        self.case = load_case(self.path)
        self._reports: "Iterator[StepReport] | None" = None
        self._stopped = ""
        for step in self.case.steps:
            item = StepItem.from_parent(self, name=step.name)
            item.add_marker(pytest.mark.apidocs(self.case.name, step.name))
            yield item

    def report_for(self, name: str) -> "StepReport":
        """Step ``name``'s result, analysed, running the case up to it (the steps before it too)."""
        if self._stopped:
            raise ApidocsError(f"not run: {self._stopped}")
        state = self.config.stash[STATE]
        try:
            if self._reports is None:
                from apidocs.entry.console import print_notes
                from apidocs.entry.render_cli import shown
                from apidocs.runner.analysis import Analysis
                from apidocs.runner.engine import run_case
                from apidocs.runner.results import Ledger

                settings = state.settings
                if settings is None:  # collected, but the settings were never read: not an apidocs run
                    raise ApidocsError(f"{self.case.name}: the run's settings were not read")
                if state.analysis is None:
                    state.analysis = Analysis(settings, state.fixtures_missing, Path(shown(self.path.parent)))
                ledger = Ledger(fixtures_missing=state.fixtures_missing)
                results = run_case(self.case, settings, ledger=ledger)
                self._reports = (state.analysis.step(result) for result in results)
                self.addfinalizer(lambda: print_notes(ledger))  # after the clean-up (finalizers run last first)
                self.addfinalizer(results.close)  # clean-up runs even after a failure
            for report in self._reports:
                if report.step == name:
                    return report
            raise ApidocsError(f"{self.case.name} ended before its step {name}")
        except ApidocsError as exc:
            self._stopped = str(exc)
            state.could_not_run = state.could_not_run or str(exc)
            if isinstance(exc, ServerUnreachable):  # every later step would fail the same way
                self.session.shouldstop = "apidocs: the server is unreachable, the rest of the run was stopped"
            raise


class StepFailed(Exception):
    """A step's problems, shown as they are (no traceback)."""


class StepItem(pytest.Item):
    def runtest(self) -> None:
        from apidocs.runner.results import Outcome

        state = self.config.stash[STATE]
        state.steps_run += 1
        report = self.case_file.report_for(self.name)
        if report.outcome is Outcome.SKIPPED:
            pytest.skip("not verified in every language: an earlier step of this case failed")
        if report.outcome is not Outcome.PASSED:  # failed, drifted from its recording, or its data missing
            from apidocs.entry.console import failure_details

            raise StepFailed("\n".join(failure_details(report)))
        state.steps_passed += 1

    @property
    def case_file(self) -> CaseFile:
        """The case this step belongs to (its collector)."""
        assert isinstance(self.parent, CaseFile)
        return self.parent

    def repr_failure(self, excinfo: pytest.ExceptionInfo, style=None) -> str | TerminalRepr:
        if excinfo.errisinstance((StepFailed, ApidocsError)):
            return f"{self.case_file.case.name} › {self.name}:\n{excinfo.value}"
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, 0, f"{self.case_file.case.name} › {self.name}"
