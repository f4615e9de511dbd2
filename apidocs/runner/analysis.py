"""What a run means for the page: per step, what failed, drifted or lacked data, in which
language, with the request sent, what was expected and what came back, which page blocks
go stale (the catalogue's answer, :mod:`apidocs.core.blocks`, from each problem's kind) and
what a pass checked; and the run's verdict. The writers (:mod:`apidocs.runner.writers`)
turn this into files."""

from __future__ import annotations

import datetime
import enum
import json
from dataclasses import dataclass, field
from pathlib import Path

from apidocs.core import project
from apidocs.core.blocks import blocks_of, stale_blocks
from apidocs.core.errors import ApidocsError
from apidocs.core.languages import label, language, ordered, snippet_folder, snippet_path
from apidocs.core.messages import apidocs_command, clip
from apidocs.core.model import Action, Snippet, Transcript, step_kind
from apidocs.core.problems import Kind, Problem
from apidocs.core.provenance import project_commit, tool_version
from apidocs.core.settings import Mode, Settings
from apidocs.runner.drift import DriftFinder, Finding, FindingKind, StepDrift
from apidocs.runner.results import Ledger, Outcome, StepResult


def data_note() -> str:
    """What a step that found too few records says: not drift, and the command that fixes it."""
    return ("data missing, not drift: the instance lacks records this check relies on;"
            f" run {apidocs_command('provision')} against it (cases/fixtures.toml declares them)")


class NextStep(enum.Enum):
    """What a maintainer does about a step that failed or drifted (:func:`next_command` says how)."""

    #: the snippet or the case changed since the recording (replay: a request not in the
    #: cassette, a failing check), or says what the page should not: record the case again
    #: from the reference instance
    UPDATE = "update"
    #: a live instance answers otherwise than its recording: the instance changed, and the
    #: recording must come from an instance on its release
    RERECORD = "re-record"


def next_step(outcome: Outcome, mode: Mode) -> NextStep | None:
    """What to do about a step of a ``mode`` run with ``outcome``; None when there is nothing
    to do about the step itself (it passed, its data is missing, an earlier step stopped it)."""
    if outcome not in (Outcome.FAILED, Outcome.DRIFT):
        return None
    return NextStep.RERECORD if mode is Mode.LIVE else NextStep.UPDATE


def next_command(step: NextStep, case: str) -> str:
    """The next command for ``step`` of case ``case``, as the console and every report say it."""
    if step is NextStep.RERECORD:
        return (f"staging changed: re-record against an instance on the same release (instance/requirements.txt):"
                f" pin the release it runs there, `make instance`, then {apidocs_command(f'update {case}')}")
    return (f"{apidocs_command(f'update {case}')} against the reference instance: it records the case again from its"
            " snippet files as they are now, renders the pages and verifies")


@dataclass
class LanguageReport:
    language: str
    request: list[str]  # request line, headers, body (masked later)
    expected: str
    got: str
    recorded: str  # the recorded status in a live run ("" otherwise)
    problems: list[Problem]
    drift: list[Finding] = field(default_factory=list)
    context: list[Finding] = field(default_factory=list)
    stopped_by: str = ""  # the earlier step its chain stopped at ("": it ran)

    @property
    def skipped(self) -> bool:
        return bool(self.stopped_by)

    @property
    def label(self) -> str:
        return label(self.language)


@dataclass
class StepReport:
    case: str
    step: str
    kind: str  # snippet | action
    outcome: Outcome
    languages: list[LanguageReport]
    problems: list[Problem]  # across languages
    stale: list[str]  # page blocks, case/step/kind
    checked: str  # what a pass means for this step
    note: str = ""
    unverified: list[str] = field(default_factory=list)  # blocks of a step that did not run
    seconds: float = 0.0  # how long the step took
    #: the snippet files of the languages whose runs failed or drifted (cases/snippets/<case>/<step><suffix>)
    snippets: list[str] = field(default_factory=list)
    #: what to do about it (None: it passed, its data is missing, or an earlier step stopped it)
    next: NextStep | None = None
    #: an action's stand-in ran, because the target lacks the fixtures
    stand_in: bool = False
    #: what of the documented answer waits for an upstream server ("" when nothing does)
    waiting: str = ""

    @property
    def id(self) -> str:
        return f"{self.case}/{self.step}"


