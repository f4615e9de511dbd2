"""How results read in a terminal: one line a step, with the outcome the reports give it
(drift included), and, where a step failed or drifted, what went wrong and what to do."""

from __future__ import annotations

from apidocs.runner.analysis import StepReport, todo
from apidocs.runner.results import Ledger, Outcome

#: Each outcome's mark, the reports' outcome in four letters (drift's five: its word, as the reports say it)
MARKS = {Outcome.PASSED: "ok  ", Outcome.FAILED: "FAIL", Outcome.DRIFT: "DRIFT", Outcome.DATA: "DATA",
         Outcome.SKIPPED: "skip"}
#: The outcomes whose step the console explains (the others passed, or an earlier step stopped them).
EXPLAINED = (Outcome.FAILED, Outcome.DRIFT, Outcome.DATA)


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


def print_notes(ledger: Ledger) -> None:
    """What the engine noted about the case that just ran (clean-up warnings, whether a
    recording was kept), printed once."""
    for note in ledger.notes:
        print(note, flush=True)
    ledger.notes.clear()
