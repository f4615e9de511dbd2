"""The one writer: what the commands and the pytest plugin say, as a terminal reads it.

The runner, provisioning and the page checks tell what happened as typed records; the
console turns them into lines (a run's records: :mod:`apidocs.entry.console.runs`) and
writes them to the streams it is given: by default ``sys.stdout`` and ``sys.stderr``; a test
gives its own and runs the command in-process. This module imports nothing of the runner,
so that ``apidocs render --check`` answered from the cache starts fast.
"""

from __future__ import annotations

import os
import signal
import sys
from typing import Callable, TextIO

from apidocs.core.errors import ApidocsError, Interrupted
from apidocs.core.exits import INTERRUPTED, signalled
from apidocs.core.messages import shown
from apidocs.render.check import PageCheck, PageNotChecked


class Console:
    """Lines to ``out``; errors, and the verdict of a page that differs, to ``err``. Each line
    is flushed as it is written: a live run's steps show while it runs."""

    def __init__(self, out: TextIO | None = None, err: TextIO | None = None) -> None:
        self._out, self._err = out, err

    @property
    def out(self) -> TextIO:
        """The stream given, else ``sys.stdout`` as it is when written to (pytest swaps it)."""
        return self._out or sys.stdout

    @property
    def err(self) -> TextIO:
        return self._err or sys.stderr

    def say(self, *lines: str) -> None:
        for line in lines:
            print(line, file=self.out, flush=True)

    def warn(self, *lines: str) -> None:
        for line in lines:
            print(line, file=self.err, flush=True)

    def write(self, text: str) -> None:
        """``text`` as it is (a diff, a patch)."""
        self.out.write(text)
        self.out.flush()

    def guarded(self, prog: str, command: Callable[[], int]) -> int:
        """Run a command; what stops it becomes one line on ``err`` and its exit code (2 could
        not run, 128+N stopped by signal N after the clean-up; README, "Exit codes")."""
        try:
            return command()
        except ApidocsError as exc:
            self.warn(f"{prog}: error: {exc}")
            return exc.exit_code
        except Interrupted as exc:
            self.warn(f"{prog}: stopped by {exc} (clean-up done)")
            return signalled(exc.signum)
        except KeyboardInterrupt:
            self.warn(f"{prog}: interrupted")
            return INTERRUPTED
        except BrokenPipeError:  # the reader stopped reading (`apidocs list | head`): as a shell tool ends
            self._silence_out()
            return signalled(signal.SIGPIPE)

    def _silence_out(self) -> None:
        """What is still buffered for a closed pipe goes nowhere, so that flushing it at exit
        does not raise again (Python's advice for SIGPIPE)."""
        if self.out is sys.stdout:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())

    def page_check(self, check: PageCheck, prefix: str = "") -> None:
        """A page checked against the verified page: up to date, or its diff, then one line on
        ``err`` naming the stale blocks; or why it was not checked."""
        if isinstance(check, PageNotChecked):
            self.say(f"{shown(check.path)} not checked: {check.why}")
        elif check.changed:
            self.write(check.diff)
            self.warn(f"{prefix}{shown(check.path)} differs from what the verified cases produce in"
                      f" {len(check.stale)} block(s) ({', '.join(check.stale)}): run `make render`")
        else:
            self.say(f"{prefix}{shown(check.path)} is up to date ({check.blocks} blocks)")
