"""Schema drift: a live response compared with the recorded one for the same step.

A snippet can still "work" (status and checked fields fine) while the API has moved
under the page: a field the page's example response shows is gone or has another type,
the status code changed, or the API now asks for a field the documented request does
not send. This module finds those differences; :mod:`apidocs.runner.report` prints them.

Volatile values never count (the rules are :mod:`apidocs.core.volatile`): ids (record pids,
UUIDs, DOIs), timestamps, revision ids, hosts in URLs and ETags are replaced by stand-ins
before values are compared, and only *shape* (which fields exist, with which JSON type)
decides drift. Each finding names the page blocks it makes stale, as the catalogue
(:func:`apidocs.core.blocks.concerned`) says.

The recorded side comes from the committed cassette (``cassettes/<case>.yaml``), read
and checked by :func:`apidocs.runner.cassettes.load_interactions`: a
complete recording holds one interaction per step and language, in the order the
engine sends them (step by step; Python chain, then cURL chain), then the clean-up
DELETEs. :func:`recorded_exchanges` pairs them back with the steps.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, Iterable
from urllib.parse import urlsplit

from apidocs.core import volatile
from apidocs.core.blocks import concerned
from apidocs.core.errors import CassetteError
from apidocs.core.messages import clip
from apidocs.core.model import API_PREFIX, HttpStep, Snippet, Step, Transcript
from apidocs.core.problems import Kind
from apidocs.runner.capture import HOP_BY_HOP
from apidocs.runner.cassettes import Recorded, load_interactions, path_for


class FindingKind(StrEnum):
    """What a live answer changed against its recording, each with how it reads in a report."""

    STATUS = "status"
    MISSING = "missing"
    TYPE = "type"
    REQUIRED = "required"
    ERRORS = "errors"
    REJECTED = "rejected"
    HEADER = "header"
    ADDED = "added"
    REMOVED = "removed"
    VALUE = "value"
    #: an upstream server answered on one side only: nothing was compared
    UPSTREAM = "upstream"

    @property
    def template(self) -> str:
        return _SENTENCES.get(self, "{path}: recorded {recorded}, now {live}")


_SENTENCES = {
    FindingKind.STATUS: "status code changed: recorded {recorded}, now {live}",
    FindingKind.MISSING: "field {path!r} the page's example shows disappeared (recorded as {recorded})",
    FindingKind.TYPE: "field {path!r} changed type: recorded {recorded}, now {live}",
    FindingKind.REQUIRED: "the API now requires {path!r}, which the documented request does not send ({live})",
    FindingKind.ERRORS: "the API now reports {path!r} as invalid or missing ({live})",
    FindingKind.REJECTED: "the API now rejects the documented request ({live})",
    FindingKind.HEADER: "response header {path}: recorded {recorded}, now {live}",
    FindingKind.ADDED: "new field {path!r} ({live})",
    FindingKind.REMOVED: "field {path!r} is gone (recorded as {recorded}; not shown on the page)",
    FindingKind.UPSTREAM: "not compared: {path} answered on one side only (recorded HTTP {recorded}, now HTTP {live});"
                          " record the cassette where {path} answers to compare its answers",
}


# ----------------------------------------------------------------- the recorded side
def recorded_exchanges(path: Path, steps: Iterable[Step], languages: Iterable[str]) -> dict[tuple[str, str], Recorded]:
    """Pair the interactions of the cassette at ``path`` with ``(step name, language)``
    (:func:`pair_exchanges`); a missing or broken cassette is a :class:`CassetteError`."""
    return pair_exchanges(load_interactions(path), steps, languages)


def pair_exchanges(interactions: list[Recorded], steps: Iterable[Step],
                   languages: Iterable[str]) -> dict[tuple[str, str], Recorded]:
    """Pair a cassette's interactions with ``(step name, language)``.

    The engine sends, for each step in order, each language chain's request in
    ``languages``' order. Pairing walks both sequences; an interaction whose method does not match
    the step's is skipped (a recording made by an older runner), so a mismatch costs one
    step's comparison, never a wrong one. A step's pair depends only on the steps before it.
    """
    languages = list(languages)
    pairs: dict[tuple[str, str], Recorded] = {}
    cursor = 0
    for step in steps:
        if isinstance(step, Transcript):  # several requests of a package's own: not paired, not compared
            continue
        for language in languages:
            for index in range(cursor, len(interactions)):
                if interactions[index].method == step.method.upper() and _same_shape(interactions[index].path, step):
                    pairs[(step.name, language)] = interactions[index]
                    cursor = index + 1
                    break
    return pairs


def _same_shape(recorded_path: str, step: HttpStep) -> bool:
    """Does a recorded path plausibly belong to ``step`` (same segments, ids aside)?"""
    template = step.endpoint if isinstance(step, Snippet) else API_PREFIX + step.path.split("?")[0]
    want = [s for s in template.split("/") if s]
    got = [s for s in urlsplit(recorded_path).path.split("/") if s]
    if len(want) != len(got):
        return False
    return all(w.startswith("{") or w == g for w, g in zip(want, got, strict=True))


# ----------------------------------------------------------------- shapes
def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def shape(document: Any, prefix: str = "") -> dict[str, str]:
    """Every path of ``document`` → its JSON type; list items are merged under ``*``."""
    paths: dict[str, str] = {}
    if prefix:
        paths[prefix] = json_type(document)
    if isinstance(document, dict):
        for key, value in document.items():
            paths.update(shape(value, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(document, list):
        for item in document:
            for path, kind in shape(item, f"{prefix}.*" if prefix else "*").items():
                if path in paths and paths[path] != kind and "null" in (paths[path], kind):
                    kind = kind if paths[path] == "null" else paths[path]
                paths[path] = kind
    return paths


def leaves(document: Any, prefix: str = "") -> dict[str, Any]:
    """Scalar values outside lists, by path (lists hold data that differs by instance)."""
    found: dict[str, Any] = {}
    if isinstance(document, dict):
        for key, value in document.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            if isinstance(value, dict):
                found.update(leaves(value, path))
            elif not isinstance(value, list):
                found[path] = value
    return found


# ----------------------------------------------------------------- findings
@dataclass(frozen=True)
class Finding:
    """One difference between the recorded and the live answer of a step."""

    kind: FindingKind
    path: str
    recorded: str
    live: str
    drift: bool  # True: the page is stale; False: shown in the diff for context only
    blocks: tuple[str, ...] = ()  # "case/step/kind" of each page block it makes stale

    def sentence(self) -> str:
        return self.kind.template.format(path=self.path, recorded=self.recorded, live=self.live)


def documented_paths(step: HttpStep) -> tuple[set[str], set[str]]:
    """The JSON paths the page promises for ``step``: checked exactly, and shown with their subtree.

    ``expect.fields`` are promised as such (``hits.hits`` is a list, whatever its items
    hold); a path of the page's example response (``metadata.resource_type``) is shown
    whole, so everything under it is promised too.
    """
    exact = {re.sub(r"\.\d+(?=\.|$)", ".*", p) for p in step.expect.fields}
    shown = set(step.example or ()) if isinstance(step, Snippet) else set()
    return exact, shown


def compare(case: str, step: HttpStep, recorded: Recorded, status: int, headers: dict[str, str],
            body: bytes, language: str = "", same_records: bool = True) -> list[Finding]:
    """Everything that differs between ``recorded`` and the live answer ``language``'s run
    got (default: the step's first language), drift first.

    ``same_records``: False when the live run read other records than the recording did
    (the target lacks the fixtures, e.g. production read-only, where a stand-in finds any
    record): what the example shows is then that record's own data, so only the fields
    the page promises exactly (``expect.fields``) can drift.

    A step whose answer comes from an upstream server is not compared when that server
    answered on one side only: the recording made where none runs holds the app's "no
    answer", not the documented one (a target where the server answers is no drift).
    """
    upstream = step.upstream if isinstance(step, Snippet) else None
    if upstream and (upstream.unanswered(recorded.status) or upstream.unanswered(status)):
        return [] if recorded.status == status else [
            Finding(FindingKind.UPSTREAM, upstream.name, str(recorded.status), str(status), False)]
    own = (language or step.languages[0],) if isinstance(step, Snippet) else ()

    def stale(kind: Kind) -> tuple[str, ...]:
        return tuple(concerned(case, step, kind, own))

    findings: list[Finding] = []
    if recorded.status != status:
        findings.append(Finding(FindingKind.STATUS, "", str(recorded.status), str(status), True, stale(Kind.STATUS)))
    old, new = _decode(recorded.body), _decode(body)
    findings += _required_fields(old, new, status, stale(Kind.REQUEST))
    if (step.expect.json and isinstance(old, (dict, list)) and isinstance(new, (dict, list))
            and recorded.status == status):
        findings += _field_findings(step, old, new, stale(Kind.EXAMPLE), same_records)
    if isinstance(step, Snippet) and step.example_headers:
        findings += _header_findings(recorded.headers, headers, step.example_headers, stale(Kind.HEADER))
    return sorted(findings, key=lambda f: not f.drift)


def _decode(body: bytes) -> Any:
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None


def _error_fields(document: Any) -> dict[str, str]:
    """InvenioRDM's validation errors: ``{"errors": [{"field": ..., "messages": [...]}]}``."""
    if not isinstance(document, dict) or not isinstance(document.get("errors"), list):
        return {}
    fields = {}
    for error in document["errors"]:
        if isinstance(error, dict) and error.get("field"):
            messages = error.get("messages") or error.get("message") or []
            fields[str(error["field"])] = "; ".join(messages) if isinstance(messages, list) else str(messages)
    return fields


def _required_fields(old: Any, new: Any, status: int, stale: tuple[str, ...]) -> list[Finding]:
    before, after = _error_fields(old), _error_fields(new)
    findings = []
    for name in sorted(set(after) - set(before)):
        if name.startswith("_"):  # marshmallow's "_schema": about the request as a whole, not a field
            findings.append(Finding(FindingKind.REJECTED, name, "", f"HTTP {status}: {after[name]}", True, stale))
            continue
        kind = FindingKind.REQUIRED if status == 400 or "required" in after[name].lower() else FindingKind.ERRORS
        findings.append(Finding(kind, name, "", f"HTTP {status}: {after[name]}", True, stale))
    return findings


def _field_findings(step: HttpStep, old: Any, new: Any, stale: tuple[str, ...], same_records: bool) -> list[Finding]:
    exact, shown = documented_paths(step)
    if not same_records:  # another record's data is not the example's shape
        shown = set()
    before, after = shape(old), shape(new)

    def is_documented(path: str) -> bool:
        # a shown path promises its subtree, and its parents' types (``title.en`` needs ``title`` an object)
        return path in exact or any(path == p or path.startswith(p + ".") or p.startswith(path + ".") for p in shown)

    def under_changed_type(path: str) -> bool:
        parts = path.split(".")
        return any(".".join(parts[:i]) in after and before.get(".".join(parts[:i])) != after[".".join(parts[:i])]
                   for i in range(1, len(parts)))

    findings = []
    for path in sorted(before):
        if path not in after and under_changed_type(path):
            continue
        if path not in after:
            if is_documented(path):
                findings.append(Finding(FindingKind.MISSING, path, before[path], "absent", True, stale))
            elif not any(path.startswith(p + ".") for p in before if p not in after and p != path):
                findings.append(Finding(FindingKind.REMOVED, path, before[path], "absent", False))
        elif before[path] != after[path] and "null" not in (before[path], after[path]):
            findings.append(Finding(FindingKind.TYPE, path, before[path], after[path], is_documented(path),
                                    stale if is_documented(path) else ()))
    for path in sorted(set(after) - set(before)):
        if not any(path.startswith(p + ".") for p in after if p not in before and p != path):
            findings.append(Finding(FindingKind.ADDED, path, "", after[path], False))
    old_leaves, new_leaves = leaves(old), leaves(new)
    for path in sorted(set(old_leaves) & set(new_leaves)):
        if path.split(".")[-1] in volatile.VOLATILE_KEYS:
            continue
        a, b = volatile.stand_ins(old_leaves[path]), volatile.stand_ins(new_leaves[path])
        if a != b:
            findings.append(Finding(FindingKind.VALUE, path, _short(a), _short(b), False))
    return findings


def _header_findings(before: dict[str, str], after: dict[str, str], shown: Iterable[str],
                     stale: tuple[str, ...]) -> list[Finding]:
    lower_before = {k.lower(): v for k, v in before.items()}
    lower_after = {k.lower(): v for k, v in after.items()}
    findings = []
    for name in shown:
        key = name.lower()
        if key in HOP_BY_HOP:  # transport framing (Content-Length): the capture proxy re-frames bodies
            continue
        if key in lower_before and key not in lower_after:
            findings.append(Finding(FindingKind.HEADER, name, "present", "absent", True, stale))
        elif key in volatile.MEANINGFUL_HEADERS and key in lower_before:
            a = volatile.stand_ins(lower_before[key].split(";")[0].strip())
            b = volatile.stand_ins(lower_after[key].split(";")[0].strip())
            if a != b:
                findings.append(Finding(FindingKind.HEADER, name, repr(a), repr(b), True, stale))
    return findings


def _short(value: Any, width: int = 60) -> str:
    return clip(json.dumps(value) if not isinstance(value, str) else repr(value), width)


# ----------------------------------------------------------------- whole runs
@dataclass
class StepDrift:
    """Drift of one step in one language, with the recorded answer it was compared with."""

    case: str
    step: Step
    language: str
    recorded: Recorded | None
    findings: list[Finding] = field(default_factory=list)
    #: why there is no recorded answer to compare with, when the cassette cannot be read
    unpaired: str = ""

    @property
    def drift(self) -> list[Finding]:
        return [f for f in self.findings if f.drift]

    @property
    def context(self) -> list[Finding]:
        return [f for f in self.findings if not f.drift]


def step_drift(result, pairs: dict[tuple[str, str], Recorded], unpaired: str = "",
               same_records: bool = True) -> list[StepDrift]:
    """Drift of every language run of one :class:`apidocs.runner.results.StepResult`, against its
    recorded answers (``pairs``, from :func:`recorded_exchanges`); ``same_records`` as
    :func:`compare` takes it."""
    drifts = []
    for language, run in result.runs.items():
        response = run.response
        recorded = pairs.get((result.step.name, language))
        if run.skipped or response is None or recorded is None or (response.error and not response.status):
            drifts.append(StepDrift(result.case, result.step, language, recorded, unpaired=unpaired))
            continue
        findings = compare(result.case, result.step, recorded, response.status, response.response_headers,
                           response.response_body, language, same_records)
        drifts.append(StepDrift(result.case, result.step, language, recorded, findings))
    return drifts


@dataclass
class _Recording:
    """A case's recorded interactions, or why there are none to compare with."""

    interactions: list[Recorded]
    unpaired: str = ""


@dataclass
class DriftFinder:
    """Drift of each step of a live run as soon as it ran, so that the console says it where
    the reports do: each case's cassette is read once, and each step is paired with its
    recording from the steps of its case that ran before it (:func:`pair_exchanges`).

    ``same_records``: False when the target lacks the fixtures (see :func:`compare`). A case
    whose cassette is missing or broken is compared with nothing: each of its steps says why
    (the live run itself does not need the cassette).
    """

    cassettes: Path
    same_records: bool = True
    _recordings: dict[str, _Recording] = field(default_factory=dict)
    _steps: dict[str, list[Step]] = field(default_factory=dict)

    def step(self, result) -> list[StepDrift]:
        """Drift of every language run of ``result``, the next step of its case."""
        recording = self._recording(result.case)
        steps = self._steps.setdefault(result.case, [])
        steps.append(result.step)
        pairs = pair_exchanges(recording.interactions, steps, list(result.runs))
        return step_drift(result, pairs, recording.unpaired, self.same_records)

    def _recording(self, case: str) -> _Recording:
        if case not in self._recordings:
            try:
                self._recordings[case] = _Recording(load_interactions(path_for(self.cassettes, case)))
            except CassetteError as exc:
                self._recordings[case] = _Recording([], str(exc))
        return self._recordings[case]


def run_drift(results: list, cassettes: Path, same_records: bool = True) -> dict[tuple[str, str, str], StepDrift]:
    """Drift of a whole live run, keyed by ``(case, step, language)`` (:class:`DriftFinder`)."""
    finder = DriftFinder(cassettes, same_records)
    return {(result.case, result.step.name, item.language): item for result in results for item in finder.step(result)}
