"""How a run's records read in a terminal (:mod:`apidocs.runner.session`, provisioning): one
line a step, with the outcome the reports give it (drift included), and, where a step
failed or drifted, what went wrong and what to do. Imported by the commands that run cases
(and the pytest plugin), not by every command: it imports the runner."""

from __future__ import annotations

import functools
from typing import assert_never

from apidocs.core.messages import apidocs_command
from apidocs.core.settings import Mode
from apidocs.entry.console import Console
from apidocs.entry.options import RUN_COMMANDS
from apidocs.runner.analysis import StepReport, counts_line, todo
from apidocs.runner.provision import DraftNotDeleted, FixtureReady, Progress
from apidocs.runner.results import CleanupWarning, Ledger, Outcome, RecordingKept
from apidocs.runner.session import (
    CaseNotRun,
    CaseStarted,
    Event,
    Housekeeping,
    Listener,
    ReportWritten,
    RunResult,
    RunStarted,
    StepDone,
)

#: Each outcome's mark, the reports' outcome in four letters (drift's five: its word, as the reports say it)
MARKS = {Outcome.PASSED: "ok  ", Outcome.FAILED: "FAIL", Outcome.DRIFT: "DRIFT", Outcome.DATA: "DATA",
         Outcome.SKIPPED: "skip"}
#: The outcomes whose step the console explains (the others passed, or an earlier step stopped them).
EXPLAINED = (Outcome.FAILED, Outcome.DRIFT, Outcome.DATA)
#: The command that runs each mode, as a run's first line names it.
COMMAND_OF = {mode: command for command, mode in RUN_COMMANDS.items()}


def tell(console: Console, event: Event) -> None:
    """What a run tells as it goes (:mod:`apidocs.runner.session`), as lines."""
    match event:
        case RunStarted():
            console.say(*started(event))
        case CaseStarted(case):
            console.say(f"{case.name}: {case.title}")
        case StepDone(number, total, report):
            console.say(f"[{number:>2}/{total}]" + step_line(report))
            if report.outcome in EXPLAINED:
                console.say("\n".join(failure_details(report)))
        case CleanupWarning(case, warning):
            console.say(f"  warning: {case}: {warning}")
        case RecordingKept(path, kept):
            console.say(f"  {'recorded' if kept else 'NOT recorded (a step failed), left unchanged:'} {path}")
        case CaseNotRun(case, why):
            console.say(f"  NOT RUN {case}: {why}")
        case Housekeeping(ledger, target):
            console.say(*housekeeping(ledger, target))
        case ReportWritten(path):
            console.say(f"report: {path}")
        case RunResult():
            console.say(*finished(event))
        case _:
            assert_never(event)


def listener(console: Console) -> Listener:
    """A run's listener that tells ``console``."""
    return functools.partial(tell, console)


def provisioned(console: Console, progress: Progress) -> None:
    """Provisioning as it goes: each fixture found or created, each draft it could not delete."""
    match progress:
        case FixtureReady(fixture, record_id, created):
            console.say(f"  {'created ' if created else 'found   '} {fixture.name:18} {record_id}  {fixture.title}")
        case DraftNotDeleted(record_id, why):
            console.say(f"  warning: could not delete draft {record_id}: {why}")
        case _:
            assert_never(progress)


def started(event: RunStarted) -> list[str]:
    """A run's first lines: the fixtures it lacks, what it runs against what, what it leaves out."""
    settings, prepared = event.settings, event.prepared
    where = "committed cassettes" if settings.mode is Mode.REPLAY else settings.api_url
    kind = f"{settings.mode}, read-only," if settings.read_only else settings.mode
    lines = [fixtures_missing(prepared.fixtures_missing)] if prepared.fixtures_missing else []
    lines.append(f"apidocs {COMMAND_OF[settings.mode]}: {len(prepared.cases)} case(s), {kind} against {where}")
    return lines + [f"  left out (read-only run, needs a token): {case.name} › {', '.join(s.name for s in case.steps)}"
                    for case in prepared.left_out]


def fixtures_missing(names: tuple[str, ...]) -> str:
    return (f"data: fixtures missing on the target: {', '.join(names)}; checks that need them report"
            f" 'data missing' (not drift). {apidocs_command('provision')} creates them.")


def housekeeping(ledger: Ledger, target: str) -> list[str]:
    """What the run left on the instance: nothing, or the records it could not remove."""
    lines = [f"  warning: {warning}" for warning in ledger.warnings]
    if ledger.removed:
        lines.append(f"removed {len(ledger.removed)} published test record(s) with DOCS_ADMIN_TOKEN: "
                     f"{', '.join(ledger.removed)}")
    if ledger.left_behind:
        lines.append(f"left behind {len(ledger.left_behind)} published test record(s) on {target}:"
                     f" {', '.join(ledger.left_behind)} (set DOCS_ADMIN_TOKEN to remove them)")
    return lines


def finished(result: RunResult) -> list[str]:
    """A run's last lines: the counts, and what to do about missing data or unrecorded requests."""
    counts = result.counts
    lines = [f"{counts_line(counts)} in {result.seconds:.1f} s"]
    if counts[Outcome.DATA]:
        lines.append("data missing: the instance lacks records the examples rely on; this is not drift."
                     f" Run {apidocs_command('provision')} against it (needs DOCS_API_TOKEN and DOCS_CURATOR_TOKEN).")
    if result.unrecorded:
        lines.append(update_hint(result.unrecorded))
    return lines


def update_hint(cases: list[str]) -> str:
    """What to do when a snippet changed since its case was recorded: the one command."""
    names = " ".join(cases)
    return (f"not in the cassette: {names} sent requests their cassettes do not hold (a snippet changed since it"
            f" was recorded). Run {apidocs_command(f'update {names}')} against an instance ($DOCS_API_URL, default the"
            " reference instance): it records them again, renders the pages and verifies.")


def step_line(report: StepReport) -> str:
    stopped = [f"{lang.label} (its chain stopped at {lang.stopped_by})" for lang in report.languages if lang.skipped]
    note = f"; not run in {', '.join(stopped)}" if stopped else ""
    if report.stand_in:
        note += "; no fixture here: its stand-in found a record"
    waiting = f"\n       {report.waiting}" if report.waiting else ""
    return (f"  {MARKS[report.outcome]} {report.case} › {report.step} ({report.kind}, {report.seconds:.1f} s{note})"
            f"{waiting}")


def failure_details(report: StepReport) -> list[str]:
    """Name each language that failed or drifted, the request it sent and each difference
    found; then the snippet files, the stale page blocks and the next command."""
    lines = []
    for lang in report.languages:
        if not (lang.problems or lang.drift):
            continue
        lines.append(f"       {lang.label}: {lang.request[0] if lang.request else 'no request'}")
        lines += [f"         - {problem}" for problem in lang.problems]
        lines += [f"         - drift: {finding.sentence()}" for finding in lang.drift]
    lines += [f"       - {problem}" for problem in report.problems]
    return lines + [f"       {line}" for line in todo(report)]
