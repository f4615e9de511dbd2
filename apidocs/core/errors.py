"""Errors a user can act on: the console says their message as one line, never a traceback
(:meth:`apidocs.entry.console.Console.guarded`)."""

from __future__ import annotations

import contextlib
import signal
from typing import Iterator

from apidocs.core.exits import ExitCode


class ApidocsError(Exception):
    """A problem with the input or the environment (exit code 2)."""

    exit_code = ExitCode.NOT_RUN


class CassetteError(ApidocsError):
    """A cassette is missing, unreadable or does not hold a request a snippet sent."""


class OutputError(ApidocsError):
    """An output (page, notebook, report, cassette) cannot be written where asked; nothing was changed."""


class ServerUnreachable(ApidocsError):
    """The server is down or does not answer: the run stops at once (exit 2, "could not run")."""


class SettingError(ApidocsError):
    """A setting (environment variable, env file line or flag) has a value that cannot be used."""


class Interrupted(KeyboardInterrupt):
    """SIGTERM or SIGHUP (a cancelled CI job, a closed terminal), raised like Ctrl-C so that
    every ``finally`` runs: drafts are deleted, temp folders removed."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


#: Signals that stop a run after its clean-up.
STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


@contextlib.contextmanager
def catch_signals() -> Iterator[list[int]]:
    """Turn the first SIGTERM/SIGHUP into :class:`Interrupted`; ignore repeats, so that a
    second signal (a CI runner insisting) cannot cut the clean-up short. Yields the list
    the caught signal is put in (for an exit code worked out after the unwinding)."""
    caught: list[int] = []

    def handler(signum: int, _frame) -> None:
        if caught:
            return
        caught.append(signum)
        raise Interrupted(signum)

    previous = {sig: signal.signal(sig, handler) for sig in STOP_SIGNALS}
    try:
        yield caught
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)

