"""Render's errors: one line for the user, exit code 2 (see :class:`apidocs.core.errors.ApidocsError`)."""

from apidocs.core.errors import ApidocsError


class RenderError(ApidocsError):
    """The page cannot be rendered: a case failed, a marker is wrong, a block cannot be made."""


class MarkerError(RenderError):
    """A template's markers are missing, duplicated, unknown, malformed or unbalanced."""
