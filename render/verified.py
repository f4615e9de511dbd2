"""The results render is allowed to use: every case replayed, every step passed."""

from __future__ import annotations

import contextlib
import io
from typing import Iterable

from runner.engine import StepResult, run_case
from core.model import Case
from core.settings import Settings

from render.errors import RenderError


def replay(cases: Iterable[Case], settings: Settings) -> dict[str, list[StepResult]]:
    """Run each case against its cassette; refuse (one line) at the first failed step.

    Raises :class:`RenderError` naming the case and step when a step failed or was
    skipped; a missing or corrupt cassette raises the runner's own one-line error.
    """
    if settings.mode != "replay":
        raise RenderError(f"render uses replayed results only, not a {settings.mode} run")
    results: dict[str, list[StepResult]] = {}
    for case in cases:
        steps = results[case.name] = []
        # the runner prints clean-up warnings; they do not concern the page
        with contextlib.redirect_stdout(io.StringIO()):
            for result in run_case(case, settings):
                steps.append(result)
                if not result.ok:
                    reason = (result.messages() or ["skipped"])[0]
                    raise RenderError(f"{case.name}/{result.step.name} fails in replay, so the page is not"
                                      f" rendered from it: {reason}")
        if len(steps) != len(case.steps):
            raise RenderError(f"{case.name}: only {len(steps)} of {len(case.steps)} steps ran in replay")
    return results
