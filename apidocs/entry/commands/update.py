"""``apidocs update [CASE...]``: the one command after a documented example changed.

It records the named cases again against ``$DOCS_API_URL`` (default: the reference
instance), or, without names, the cases whose requests are no longer in their cassettes
(and those whose cassette is missing or broken); then renders every page and verifies
every case with the pages, as ``make verify`` does; then says what changed: the
cassettes, and the page blocks with a short diff. Without an instance it names the cases
that need recording and stops (exit 2), having changed nothing.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from apidocs.core.content import pages
from apidocs.core.errors import ApidocsError, CassetteError
from apidocs.core.exits import ExitCode
from apidocs.core.messages import shown
from apidocs.core.model import Case
from apidocs.core.settings import Mode, Settings
from apidocs.entry.commands import render, run
from apidocs.entry.console import Console
from apidocs.entry.loader import load_cases, pick
from apidocs.entry.options import RenderOptions, RunOptions, UpdateOptions, cases_folder, load_settings
from apidocs.render import markers
from apidocs.runner.cassettes import path_for
from apidocs.runner.engine import run_case

#: Lines of a block's diff shown; the page's own diff is `git diff page/`.
DIFF_LINES = 12


@dataclass(frozen=True)
class Snapshot:
    """What an update may change: each recorded case's cassette (its bytes) and each page's blocks."""

    cassettes: dict[str, bytes | None]
    blocks: dict[str, dict[str, str]]  # page path → block name → its template source


def main(options: UpdateOptions, console: Console) -> int:
    """Record, render, verify; then say what changed (also when a later stage failed)."""
    cases = load_cases(folder=cases_folder(options.cases_dir))
    replay = load_settings(Mode.REPLAY, options.cassettes)
    targets = pick(cases, options.cases) if options.cases else out_of_date(cases, replay)
    # only a recording writes cassettes (a replay never does): the targets', in page order
    picked = {case.name for case in targets}
    recorded = [case for case in cases if case.name in picked]
    before = snapshot(recorded, replay.cassettes)
    code: int = ExitCode.PASSED
    if targets:
        names = [case.name for case in targets]
        console.say(f"apidocs update: recording {' '.join(names)}")
        code = record(options, names, console)
    else:
        console.say("apidocs update: every case's requests are in its cassette: nothing to record")
    if code == ExitCode.PASSED:  # a page that cannot be rendered is said as `apidocs render` says it
        rendering = RenderOptions(cases_dir=options.cases_dir, cassettes=options.cassettes)
        code = console.guarded("apidocs render", lambda: render.main(rendering, console))
    if code == ExitCode.PASSED:
        code = run.main(RunOptions(Mode.REPLAY, [], options.cases_dir, options.cassettes, check_pages=True), console)
    console.say(*changes(before, snapshot(recorded, replay.cassettes))
                or ["apidocs update: no cassette and no page block changed"])
    return code


def out_of_date(cases: list[Case], settings: Settings) -> list[Case]:
    """The cases a replay cannot serve: a request not in the cassette, or no usable cassette."""
    stale = []
    for case in cases:
        try:
            if any(result.unrecorded for result in run_case(case, settings)):  # a probe: only its verdict counts
                stale.append(case)
        except CassetteError:
            stale.append(case)
    return stale


def record(options: UpdateOptions, names: list[str], console: Console) -> int:
    """``apidocs record`` of ``names``; a run that cannot reach an instance names what waits for one."""
    recording = RunOptions(Mode.RECORD, names, options.cases_dir, options.cassettes)
    try:
        return run.main(recording, console)
    except ApidocsError as exc:
        raise ApidocsError(f"needs recording: {' '.join(names)}; cannot record: {exc}") from None


def snapshot(cases: list[Case], cassettes: Path) -> Snapshot:
    """The cassettes of ``cases`` and the blocks of every page, as they are now."""
    def read(path: Path) -> bytes | None:
        return path.read_bytes() if path.is_file() else None

    paths = [path_for(cassettes, case.name) for case in cases]
    return Snapshot(
        cassettes={str(path): read(path) for path in paths},
        blocks={str(page.path): markers.contents(page.path.read_text(encoding="utf-8"), str(page.path))
                for page in pages().values() if page.path.is_file()},
    )


def changes(before: Snapshot, after: Snapshot) -> list[str]:
    """What an update changed, one line a file or block, each block with a short diff."""
    lines = [f"changed: {shown(Path(path))}" for path, data in after.cassettes.items()
             if data != before.cassettes.get(path)]
    for page, blocks in after.blocks.items():
        for name, text in blocks.items():
            old = before.blocks.get(page, {}).get(name)
            if old != text:
                lines.append(f"changed: {shown(Path(page))} {name}")
                lines += block_diff(old or "", text)
    return lines


def block_diff(old: str, new: str) -> list[str]:
    """The changed lines of a block, at most :data:`DIFF_LINES` of them."""
    diff = [line for line in difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=0)
            if not line.startswith(("---", "+++", "@@"))]
    lines = [f"    {line}" for line in diff[:DIFF_LINES]]
    return lines + ([f"    … {len(diff) - DIFF_LINES} more changed line(s): see `git diff page/`"]
                    if len(diff) > DIFF_LINES else [])

