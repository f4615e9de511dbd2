"""``apidocs update [CASE...]``: the one command after a documented example changed.

It records the named cases again against ``$DOCS_API_URL`` (default: the reference
instance), or, without names, the cases whose requests are no longer in their cassettes
(and those whose cassette is missing or broken); then renders every page and verifies
every case with the pages, as ``make verify`` does; then says what changed: the
cassettes, and the page blocks with a short diff. Without an instance it names the cases
that need recording and stops (exit 2), having changed nothing.
"""

from __future__ import annotations

import argparse
import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from apidocs.core.errors import ApidocsError, CassetteError
from apidocs.core.model import Case
from apidocs.core.settings import Mode

#: ``apidocs record|verify`` as the CLI runs them (given by it: this module sits below it).
Run = Callable[[argparse.Namespace], int]
#: Lines of a block's diff shown; the page's own diff is `git diff page/`.
DIFF_LINES = 12


@dataclass(frozen=True)
class Snapshot:
    """What an update may change: each recorded case's cassette (its bytes) and each page's blocks."""

    cassettes: dict[str, bytes | None]
    blocks: dict[str, dict[str, str]]  # page path → block name → its template source


def update(args: argparse.Namespace, run: Run) -> int:
    """Record, render, verify; then say what changed (also when a later stage failed)."""
    from apidocs.core import project
    from apidocs.entry.loader import load_cases, pick
    from apidocs.entry.options import load_settings
    from apidocs.entry.render_cli import main as render

    folder = args.cases_dir or project.cases()
    cases = load_cases(folder=folder)
    replay = load_settings(Mode.REPLAY, args)
    targets = pick(cases, args.cases) if args.cases else out_of_date(cases, replay)
    # only a recording writes cassettes (a replay never does): the targets', in page order
    picked = {case.name for case in targets}
    recorded = [case for case in cases if case.name in picked]
    before = snapshot(recorded, replay.cassettes)
    code = 0
    if targets:
        names = [case.name for case in targets]
        print(f"apidocs update: recording {' '.join(names)}")
        code = _record(args, names, run)
    else:
        print("apidocs update: every case's requests are in its cassette: nothing to record")
    if code == 0:
        code = render(_shared_options(args))
    if code == 0:
        code = run(_as(args, "verify", [], check_pages=True))
    print_changes(before, snapshot(recorded, replay.cassettes))
    return code


def out_of_date(cases: list[Case], settings) -> list[Case]:
    """The cases a replay cannot serve: a request not in the cassette, or no usable cassette."""
    from apidocs.runner.engine import run_case

    stale = []
    for case in cases:
        try:
            if any(result.unrecorded for result in run_case(case, settings)):  # a probe: only its verdict counts
                stale.append(case)
        except CassetteError:
            stale.append(case)
    return stale


def _record(args: argparse.Namespace, names: list[str], run: Run) -> int:
    """``apidocs record`` of ``names``; a run that cannot reach an instance names what waits for one."""
    try:
        return run(_as(args, "record", names))
    except ApidocsError as exc:
        raise ApidocsError(f"needs recording: {' '.join(names)}; cannot record: {exc}") from None


def _as(args: argparse.Namespace, command: str, cases: list[str], check_pages: bool = False) -> argparse.Namespace:
    """``args`` as the run of ``apidocs COMMAND CASE...`` would have them."""
    return argparse.Namespace(**{**vars(args), "command": command, "cases": cases, "report": None,
                                 "check_pages": check_pages, "read_only": False})


def _shared_options(args: argparse.Namespace) -> list[str]:
    """The options ``apidocs render`` shares with this command, as its command line."""
    options = {"--cases-dir": args.cases_dir, "--cassettes": args.cassettes}
    return [part for flag, value in options.items() if value for part in (flag, str(value))]


def snapshot(cases: list[Case], cassettes: Path) -> Snapshot:
    """The cassettes of ``cases`` and the blocks of every page, as they are now."""
    from apidocs.core.content import pages
    from apidocs.render import markers
    from apidocs.runner.cassettes import path_for

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
    from apidocs.entry.render_cli import shown

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
    shown = [f"    {line}" for line in diff[:DIFF_LINES]]
    return shown + ([f"    … {len(diff) - DIFF_LINES} more changed line(s): see `git diff page/`"]
                    if len(diff) > DIFF_LINES else [])


def print_changes(before: Snapshot, after: Snapshot) -> None:
    lines = changes(before, after)
    print("\n".join(lines) if lines else "apidocs update: no cassette and no page block changed")
