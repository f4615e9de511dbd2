"""``apidocs report DIR``: the verdict of a report a live run wrote; exit 0 when clean, 1 when a
step failed, drifted or was left unverified (the nightly job's last command)."""

from __future__ import annotations

from apidocs.core.exits import ExitCode
from apidocs.entry.console import Console
from apidocs.entry.options import ReportOptions
from apidocs.runner.report import saved_verdict


def main(options: ReportOptions, console: Console) -> int:
    lines, clean = saved_verdict(options.directory)
    console.say("\n".join(lines))
    return ExitCode.passed(clean)
