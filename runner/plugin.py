"""The pytest face of the runner: ``pytest cases/`` verifies every step as a test item.

Find → run → compare, as in pytest-examples: each ``cases/case*.py`` file is collected
as a case, each of its steps as an item (marked ``apidocs``) that runs the step in both
languages. Steps of a case share one run (the chains), so they run in order.

Mode: ``--apidocs-mode=replay|live|record``; when it is not given, pytest-recording's
``--record-mode`` decides (``none``, its default, replays; ``all``/``rewrite`` record).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Iterator

import pytest

from .errors import ApidocsError
from .settings import MODES, load

if TYPE_CHECKING:
    from .engine import StepResult

# The engine (and vcrpy with it) is imported when a case runs, not when pytest loads
# plugins: pytest-recording must register vcrpy for assertion rewriting first.


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("apidocs", "verified API docs")
    group.addoption("--apidocs-mode", choices=MODES, default=None,
                    help="replay (default, offline), live (against $DOCS_API_URL) or record")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "apidocs(case, step): a step of a documented API case")


def pytest_collect_file(file_path: Path, parent: pytest.Collector):
    if file_path.parent.name == "cases" and file_path.name.startswith("case") and file_path.suffix == ".py":
        return CaseFile.from_parent(parent, path=file_path)
    return None


def _mode(config: pytest.Config) -> str:
    chosen = config.getoption("apidocs_mode")
    if chosen:
        return chosen
    record_mode = config.getoption("record_mode", default="none")
    return "record" if record_mode in ("all", "rewrite") else "replay"


class CaseFile(pytest.File):
    """One case: loads the script, then runs it step by step as its items ask."""

    def collect(self) -> Iterator[pytest.Item]:
        from cases import load_case

        self.case = load_case(self.path)
        self._results: "Iterator[StepResult] | None" = None
        self._stopped = ""
        for step in self.case.steps:
            item = StepItem.from_parent(self, name=step.name)
            item.add_marker(pytest.mark.apidocs(self.case.name, step.name))
            yield item

    def next_result(self) -> "StepResult":
        if self._stopped:
            raise ApidocsError(f"not run: {self._stopped}")
        try:
            if self._results is None:
                from .engine import run_case

                self._results = run_case(self.case, load(_mode(self.config)))
                self.addfinalizer(self._results.close)  # clean-up runs even after a failure
            return next(self._results)
        except ApidocsError as exc:
            self._stopped = str(exc)
            raise


class StepFailed(Exception):
    """A step's problems, shown as they are (no traceback)."""


class StepItem(pytest.Item):
    def runtest(self) -> None:
        result = self.parent.next_result()
        if result.skipped:
            pytest.skip("not verified in every language: an earlier step of this case failed")
        if not result.ok:
            from .console import failure_details

            raise StepFailed("\n".join(failure_details(result)))

    def repr_failure(self, excinfo: pytest.ExceptionInfo, style=None) -> str:
        if excinfo.errisinstance((StepFailed, ApidocsError)):
            return f"{self.parent.case.name} › {self.name}:\n{excinfo.value}"
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, None, f"{self.parent.case.name} › {self.name}"
