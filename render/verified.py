"""The results render is allowed to use: every case replayed, every step passed."""

from __future__ import annotations

from typing import Iterable

from apidocs.core.model import Case
from apidocs.core.settings import Mode, Settings
from apidocs.render.blocks import page_blocks, template_blocks
from apidocs.render.errors import RenderError
from apidocs.runner.engine import run_case
from apidocs.runner.results import StepResult


def replay(cases: Iterable[Case], settings: Settings) -> dict[str, list[StepResult]]:
    """Run each case against its cassette; refuse (one line) at the first failed step.

    Raises :class:`RenderError` naming the case and step when a step failed or was
    skipped; a missing or corrupt cassette raises the runner's own one-line error.
    """
    if settings.mode is not Mode.REPLAY:
        raise RenderError(f"render uses replayed results only, not a {settings.mode} run")
    results: dict[str, list[StepResult]] = {}
    for case in cases:
        steps = results[case.name] = []
        for result in run_case(case, settings):  # its clean-up notes do not concern the page
            steps.append(result)
            if not result.ok:  # the rest of the case cannot make up for it
                break
        if (problem := unverified(case, steps)) is not None:
            raise RenderError(problem)
    return results


def unverified(case: Case, steps: list[StepResult]) -> str | None:
    """Why no page block may come from this run of ``case`` (a step failed, was skipped or
    did not run), or None."""
    failed = next((result for result in steps if not result.ok), None)
    if failed is not None:
        reason = (failed.messages() or ["skipped"])[0]
        return f"{case.name}/{failed.step.name} fails in replay, so the page is not rendered from it: {reason}"
    if len(steps) != len(case.steps):
        return f"{case.name}: only {len(steps)} of {len(case.steps)} steps ran in replay"
    return None


def page_contents(cases: list[Case], results: dict[str, list[StepResult]]) -> dict[str, str]:
    """The template source of every block of the page, from verified results only: a
    case whose run did not pass in full is refused, as :func:`replay` refuses it."""
    for case in cases:
        if (problem := unverified(case, results.get(case.name, []))) is not None:
            raise RenderError(problem)
    return template_blocks(page_blocks(cases, results))
