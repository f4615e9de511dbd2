"""The exit-code contract, the same for every ``apidocs`` command and for ``pytest cases/``
(README, "Exit codes"): scripts and CI jobs tell "a step failed" from "could not run" by it,
so every code the tool ends with is one of these."""

from __future__ import annotations

import signal
from enum import IntEnum


class ExitCode(IntEnum):
    #: every step passed (``render``: the page is written or up to date)
    PASSED = 0
    #: a step failed, drifted, lacked its data or was left unverified; a page or a link differs
    FAILED = 1
    #: could not run: a bad setting or input, a missing cassette, an instance that does not answer
    NOT_RUN = 2
    #: stopped by a signal: this plus the signal's number, as a shell reports it
    SIGNALLED = 128

    @classmethod
    def passed(cls, ok: bool) -> ExitCode:
        """The verdict of a command that ran: it passed, or something it checked did not."""
        return cls.PASSED if ok else cls.FAILED


def signalled(signum: int) -> int:
    """The code of a run stopped by ``signum`` after its clean-up: 130 Ctrl-C, 143 SIGTERM, 129 SIGHUP."""
    return ExitCode.SIGNALLED + signum


#: Ctrl-C, as a shell reports it.
INTERRUPTED = signalled(signal.SIGINT)
