"""Checks before the first request of a live, record or provision run.

A run that cannot go on must stop before it sends anything a snippet would send: the
URL must answer as an InvenioRDM API, every token given must be accepted, and a run that
writes needs an instance marked disposable. Each check sends only GET requests.
"""

from __future__ import annotations

from typing import Iterable
from urllib.parse import urlsplit, urlunsplit

from apidocs.core.errors import ApidocsError
from apidocs.core.settings import ROLES, Settings
from apidocs.runner.api import Api, ApiError


def preflight(settings: Settings, api: Api, writes: bool, roles: Iterable[str] = ()) -> None:
    """Raise :class:`ApidocsError` (one line, exit 2) when the run cannot go on.

    ``roles``: whose tokens the run needs; a missing one is named before anything is sent.
    """
    if writes:
        require_disposable(settings, "this run")
    for role in roles:
        settings.token(role)  # raises when it is not set
    check_is_invenio(api)
    for role, token in settings.tokens.items():
        if token:
            check_token(api, role, token, settings.token_origins[role])


def require_disposable(settings: Settings, who: str) -> None:
    """A run that creates drafts and publishes needs an instance marked disposable."""
    if not settings.disposable:
        raise ApidocsError(
            f"{who} creates drafts and publishes, and {settings.api_url} is not marked disposable"
            " (set DOCS_DISPOSABLE=1 only for a test or staging instance, or use --read-only)"
        )


def check_is_invenio(api: Api) -> None:
    """``GET /records`` answers with a search result, as every InvenioRDM does."""
    not_api = f"{api.base_url} does not answer as an InvenioRDM API{meant_api(api.base_url)}"
    try:
        answer = api.json("GET", "/records", params={"size": "1"})
    except ApiError as exc:
        raise ApidocsError(f"{not_api}: {exc}") from None
    if not isinstance(answer, dict) or not isinstance(answer.get("hits"), dict):
        raise ApidocsError(f"{not_api}: GET /records has no 'hits'")


def meant_api(base_url: str) -> str:
    """`` (did you mean 'URL/api'?)`` for a base URL without InvenioRDM's ``/api`` (the site's
    pages are at its root, its REST API under ``/api``), or "" for one that ends in it."""
    parts = urlsplit(base_url)
    path = parts.path.rstrip("/")
    if path.endswith("/api"):
        return ""
    meant = urlunsplit(parts._replace(path=path.partition("/api/")[0] + "/api"))  # …/api/records: up to /api
    return f" (did you mean {meant!r}?)"


#: Where a token is shown to work, in order: invenio-accounts' ``/me`` names the account;
#: an instance that turned those REST views off (``ACCOUNTS_REST_AUTH_VIEWS``) answers it
#: 404, and then the caller's own records (invenio-rdm-records), which need an account.
TOKEN_CHECKS: tuple[tuple[str, dict[str, str]], ...] = (("/me", {}), ("/user/records", {"size": "1"}))


def check_token(api: Api, role: str, token: str, origin: str) -> None:
    """The token is accepted by the first of :data:`TOKEN_CHECKS` the instance has; a refusal
    names where the token was read (``origin``): a stale env file is the usual reason."""
    for path, params in TOKEN_CHECKS:
        try:
            api.call("GET", path, token, params=params)
            return
        except ApiError as exc:
            if exc.status in (401, 403):
                raise ApidocsError(f"{ROLES[role]} ({origin}), the {role}'s token, was refused by {api.base_url}:"
                                   f" {exc}") from None
            if exc.status != 404 or path == TOKEN_CHECKS[-1][0]:
                raise
