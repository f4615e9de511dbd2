"""The one difference between our run of a transcript and a reader's: where its requests go.

A transcript's package may talk only to the hosts it knows (a repository client's list of
instances) and resolve a DOI through ``https://doi.org``. Neither can reach the reference
instance (or a cassette). So, inside the cells' interpreter, before the first cell runs,
the kernel (:mod:`apidocs.runner.kernel`) installs this bridge on ``requests``' transport,
which every request of the package goes through:

- ``doi.org`` answers the one DOI the run is about with a redirect to that record's landing
  page on the stand-in host (one the package knows, as the case declares it:
  :class:`apidocs.core.model.Bridge`), as DataCite would for a record published there (any
  other DOI: 404, as doi.org answers a DOI it does not know);
- a request to the stand-in host is sent to the capture proxy instead (plain HTTP on
  loopback), which forwards it as it forwards every snippet's request; the package still
  sees the stand-in host's URLs.

Nothing of the package or of the cells is changed, and the bridge is not in the text a
reader copies. This module runs in the package's venv: standard library and ``requests``
only (the package depends on it).
"""

from __future__ import annotations

import io
from urllib.parse import unquote, urlsplit, urlunsplit

RESOLVER = "doi.org"


def resolution(doi: str, landing_url: str, host: str) -> dict[str, str]:
    """The resolver's table for one record: its DOI → its landing page on the stand-in ``host``."""
    return {doi.lower(): urlunsplit(("https", host, urlsplit(landing_url).path, "", ""))}


def install(resolves: dict[str, str], hosts: dict[str, str], log: list[str]) -> None:
    """Route ``requests`` through the bridge: ``resolves`` (DOI → URL) answers doi.org,
    ``hosts`` (host → ``host:port``) sends a host's requests elsewhere; ``log`` gets each
    bridged URL (the run's failure messages name where the package went)."""
    from requests.adapters import HTTPAdapter

    send = HTTPAdapter.send

    def bridged(self, request, **kwargs):
        asked = request.url
        parts = urlsplit(asked)
        log.append(asked)
        if parts.hostname == RESOLVER:
            return _resolver_answer(self, request, resolves.get(unquote(parts.path.lstrip("/")).lower()))
        if parts.netloc not in hosts:
            return send(self, request, **kwargs)
        request.url = urlunsplit(("http", hosts[parts.netloc], parts.path, parts.query, ""))
        try:
            response = send(self, request, **kwargs)
        finally:
            request.url = asked
        response.url = asked  # the package sees the host it asked
        return response

    HTTPAdapter.send = bridged  # type: ignore[method-assign,assignment]  # the bridge is a patch of requests


def _resolver_answer(adapter, request, target: str | None):
    """doi.org's answer: a redirect to the record's landing page, or 404 for a DOI it does not know."""
    from requests import Response

    response = Response()
    response.status_code, response.reason = (302, "Found") if target else (404, "Not Found")
    if target:
        response.headers["Location"] = target
    response.url, response.request, response.connection = request.url, request, adapter
    response.raw = io.BytesIO(b"")
    return response