@dataclass
class Analysis:
    """What a run means, one step at a time, as each step finishes: the console prints each
    :class:`StepReport` as it comes and the reports are written from the same list
    (:attr:`reports`), so both say the same outcome, drift included. In a live run, drift
    is compared with the recorded records only where the run found the fixtures
    (``fixtures_missing`` empty); ``cases``: the cases folder, as the snippet files are named."""

    settings: Settings
    fixtures_missing: tuple[str, ...] = ()
    cases: Path = Path("cases")
    #: every step analysed so far, in run order
    reports: list[StepReport] = field(default_factory=list)

    def __post_init__(self) -> None:
        live = self.settings.mode is Mode.LIVE
        self._drift = DriftFinder(Path(self.settings.cassettes), not self.fixtures_missing) if live else None

    def step(self, result: StepResult) -> StepReport:
        """The report of ``result``, the next step of the run; kept in :attr:`reports`."""
        drifts = {found.language: found for found in self._drift.step(result)} if self._drift else {}
        report = _step_report(result, drifts, self.settings.mode, self.cases)
        self.reports.append(report)
        return report


def analyse(results: list[StepResult], settings: Settings, ledger: Ledger | None = None,
            cases: Path = Path("cases")) -> list[StepReport]:
    """One :class:`StepReport` a step of a run that is over (:class:`Analysis`)."""
    analysis = Analysis(settings, ledger.fixtures_missing if ledger else (), cases)
    return [analysis.step(result) for result in results]


def _step_report(result: StepResult, drifts: dict[str, StepDrift], mode: Mode, cases: Path) -> StepReport:
    """What one step's result means, with its drift (by language; live runs only)."""
    live = mode is Mode.LIVE
    step = result.step
    languages = []
    stale: dict[str, None] = {}
    data = result.data_missing  # the instance lacks data: not the page's fault, nothing stale
    for name, run in result.runs.items():
        found = drifts.get(name)
        report = LanguageReport(
            language=name,
            request=_request_lines(run),
            expected="every cell ran" if isinstance(step, Transcript) else f"HTTP {step.expect.status}",
            got=_got(run),
            recorded=f"HTTP {found.recorded.status}" if found and found.recorded else "",
            problems=list(run.problems),
            drift=found.drift if found and not data else [],
            context=found.context if found and not data else [],
            stopped_by=run.stopped_by,
        )
        languages.append(report)
        for problem in run.problems:
            stale.update(dict.fromkeys(stale_blocks(result.case, step, problem, name)))
        for finding in report.drift:
            stale.update(dict.fromkeys(finding.blocks))
    for problem in result.problems:
        stale.update(dict.fromkeys(stale_blocks(result.case, step, problem)))
    has_drift = any(lang.drift for lang in languages)
    outcome = Outcome.DRIFT if result.outcome is Outcome.PASSED and has_drift else result.outcome
    note = ""
    if isinstance(step, Action) and not step.inline and outcome in (Outcome.FAILED, Outcome.DRIFT):
        note = "a runner action the page does not show: the steps after it in this case were not verified"
    if outcome is Outcome.DATA:
        note = data_note()
    # a transcript's output is compared with the page, not with a recording
    paired = live and not result.skipped and not isinstance(step, Transcript)
    unpaired = _unpaired(drifts, result) if paired else ""
    # an upstream server answered on one side only: nothing was compared
    upstream = next((f.sentence() for lang in languages for f in lang.context
                     if f.kind is FindingKind.UPSTREAM), "")
    todo = next_step(outcome, mode)
    return StepReport(
        case=result.case, step=step.name, kind=step_kind(step),
        outcome=outcome, languages=languages, problems=list(result.problems), stale=list(stale),
        checked=_joined(_checked(step, live and not (unpaired or upstream), result.waiting), unpaired),
        note=_joined(note, unpaired, upstream),
        unverified=[b.name for b in blocks_of(result.case, step)] if outcome is Outcome.SKIPPED else [],
        seconds=result.seconds,
        snippets=_snippet_files(result, languages, cases) if todo else [],
        next=todo,
        stand_in=any(run.stand_in for run in result.runs.values()),
        waiting=result.waiting,
    )


