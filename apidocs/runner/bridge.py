"""The one difference between our run of a transcript and a reader's: where its requests go.

A transcript's package may talk only to the hosts it knows (a repository client's list of
instances) and resolve a DOI through ``https://doi.org``. A run against the reference
instance (or a cassette) can reach neither, so, inside the cells' interpreter, before the
first cell runs, the kernel (:mod:`apidocs.runner.kernel`) installs this bridge on
``requests``' transport, which every request of the package goes through. It has two
parts, and a run gets only those it needs (:func:`plan`; the case declares the bridge:
:class:`apidocs.core.model.Bridge`):

- **the host**, only for an instance the package does not know (the reference instance,
  a cassette's ``invenio.invalid``): the record is shown at the stand-in host, one the
  package knows, and that host's requests are sent to the capture proxy (plain HTTP on
  loopback), which forwards them as it forwards every snippet's; the package still sees
  the stand-in host's URLs;
- **the resolver**, only for a DOI that doi.org does not resolve (the instance says where
  its DOIs resolve: a DataCite test DOI's ``links.doi`` is at handle.test.datacite.org):
  ``doi.org`` answers the one DOI the run is about with a redirect to the record's landing
  page, as the test handle does (any other DOI: 404, as doi.org answers a DOI it does not know).

Against a host the package knows whose DOIs doi.org resolves (a production repository)
neither is needed: the run is a reader's, bare. Nothing of the package or of the cells is
changed, and the bridge is not in the text a reader copies. This module runs in the
package's venv: standard library and ``requests`` only (the package depends on it).
"""

from __future__ import annotations

import io
from collections.abc import Collection
from urllib.parse import unquote, urlsplit, urlunsplit

RESOLVER = "doi.org"


def plan(doi: str, doi_link: str, landing: str, instance: str, known: Collection[str], proxy: str,
         host: str) -> dict | None:
    """The bridge a run needs, the smallest that lets the package reach the record, or None (a
    reader's run): the host part when the package does not know ``instance`` (the API's
    host[:port]), the record then shown at the stand-in ``host``, whose requests go to
    ``proxy`` (host:port); the resolver part when the record's DOI does not resolve at doi.org
    (``doi_link``, the instance's ``links.doi``), to its landing page (at ``host`` when the
    host part is there)."""
    shown = urlsplit(landing)._replace(query="", fragment="")
    hosts = {}
    if instance not in known:
        shown = shown._replace(scheme="https", netloc=host)
        hosts[host] = proxy
    resolves = {}
    if doi and landing and urlsplit(doi_link).hostname != RESOLVER:
        resolves[doi.lower()] = urlunsplit(shown)
    return {"resolves": resolves, "hosts": hosts} if hosts or resolves else None


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
        if parts.hostname == RESOLVER and resolves:  # without a resolver part, doi.org answers itself
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
