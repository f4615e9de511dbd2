"""The one VCR configuration: filters, matchers and persister together."""

from __future__ import annotations

from typing import Iterable

import vcr

from apidocs.runner.cassettes.filters import FILTER_HEADERS, scrub_request, scrub_response
from apidocs.runner.cassettes.matchers import MATCH_ON, auth_presence
from apidocs.runner.cassettes.persister import atomic_persister


def make_vcr(secrets: Iterable[str], upstream_origin: str | None) -> vcr.VCR:
    """The single VCR configuration every run uses (replay, live and record)."""
    secrets = list(secrets)
    recorder = vcr.VCR(
        serializer="yaml",
        match_on=MATCH_ON,
        filter_headers=FILTER_HEADERS,
        before_record_request=scrub_request(secrets),
        before_record_response=scrub_response(secrets),
        decode_compressed_response=False,
        record_on_exception=False,
    )
    recorder.register_matcher("auth_presence", auth_presence)
    recorder.register_persister(atomic_persister(upstream_origin))
    return recorder
