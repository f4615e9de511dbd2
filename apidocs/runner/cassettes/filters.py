"""Record-time filters: what never reaches memory that is saved.

They run as vcrpy records a request or a response, so a secret (a token, a cookie, a
session) is gone before the cassette is written, not scrubbed from the file afterwards.
"""

from __future__ import annotations

from typing import Iterable
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

REDACTED_AUTH = "Bearer <TOKEN>"
SECRET_REQUEST_HEADERS = ("cookie", "x-csrftoken", "x-csrf-token", "x-session-id")
SECRET_RESPONSE_HEADERS = ("set-cookie", "x-session-id")
SECRET_QUERY_PARAMETERS = ("access_token",)

#: vcrpy's ``filter_headers``: the *presence* of auth is kept, its value and every session
#: header dropped, before a request reaches memory that is saved.
FILTER_HEADERS = (("Authorization", REDACTED_AUTH), *((name, None) for name in SECRET_REQUEST_HEADERS))


def scrub_request(secrets: Iterable[str]):
    """A ``before_record_request`` hook for what vcrpy's filters do not do: a token echoed
    in a body, and ``access_token`` dropped from the query only where it is (vcrpy's
    ``filter_query_parameters`` re-encodes and sorts every query, so a recording would
    no longer show the query the snippet sent)."""
    secrets = [s for s in secrets if s]

    def scrub(request):
        request.uri = _drop_query_parameters(request.uri, SECRET_QUERY_PARAMETERS)
        if isinstance(request.body, bytes):
            request.body = _mask(request.body, secrets)
        return request

    return scrub


def scrub_response(secrets: Iterable[str]):
    """A ``before_record_response`` hook: no cookie, no session, no token in a body."""
    secrets = [s for s in secrets if s]

    def scrub(response: dict) -> dict:
        headers = response["headers"]
        for key in [k for k in headers if k.lower() in SECRET_RESPONSE_HEADERS]:
            del headers[key]
        body = response["body"].get("string")
        if isinstance(body, bytes):
            response["body"]["string"] = _mask(body, secrets)
        return response

    return scrub


def _mask(data: bytes, secrets: list[str]) -> bytes:
    for secret in secrets:
        data = data.replace(secret.encode(), b"<TOKEN>")
    return data


def _drop_query_parameters(uri: str, names: tuple[str, ...]) -> str:
    parts = urlsplit(uri)
    kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in names]
    if len(kept) == len(parse_qsl(parts.query, keep_blank_values=True)):
        return uri
    return urlunsplit(parts._replace(query=urlencode(kept)))
