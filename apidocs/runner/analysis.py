"""What a run means for the page: per step, what failed, drifted or lacked data, in which
language, with the request sent, what was expected and what came back, which page blocks
go stale (the catalogue's answer, :mod:`apidocs.core.blocks`, from each problem's kind) and
what a pass checked; and the run's verdict. The writers (:mod:`apidocs.runner.writers`)
turn this into files."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from pathlib import Path

from apidocs.core.blocks import blocks_of, stale_blocks
from apidocs.core.languages import label
from apidocs.core.messages import apidocs_command
from apidocs.core.model import Action, Snippet
from apidocs.core.problems import Problem
from apidocs.core.settings import Settings
from apidocs.runner.drift import Finding, FindingKind, StepDrift, run_drift
from apidocs.runner.results import Ledger, Outcome, StepResult


def data_note() -> str:
    """What a step that found too few records says: not drift, and the command that fixes it."""
    return ("data missing, not drift: the instance lacks records this check relies on;"
            f" run {apidocs_command('provision')} against it (cases/fixtures.toml declares them)")


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

    @property
    def id(self) -> str:
        return f"{self.case}/{self.step}"


def analyse(results: list[StepResult], settings: Settings, ledger: Ledger | None = None) -> list[StepReport]:
    """One :class:`StepReport` a step, drift included in a live run (against the recorded
    records only where the run found the fixtures: ``ledger``)."""
    live = settings.mode == "live"
    same_records = not (ledger.fixtures_missing if ledger else ())
    drifts: dict = run_drift(results, Path(settings.cassettes), same_records) if live else {}
    reports = []
    for result in results:
        step = result.step
        languages = []
        stale: dict[str, None] = {}
        data = result.data_missing  # the instance lacks data: not the page's fault, nothing stale
        for language in result.runs:
            run = result.runs[language]
            found: StepDrift | None = drifts.get((result.case, step.name, language))
            report = LanguageReport(
                language=language,
                request=_request_lines(run),
                expected=f"HTTP {step.expect.status}",
                got=_got(run),
                recorded=f"HTTP {found.recorded.status}" if found and found.recorded else "",
                problems=list(run.problems),
                drift=found.drift if found and not data else [],
                context=found.context if found and not data else [],
                stopped_by=run.stopped_by,
            )
            languages.append(report)
            for problem in run.problems:
                stale.update(dict.fromkeys(stale_blocks(result.case, step, problem, language)))
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
        unpaired = _unpaired(drifts, result) if live and not result.skipped else ""
        # an upstream server (DAMAP) answered on one side only: nothing was compared
        upstream = next((f.sentence() for lang in languages for f in lang.context
                         if f.kind is FindingKind.UPSTREAM), "")
        reports.append(StepReport(
            case=result.case, step=step.name, kind="snippet" if isinstance(step, Snippet) else "action",
            outcome=outcome, languages=languages, problems=list(result.problems), stale=list(stale),
            checked=_joined(_checked(step, live and not (unpaired or upstream), result.waiting), unpaired),
            note=_joined(note, unpaired, upstream),
            unverified=[b.name for b in blocks_of(result.case, step)] if outcome is Outcome.SKIPPED else [],
            seconds=result.seconds,
        ))
    return reports


def _unpaired(drifts: dict, result) -> str:
    """Why a live step was compared with no recorded answer ("" when every language was)."""
    found = [drifts.get((result.case, result.step.name, language)) for language in result.runs]
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
        lines.append(body if len(body) <= 600 else body[:599] + "…")
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
    parts = [f"HTTP {step.expect.status}"]
    if step.expect.fields:
        parts.append(f"{len(step.expect.fields)} documented field(s) and their types")
    if step.expect.checks:
        parts.append(f"{len(step.expect.checks)} documented effect(s)")
    if waiting:  # the answer comes from an upstream server that did not answer (DAMAP): say what waits
        parts = [f"{waiting} ({' and '.join(parts)})"]
    if isinstance(step, Snippet):
        shown = ", ".join(label(language) for language in step.languages)
        parts.insert(0, f"{shown} ran as shown and sent the same request, to the Endpoint line")
        if step.saves:
            parts.append(f"saved {step.saves} with the response's bytes")
    else:
        parts.insert(0, "runner request")
    if compared:
        parts.append("compared with the recorded answer (no drift)")
    return "; ".join(parts)



def meta_of(settings: Settings, reports: list[StepReport]) -> dict:
    counts = {o.value: sum(1 for r in reports if r.outcome is o) for o in Outcome}
    return {
        "mode": settings.mode,
        "target": "committed cassettes" if settings.mode == "replay" else settings.api_url,
        "instance": settings.instance_version,
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "counts": counts,
        "ok": counts[Outcome.PASSED] == len(reports) and bool(reports),
    }


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
             "drift": sorted({f"{lang.label}: {f.sentence()}" for lang in r.languages for f in lang.drift})}
            for r in reports if r.outcome is not Outcome.PASSED
        ],
    }


def verdict(meta: dict) -> str:
    c = meta["counts"]
    line = (f"{c[Outcome.PASSED]} passed, {c[Outcome.FAILED]} failed, {c[Outcome.DRIFT]} drifted,"
            f" {c[Outcome.SKIPPED]} skipped")
    if c.get(Outcome.DATA):
        line += f", {c[Outcome.DATA]} data missing (run {apidocs_command('provision')})"
    return ("OK — " if meta["ok"] else "ACTION NEEDED — ") + line


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
