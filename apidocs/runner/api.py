"""Requests the runner sends on its own behalf, outside any snippet, proxy or cassette.

Preflight, provisioning and the removal of published test records talk to the instance
directly: they are housekeeping, not documented steps, so they are neither recorded nor
compared. Every failure becomes an :class:`ApiError` with one line naming the request.
"""

from __future__ import annotations

import email.utils
import time
from dataclasses import dataclass
from typing import Any

import requests

from apidocs.core.errors import ApidocsError
from apidocs.core.jsonpath import lookup
from apidocs.core.messages import shorten

#: Sent with every housekeeping request (snippets send their own client's).
USER_AGENT = "apidocs-housekeeping (verified API docs)"
#: The most of a server's explanation a one-line error shows (whole sentences of it).
MESSAGE_LIMIT = 200


class ApiError(ApidocsError):
    """The instance did not answer a housekeeping request as expected."""

    def __init__(self, message: str, status: int = 0) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class Api:
    """An InvenioRDM REST API at ``base_url`` (e.g. ``https://host/api``)."""

    base_url: str
    timeout: float = 30.0

    def __post_init__(self) -> None:
        self.base_url = self.base_url.rstrip("/")
        self._session = requests.Session()
        self._session.trust_env = False  # never through a proxy from the environment
        # staging's admins can tell the tool's own requests from the snippets' in their logs
        self._session.headers["User-Agent"] = USER_AGENT

    def call(self, method: str, path: str, token: str | None = None, expect: tuple[int, ...] = (200,),
             **kwargs: Any) -> requests.Response:
        """Send one request; an answer outside ``expect`` (or none at all) is an :class:`ApiError`."""
        headers = {**auth_headers(token), **kwargs.pop("headers", {})}
        where = f"{method} {self.base_url}{path}"
        try:
            response = self._session.request(method, self.base_url + path, headers=headers,
                                             timeout=self.timeout, allow_redirects=False, **kwargs)
        except requests.Timeout:
            raise ApiError(f"{where}: no answer within {self.timeout:g} s") from None
        except requests.ConnectionError:
            raise ApiError(f"{where}: cannot connect: is the server up?") from None
        if response.status_code not in expect:
            raise ApiError(f"{where}: HTTP {response.status_code}{_message(response)}", response.status_code)
        return response

    def json(self, method: str, path: str, token: str | None = None, expect: tuple[int, ...] = (200,),
             **kwargs: Any) -> Any:
        """:meth:`call`, and the answer's JSON (an answer that is not JSON is an :class:`ApiError`)."""
        response = self.call(method, path, token, expect, **kwargs)
        try:
            return response.json()
        except ValueError:
            kind = response.headers.get("Content-Type", "no content type")
            raise ApiError(f"{method} {self.base_url}{path}: HTTP {response.status_code} with {kind},"
                           " not JSON") from None

    def search(self, path: str, query: str, token: str | None = None, size: int = 10) -> list[dict]:
        """The hits of a search (``/records`` or ``/user/records``) for ``query``."""
        found = self.json("GET", path, token, params={"q": query, "size": str(size)})
        return list(lookup(found, "hits.hits", default=[]))


def _message(response: requests.Response) -> str:
    try:
        document = response.json()
    except ValueError:
        document = None
    return server_message(document, response.headers.get("Content-Type", ""))


def server_message(document: Any, content_type: str) -> str:
    """The server's own explanation of an answer, in parentheses, or "" when it gave none."""
    if isinstance(document, dict) and document.get("message"):
        return f" ({shorten(str(document['message']), MESSAGE_LIMIT)})"
    if "html" in content_type:
        return " (an HTML page, not the API)"
    return ""


def auth_headers(token: str | None) -> dict[str, str]:
    """The headers of a request the runner sends itself: JSON wanted, and the token if any."""
    return {"Accept": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})}


def retry_after(response: requests.Response) -> float | None:
    """Seconds to wait before retrying a 429, from Retry-After (seconds or an HTTP date)."""
    value = response.headers.get("Retry-After")
    if value is None:
        return 1.0 if response.status_code == 429 else None
    if value.strip().isdigit():
        return float(value)
    try:
        return max(0.0, email.utils.parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return 1.0