def _snippet_files(result: StepResult, languages: list[LanguageReport], cases: Path) -> list[str]:
    """The snippet files of the languages whose runs failed or drifted, or that a problem
    across languages concerns (a mismatch: the language that changed), in registry order."""
    if not isinstance(result.step, Snippet):
        return []
    concerned = {lang.language for lang in languages
                 if lang.drift or any(p.kind is not Kind.DATA for p in lang.problems)}
    concerned |= {name for problem in result.problems for name in problem.languages}
    folder = snippet_folder(cases, result.case)
    return [str(snippet_path(folder, result.step.name, language(name))) for name in ordered(concerned)]


def _unpaired(drifts: dict[str, StepDrift], result: StepResult) -> str:
    """Why a live step was compared with no recorded answer ("" when every language was)."""
    found = [drifts.get(name) for name in result.runs]
    if all(f is not None and f.recorded is not None for f in found):
        return ""
    why = next((f.unpaired for f in found if f is not None and f.unpaired), "")
    return f"no recorded answer to compare with ({why or 're-record the cassette'})"


def _joined(*notes: str) -> str:
    return "; ".join(note for note in notes if note)


def _request_lines(run) -> list[str]:
    exchange = run.response
    if exchange is None:
        return []
    view = run.request
    lines = [run.request_line()]
    for key, value in exchange.headers.items():
        lower = key.lower()
        if lower == "authorization":
            lines.append("Authorization: Bearer <TOKEN>")
        elif lower in ("content-type",) and exchange.body:
            lines.append(f"{key}: {value}")
    if view is not None and view.body is not None:
        body = view.body if isinstance(view.body, str) else json.dumps(view.body, sort_keys=True)
        lines.append(clip(body, 600))
    elif view is None and exchange.body:
        lines.append(f"<{len(exchange.body)} bytes>")
    return lines


def _got(run) -> str:
    exchange = run.response
    if run.skipped:
        return "not run (an earlier step failed)"
    if exchange is None:
        return "no request sent"
    if exchange.error and not exchange.status:
        return exchange.error
    return f"HTTP {exchange.status}"


def _checked(step, compared: bool, waiting: str = "") -> str:
    if isinstance(step, Transcript):
        return ("the cells ran in the package's own venv, the page's answers given on stdin, every request through"
                " the capture proxy; the last cell returned the path of the file it downloaded, with the bytes sent")
    parts = [f"HTTP {step.expect.status}"]
    if step.expect.fields:
        parts.append(f"{len(step.expect.fields)} documented field(s) and their types")
    if step.expect.checks:
        parts.append(f"{len(step.expect.checks)} documented effect(s)")
    if waiting:  # the answer comes from an upstream server that did not answer: say what waits
        parts = [f"{waiting} ({' and '.join(parts)})"]
    if isinstance(step, Snippet):
        shown = ", ".join(label(name) for name in step.languages)
        parts.insert(0, f"{shown} ran as shown and sent the same request, to the Endpoint line")
        if step.saves:
            parts.append(f"saved {step.saves} with the response's bytes")
    else:
        parts.insert(0, "runner request")
    if compared:
        parts.append("compared with the recorded answer (no drift)")
    return "; ".join(parts)



def tally(reports: list[StepReport]) -> dict[Outcome, int]:
    """How many steps had each outcome: the one count the console and every report show."""
    return {outcome: sum(1 for r in reports if r.outcome is outcome) for outcome in Outcome}


def counts_line(counts: dict) -> str:
    """``5 passed, 1 failed, 2 drifted, 4 skipped`` (and data missing, when any): the console's
    last line and the report's verdict. ``counts``: :func:`tally`'s, or as summary.json holds it."""
    line = (f"{counts[Outcome.PASSED]} passed, {counts[Outcome.FAILED]} failed, {counts[Outcome.DRIFT]} drifted,"
            f" {counts[Outcome.SKIPPED]} skipped")
    if counts.get(Outcome.DATA):
        line += f", {counts[Outcome.DATA]} data missing (run {apidocs_command('provision')})"
    return line


