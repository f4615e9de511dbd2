"""What a run produced: the result of each step in each language, of each case, and
what live runs left on the instance. The engine makes these; the console, the reports,
the renderer and the pytest plugin read them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Iterable, Protocol, TypeVar

from apidocs.core.languages import label
from apidocs.core.model import Case, Step
from apidocs.core.problems import Kind, Problem, only_data_missing
from apidocs.runner.capture import Exchange
from apidocs.runner.compare import RequestView
from apidocs.runner.execute import ProcessResult


class Outcome(StrEnum):
    """A step's verdict, as the console, the reports and ``summary.json`` name it."""

    PASSED = "passed"
    FAILED = "failed"
    #: passed, but a live answer moved away from its recording (found by the analysis, apidocs.runner.analysis)
    DRIFT = "drift"
    #: failed only for want of data on the instance (``apidocs provision``), not drift
    DATA = "data"
    #: not verified in every language: a chain stopped at an earlier failed step
    SKIPPED = "skipped"

    @property
    def bad(self) -> bool:
        """A failure the job fails on (JUnit ``failure``): failed, drifted or data missing."""
        return self in (Outcome.FAILED, Outcome.DRIFT, Outcome.DATA)


@dataclass(frozen=True)
class CellRun:
    """A transcript's code cell as it ran: what it printed and the repr of its value (None: none)."""

    output: str
    value: str | None


@dataclass
class StepRun:
    """One step in one language (or the runner's own request, for an action)."""

    language: str
    exchanges: list[Exchange] = field(default_factory=list)
    process: ProcessResult | None = None
    request: RequestView | None = None
    table: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    #: why this chain did not run the step: the earlier step that stopped it
    stopped_by: str = ""
    #: the action's stand-in ran, because the target lacks the fixtures
    stand_in: bool = False
    #: what of the documented answer this run could not verify (see :class:`model.Upstream`)
    waiting: str = ""
    #: a transcript's code cells, in order, as they ran
    cells: list[CellRun] = field(default_factory=list)

    @property
    def skipped(self) -> bool:
        return bool(self.stopped_by)

    @property
    def response(self) -> Exchange | None:
        return self.exchanges[-1] if self.exchanges else None

    def request_line(self) -> str:
        """What it sent, in page terms when it is a snippet's request: ``GET /api/records/abcde-12345``."""
        if self.request is not None:
            return self.request.line()
        return f"{self.response.method} {self.response.path}" if self.response else "no request"


@dataclass
class StepResult:
    case: str
    step: Step
    runs: dict[str, StepRun]
    problems: list[Problem] = field(default_factory=list)  # across languages (a mismatch)
    #: how long the step took, every language's run included (the JUnit report's time)
    seconds: float = 0.0

    @property
    def failed(self) -> bool:
        return bool(self.problems) or any(r.problems for r in self.runs.values())

    @property
    def skipped(self) -> bool:
        """Not verified in every language: a chain stopped at an earlier failed step."""
        return not self.failed and any(r.skipped for r in self.runs.values())

    @property
    def ok(self) -> bool:
        return not self.failed and not self.skipped

    @property
    def data_missing(self) -> bool:
        """Failed only because the instance lacks data (``apidocs provision``), not drift."""
        return only_data_missing([p for r in self.runs.values() for p in r.problems] + self.problems)

    @property
    def outcome(self) -> Outcome:
        """What the run says of the step; only the analysis (drift) can add :attr:`Outcome.DRIFT`."""
        if self.skipped:
            return Outcome.SKIPPED
        if self.data_missing:
            return Outcome.DATA
        return Outcome.FAILED if self.failed else Outcome.PASSED

    @property
    def unrecorded(self) -> bool:
        """A request of this step is not in the cassette: its case needs recording again."""
        return any(p.kind is Kind.UNRECORDED for r in self.runs.values() for p in r.problems)

    @property
    def waiting(self) -> str:
        """What waits for an upstream server (passed up to its call), or ""."""
        return next((r.waiting for r in self.runs.values() if r.waiting), "")

    def messages(self) -> list[str]:
        """Every problem, each naming its language."""
        lines = [f"{label(lang)}: {p}" for lang, run in self.runs.items() for p in run.problems]
        return lines + [problem.message for problem in self.problems]


@dataclass
class CaseRun:
    """What a whole case produced; ``warnings`` are clean-up problems that fail nothing."""

    case: Case
    steps: list[StepResult] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    complete: bool = False  # every step ran (no error stopped the case)

    @property
    def ok(self) -> bool:
        return self.complete and all(s.ok for s in self.steps)


@dataclass(frozen=True)
class CleanupWarning:
    """A clean-up problem of a case (a draft it could not delete): it fails no step, but is said."""

    case: str
    warning: str


@dataclass(frozen=True)
class RecordingKept:
    """What a recording did with the case's cassette: ``kept`` it (every step passed), or left
    the committed one unchanged."""

    path: Path
    kept: bool


#: What the engine has to say about a case once it ran.
Note = CleanupWarning | RecordingKept


@dataclass
class Ledger:
    """What a run found on the instance and left there: the fixtures it lacks, the records
    the run published, removed or not."""

    #: fixtures (``cases/fixtures.toml``) a live run did not find on the target: too few
    #: search hits then mean "data missing", not a wrong page. Empty: the data is all there.
    fixtures_missing: tuple[str, ...] = ()

    removed: list[str] = field(default_factory=list)
    left_behind: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: what the engine has to say about the case that just ran (a draft it could not
    #: delete, whether a recording was kept): the console says and empties it
    notes: list[Note] = field(default_factory=list)


class OfCase(Protocol):
    """A step's result or report: anything that names the case it belongs to."""

    @property
    def case(self) -> str: ...


Item = TypeVar("Item", bound=OfCase)


def by_case(items: Iterable[Item]) -> dict[str, list[Item]]:
    """``items`` grouped by their case, cases and steps in run order: a page's blocks, a JUnit
    suite and a page check each take a case's steps together."""
    grouped: dict[str, list[Item]] = {}
    for item in items:
        grouped.setdefault(item.case, []).append(item)
    return grouped
