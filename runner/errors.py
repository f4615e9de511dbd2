"""Errors a user can act on: the CLI prints their message as one line, never a traceback."""

from __future__ import annotations

import sys
from typing import Callable


class ApidocsError(Exception):
    """A problem with the input or the environment (exit code 2)."""

    exit_code = 2


class CassetteError(ApidocsError):
    """A cassette is missing, unreadable or does not hold a request a snippet sent."""


def one_line_errors(prog: str, command: Callable[[], int]) -> int:
    """Run a CLI command; a user error becomes one line on stderr and its exit code."""
    try:
        return command()
    except ApidocsError as exc:
        print(f"{prog}: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(f"{prog}: interrupted", file=sys.stderr)
        return 130
