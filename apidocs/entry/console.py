"""How results read in a terminal: one line a step, details only where something failed."""

from __future__ import annotations

from apidocs.core.languages import label
from apidocs.core.model import step_kind
from apidocs.runner.results import Ledger, Outcome, StepResult

MARKS = {Outcome.PASSED: "ok  ", Outcome.FAILED: "FAIL", Outcome.DATA: "DATA", Outcome.SKIPPED: "skip"}


def step_line(result: StepResult) -> str:
    mark = MARKS[result.outcome]
    kind = step_kind(result.step)
    stopped = [f"{label(lang)} (its chain stopped at {run.stopped_by})" for lang, run in result.runs.items()
               if run.skipped]
    note = f"; not run in {', '.join(stopped)}" if stopped else ""
    if any(run.stand_in for run in result.runs.values()):
        note += "; no fixture here: its stand-in found a record"
    waiting = f"\n       {result.waiting}" if result.waiting else ""
    return f"  {mark} {result.case} › {result.step.name} ({kind}, {result.seconds:.1f} s{note}){waiting}"


def failure_details(result: StepResult) -> list[str]:
    """Name the language, the request it sent, and each difference found."""
    lines = []
    for language, run in result.runs.items():
        if not run.problems:
            continue
        name = label(language)
        lines.append(f"       {name}: {run.request_line()}")
        lines += [f"         - {problem}" for problem in run.problems]
    lines += [f"       - {problem}" for problem in result.problems]
    return lines


def print_notes(ledger: Ledger) -> None:
    """What the engine noted about the case that just ran (clean-up warnings, whether a
    recording was kept), printed once."""
    for note in ledger.notes:
        print(note, flush=True)
    ledger.notes.clear()
