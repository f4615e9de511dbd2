"""The results render is allowed to use: every case replayed, every step passed; and the
pages checked from a run's results (``verify --check-pages``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from apidocs.core.model import Case
from apidocs.core.settings import Mode, Settings
from apidocs.render import cache, check, template
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


@dataclass
class RunPageCheck:
    """``verify --check-pages``: each page whose cases all ran and passed, checked against the
    blocks rendered from the run's results, each told as it is found. The cache keys are
    taken when this is made, before the run: a file changed meanwhile is not the results'."""

    pages: dict[str, list[Case]]
    cases_folder: Path
    settings: Settings
    tell: check.Tell
    keys: dict[str, str | None] = field(init=False)

    def __post_init__(self) -> None:
        with_cases = [name for name, cases in self.pages.items() if cases]
        self.keys = cache.keys(with_cases, self.cases_folder, self.settings.cassettes)

    def __call__(self, results: dict[str, list[StepResult]]) -> int:
        """Check every page with cases (``results`` grouped by case); how many are stale."""
        found: list[check.PageCheck] = []
        for name in self.keys:  # each told as it is found: a page that cannot be read stops the rest
            found.append(self._check(name, results))
            self.tell(found[-1])
        return check.stale(found)

    def _check(self, name: str, results: dict[str, list[StepResult]]) -> check.PageCheck:
        cases = self.pages[name]
        not_run = [case.name for case in cases if case.name not in results]
        failed = [case.name for case in cases if case.name in results and unverified(case, results[case.name])]
        if not_run or failed:
            why = (f"{len(not_run)} of its {len(cases)} cases did not run" if not_run
                   else f"{', '.join(failed)} did not pass")
            return check.PageNotChecked(template(name), why)
        blocks = check.page_blocks(name, self.keys[name], self.settings, lambda: page_contents(cases, results))
        return check.check_page(name, blocks)