def meta_of(settings: Settings, reports: list[StepReport]) -> dict:
    counts = tally(reports)
    return {
        "mode": settings.mode,
        "target": "committed cassettes" if settings.mode is Mode.REPLAY else settings.api_url,
        "instance": settings.instance_version,
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "counts": counts,
        "ok": counts[Outcome.PASSED] == len(reports) and bool(reports),
        "tool": f"apidocs {tool_version()}",
        "commit": _project_commit(),
    }


def _project_commit() -> str | None:
    """The docs project's commit, when the run has a project that is a git checkout."""
    try:
        return project_commit(project.root())
    except ApidocsError:
        return None


def stale_blocks_of(reports: list[StepReport]) -> list[str]:
    """The page blocks the run found stale, each once, sorted."""
    return sorted({b for r in reports for b in r.stale})


def unverified_of(reports: list[StepReport]) -> list[str]:
    """The page blocks of steps that did not run (an earlier step failed), each once, sorted."""
    return sorted({b for r in reports for b in r.unverified})


def summary(reports: list[StepReport], meta: dict) -> dict:
    return {
        **meta,
        "steps": len(reports),
        "stale_blocks": stale_blocks_of(reports),
        "unverified_blocks": unverified_of(reports),
        "failing": [
            {"step": r.id, "outcome": r.outcome, "stale": r.stale,
             "problems": [f"{lang.label}: {p}" for lang in r.languages for p in lang.problems]
                         + [p.message for p in r.problems],
             "drift": sorted({f"{lang.label}: {f.sentence()}" for lang in r.languages for f in lang.drift}),
             "snippets": r.snippets, "next": next_command(r.next, r.case) if r.next else ""}
            for r in reports if r.outcome is not Outcome.PASSED
        ],
    }


def verdict(meta: dict) -> str:
    return ("OK — " if meta["ok"] else "ACTION NEEDED — ") + counts_line(meta["counts"])


def produced_by(meta: dict) -> str:
    """The tool and the docs project's commit that produced a report: ``apidocs 0.1.0, docs project at 1a2b…``."""
    return meta["tool"] + (f", docs project at {meta['commit']}" if meta["commit"] else "")


def todo(report: StepReport) -> list[str]:
    """What to do about a step that failed or drifted, in plain lines (the console's and
    JUnit's): the snippet files to look at, the page blocks that went stale, the next command."""
    lines = [f"snippets: {', '.join(report.snippets)}"] if report.snippets else []
    lines += [f"stale blocks: {', '.join(report.stale)}"] if report.stale else []
    return lines + ([f"next: {next_command(report.next, report.case)}"] if report.next else [])


def details(report: StepReport) -> list[str]:
    """Plain lines describing a failing or drifting step (shared by all formats)."""
    lines = []
    for lang in report.languages:
        if lang.skipped:
            lines.append(f"{lang.label}: not run (its chain stopped at {lang.stopped_by})")
            continue
        if not (lang.problems or lang.drift):
            continue
        lines.append(f"{lang.label}:")
        lines.append("  request sent:")
        lines += [f"    {line}" for line in lang.request] or ["    (none)"]
        recorded = f", recorded {lang.recorded}" if lang.recorded else ""
        lines.append(f"  expected {lang.expected}{recorded}; got {lang.got}")
        lines += [f"  - {problem}" for problem in lang.problems]
        lines += [f"  - drift: {finding.sentence()}" for finding in lang.drift]
        if lang.context:
            lines.append("  field diff against the recording (context, volatile fields ignored):")
            lines += [f"    · {finding.sentence()}" for finding in lang.context[:25]]
            if len(lang.context) > 25:
                lines.append(f"    · … {len(lang.context) - 25} more")
    lines += [f"across languages: {problem}" for problem in report.problems]
    if report.note:
        lines.append(f"note: {report.note}")
    if report.unverified:
        lines.append(f"not verified in this run: {', '.join(report.unverified)}")
    return lines
