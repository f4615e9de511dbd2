"""What a volatile value is: the one set of rules for values that change from run to run.

An instance mints new record ids, UUIDs and DOIs, stamps times and dates, answers from
its own host (also the namespace of its OAI identifiers) and numbers its requests; none of
that is what the page documents. Two parts of the runner need to tell those values apart,
and both read the rules here:

- :mod:`apidocs.runner.cassettes.normaliser` rewrites them to stable stand-ins when a recording is saved
  (aliases such as ``recid-00001``, a fixed timestamp and HTTP date, ``<volatile>``
  headers), so re-recording an unchanged instance gives an unchanged file;
- :mod:`apidocs.runner.drift` ignores them when it compares a live answer with its recording
  (:func:`stand_ins`, :data:`VOLATILE_KEYS`), so only a real change counts.

The patterns also match the aliases a recording holds (a recorded DOI alias is a DOI,
a pid alias is a pid), so a recorded value and a live one compare alike.
"""

from __future__ import annotations

import re
from typing import Any

# ----------------------------------------------------------------- values
#: A record's persistent id as InvenioRDM mints it (``abcde-12345``).
PID = re.compile(r"[a-z0-9]{5}-[a-z0-9]{5}")
#: How a recording names the n-th record id, UUID and DOI it saw (in order of appearance).
ALIASES = {"pid": "recid-{:05d}", "uuid": "00000000-0000-4000-8000-{:012d}", "doi": "10.99999/doi00-{:05d}"}
_PID_ALIAS = r"recid-\d{5}"
#: A record id alias in a recording (``recid-00003``).
PID_ALIAS = re.compile(rf"\b{_PID_ALIAS}\b")
#: A record id or its alias, anywhere in a text.
ANY_PID = re.compile(rf"\b(?:{PID.pattern}|{_PID_ALIAS})\b")
#: A record id in a request path (the one that names the record, request or curation).
PID_IN_PATH = re.compile(rf"/(?:records|requests|curations)/({PID.pattern})(?=/|$|\?)")
UUID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b")
#: A DOI the instance registers for a record (its suffix is the record's id).
DOI = re.compile(rf"\b10\.\d{{4,9}}/{PID.pattern}\b")
#: An ISO 8601 date and time, with or without fractions and zone.
TIMESTAMP = re.compile(r"\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[+-]\d{2}:?\d{2}|Z)?")
#: The scheme and host of a URL: the instance answers from wherever it runs.
ORIGIN = re.compile(r"\bhttps?://[^/\s\"']+")
#: A folder ``tempfile.mkdtemp()`` made (a package's download folder): new on every run.
TEMP_DIR = re.compile(r"/tmp/tmp[a-z0-9_]{8}(?=/|\b)")
#: What a recorded transcript shows in its place: the page's own example folder.
TEMP_DIR_STAND_IN = "/tmp/tmpj8huipi7"
#: The namespace of an OAI-PMH identifier (``oai:HOST:ID``) is the instance's host, with its
#: port where it has one (``oai:127.0.0.1:5000:abcde-12345``): everything up to the id's colon.
OAI_HOST = re.compile(r"\boai:[^\s\"']+:(?=[^:\s\"']+)")
#: A request's "number" counts the instance's requests: it differs on every run.
REQUEST_NUMBER = re.compile(r'"number": "[0-9a-z]+"')

#: Keys that make a JSON object a record or a parent (vocabulary entries have none of
#: them), so that its ``id`` is a record id, not a vocabulary id such as ``image-photo``.
RECORD_KEYS = ("links", "revision_id", "created", "access", "pids", "parent")

#: JSON keys whose *values* change from one run to the next (their presence and type still count).
VOLATILE_KEYS = frozenset({
    "id", "created", "updated", "revision_id", "version_id", "etag", "expires_at", "bucket_id",
    "file_id", "object_version_id", "uuid", "recid", "record", "parent", "request_id", "received",
    "submitted", "expires", "last_modified", "indexed_at",
})

# ----------------------------------------------------------------- headers
#: Response headers holding an HTTP date: the time of the answer, not the API's.
HTTP_DATE_HEADERS = ("date", "last-modified", "expires")
#: Response headers whose value differs on every answer and is never shown.
VOLATILE_HEADERS = ("x-request-id", "x-ratelimit-reset", "x-ratelimit-remaining", "retry-after")
#: Response headers whose value (not only presence) is part of what the page promises;
#: every other header's value may change without the page going stale.
MEANINGFUL_HEADERS = frozenset({"content-type", "content-disposition"})


def stand_ins(value: Any) -> Any:
    """``value`` with its hosts (of URLs and OAI identifiers), timestamps, UUIDs, DOIs and record
    ids replaced by stand-ins (``<host>``, ``<timestamp>``, ``<uuid>``, ``<doi>``, ``<id>``);
    other values unchanged."""
    if not isinstance(value, str):
        return value
    value = ORIGIN.sub("<host>", value)
    value = OAI_HOST.sub("oai:<host>:", value)
    value = TIMESTAMP.sub("<timestamp>", value)
    value = UUID.sub("<uuid>", value)
    value = DOI.sub("<doi>", value)
    return ANY_PID.sub("<id>", value)
