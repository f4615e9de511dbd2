"""How a run goes, for every entry point alike (``apidocs verify|live|record``, ``apidocs
update``, the pytest plugin): prepare (read-only split, preflight, fixtures), run each case
and analyse each step as it finishes, say what the run left on the instance, write the
reports, check the pages; and return what happened (:class:`RunResult`).

Nothing here prints: each thing is told as it happens, as a typed record (:data:`Event`),
to the listener the entry point gives, so that a live run's steps show while it runs and
what was said before a Ctrl-C stays said. The console turns the records into lines.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Generator

from apidocs.core.errors import CassetteError
from apidocs.core.files import check_folder
from apidocs.core.messages import shown
from apidocs.core.model import Case
from apidocs.core.settings import Mode, Settings
from apidocs.runner.analysis import Analysis, StepReport, tally
from apidocs.runner.engine import run_case
from apidocs.runner.prepare import Prepared, prepare
from apidocs.runner.report import build_reports, save_reports
from apidocs.runner.results import Ledger, Note, Outcome, StepResult, by_case


@dataclass(frozen=True)
class RunStarted:
    """The run is prepared: what it runs, against what, and what it leaves out."""

    settings: Settings
    prepared: Prepared


@dataclass(frozen=True)
class CaseStarted:
    case: Case


@dataclass(frozen=True)
class StepDone:
    """A step finished: its report, the ``number``-th step of the ``total`` the run has."""

    number: int
    total: int
    report: StepReport


@dataclass(frozen=True)
class CaseNotRun:
    """A case whose cassette could not be used: the other cases still run."""

    case: str
    why: str


@dataclass(frozen=True)
class Housekeeping:
    """What the run left on the instance at ``target``: nothing, or the records it could not remove."""

    ledger: Ledger
    target: str


@dataclass(frozen=True)
class ReportWritten:
    path: Path


#: Checks each page whose cases all ran against the blocks rendered from the run's results,
#: grouped by case; returns how many pages are stale. Given by the entry point: rendering is
#: a layer above the runner (:mod:`apidocs.render.check`).
CheckPages = Callable[[dict[str, list[StepResult]]], int]


@dataclass(frozen=True)
class RunRequest:
    """What to run: ``cases`` (of the cases folder ``cases_folder``) with ``settings``; the
    reports into ``report``, the pages checked by ``check_pages``, when given."""

    settings: Settings
    cases: list[Case]
    cases_folder: Path
    report: Path | None = None
    check_pages: CheckPages | None = None


@dataclass
class RunResult:
    """What a run did: each step's result and report, what it left on the instance, the cases
    that could not run, the pages found stale."""

    settings: Settings
    prepared: Prepared
    results: list[StepResult]
    reports: list[StepReport]
    ledger: Ledger
    #: case → why its cassette could not be used
    broken: dict[str, str] = field(default_factory=dict)
    stale_pages: int = 0
    seconds: float = 0.0

    @property
    def counts(self) -> dict[Outcome, int]:
        return tally(self.reports)

    @property
    def ok(self) -> bool:
        """Every step that ran passed and no page is stale (the cases that could not run aside)."""
        return self.counts[Outcome.PASSED] == len(self.results) and not self.stale_pages

    @property
    def unrecorded(self) -> list[str]:
        """The cases of a replay that sent a request their cassette does not hold, in run order."""
        if self.settings.mode is not Mode.REPLAY:
            return []
        return list(dict.fromkeys(result.case for result in self.results if result.unrecorded))

    def not_run(self) -> str | None:
        """Why some cases could not run (a missing or broken cassette), in one line, or None."""
        if not self.broken:
            return None
        return (f"{len(self.broken)} case(s) could not run (the other cases did): "
                + "; ".join(f"{name}: {why}" for name, why in self.broken.items()))


#: What a run tells as it goes.
Event = RunStarted | CaseStarted | StepDone | Note | CaseNotRun | Housekeeping | ReportWritten | RunResult
Listener = Callable[[Event], None]


@dataclass
class Session:
    """The cases of one run, each run step by step and each step analysed as it finishes
    (drift included), so that what is told and what the reports write say the same."""

    settings: Settings
    fixtures_missing: tuple[str, ...]
    #: the cases folder, as the snippet files are named in what is told
    cases_folder: Path
    tell: Listener
    ledger: Ledger = field(init=False)
    analysis: Analysis = field(init=False)
    results: list[StepResult] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.ledger = Ledger(fixtures_missing=self.fixtures_missing)
        self.analysis = Analysis(self.settings, self.fixtures_missing, Path(shown(self.cases_folder)))

    def steps(self, case: Case) -> Generator[StepReport, None, None]:
        """Run ``case``: each step's report as it finishes. What the engine noted about the
        case (a draft it could not delete, a recording kept) is told after it, also when the
        run stops or the caller stops asking (the case's clean-up runs first)."""
        results = run_case(case, self.settings, ledger=self.ledger)
        try:
            for result in results:
                self.results.append(result)
                yield self.analysis.step(result)
        finally:
            results.close()
            for note in self.ledger.notes:
                self.tell(note)
            self.ledger.notes.clear()


def run(request: RunRequest, tell: Listener) -> RunResult:
    """Prepare, run every case, write the reports, check the pages: the run, told as it goes."""
    settings = request.settings
    if request.report:  # found out before the run, not after it
        check_folder(request.report, "the reports")
    if settings.mode is Mode.RECORD:
        check_folder(settings.cassettes, "the recorded cassettes")
    prepared = prepare(settings, request.cases)
    tell(RunStarted(settings, prepared))
    started = time.monotonic()
    session = Session(settings, prepared.fixtures_missing, request.cases_folder, tell)
    broken = run_cases(session, prepared.cases)
    tell(Housekeeping(session.ledger, settings.api_url))
    result = RunResult(settings, prepared, session.results, session.analysis.reports, session.ledger, broken)
    if request.report:
        built = build_reports(result.reports, settings, result.ledger, prepared.left_out)
        for path in save_reports(request.report, built):
            tell(ReportWritten(path))
    if request.check_pages:
        result.stale_pages = request.check_pages(by_case(result.results))
    result.seconds = time.monotonic() - started
    tell(result)
    return result


def run_cases(session: Session, cases: list[Case]) -> dict[str, str]:
    """Run each case in turn, telling each step as it finishes; a case whose cassette cannot
    be used does not stop the others. Returns those cases, each with why."""
    total = sum(len(case.steps) for case in cases)
    broken: dict[str, str] = {}
    for case in cases:
        session.tell(CaseStarted(case))
        try:
            for report in session.steps(case):
                session.tell(StepDone(len(session.results), total, report))
        except CassetteError as exc:
            broken[case.name] = str(exc)
            session.tell(CaseNotRun(case.name, str(exc)))
    return broken
