"""Errors a user can act on: the CLI prints their message as one line, never a traceback."""


class ApidocsError(Exception):
    """A problem with the input or the environment (exit code 2)."""

    exit_code = 2


class CassetteError(ApidocsError):
    """A cassette is missing, unreadable or does not hold a request a snippet sent."""


class ServerError(ApidocsError):
    """The server cannot be used at all: down, timing out, or not an InvenioRDM API."""
