"""Cassettes: how exchanges are scrubbed, normalised, matched, stored and loaded.

The engine is vcrpy. This module is its configuration, in the spirit of vcrpy's own
config objects: filters that run as a request/response is recorded (secrets never reach
memory that is saved), a normaliser that runs once when the cassette is saved (so a
re-record diff shows real changes only), matchers, and an atomic persister.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import vcr
import yaml
from vcr.persisters.filesystem import FilesystemPersister
from vcr.serializers.compat import convert_to_unicode

from apidocs.core import volatile
from apidocs.core.errors import CassetteError
from apidocs.core.files import write_atomically
from apidocs.core.messages import apidocs_command

#: The origin every recorded URL is rewritten to, whatever instance it came from.
CANONICAL_ORIGIN = "http://invenio.invalid"
REDACTED_AUTH = "Bearer <TOKEN>"
SECRET_REQUEST_HEADERS = ("cookie", "x-csrftoken", "x-csrf-token", "x-session-id")
SECRET_RESPONSE_HEADERS = ("set-cookie", "x-session-id")
SECRET_QUERY_PARAMETERS = ("access_token",)
FIXED_TIMESTAMP = "2025-01-09T12:00:00.000000+00:00"
FIXED_HTTP_DATE = "Thu, 09 Jan 2025 12:00:00 GMT"
MATCH_ON = ("method", "scheme", "host", "port", "path", "query", "body", "auth_presence")


# ----------------------------------------------------------------- record-time filters
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


# ----------------------------------------------------------------- save-time normaliser
def normalise(cassette: dict, upstream_origin: str) -> dict:
    """Rewrite what changes from one recording to the next into stable values.

    Ids (record pids, UUIDs, DOIs) become aliases numbered in order of appearance and
    are replaced consistently everywhere (URLs, bodies, headers), so replay chains still
    line up; timestamps and HTTP dates become fixed; the instance's origin becomes
    :data:`CANONICAL_ORIGIN`; user agents lose their version numbers.
    """
    aliases = _collect_aliases(cassette["interactions"])
    host = urlsplit(upstream_origin).netloc
    for interaction in cassette["interactions"]:
        request, response = interaction["request"], interaction["response"]
        request["uri"] = _rewrite(request["uri"].replace(upstream_origin, CANONICAL_ORIGIN), aliases)
        request["body"] = _rewrite_body(request["body"], aliases, host)
        _normalise_agent(request["headers"])
        body = response["body"]
        body["string"] = _stable_json(_rewrite_body(body.get("string"), aliases, host))
        _normalise_headers(response["headers"], aliases, host, body["string"])
    return cassette


def _collect_aliases(interactions: list[dict]) -> dict[str, str]:
    found: dict[str, str] = {}
    counts = dict.fromkeys(volatile.ALIASES, 0)

    def note(value: str, kind: str) -> None:
        if value not in found:
            counts[kind] += 1
            found[value] = volatile.ALIASES[kind].format(counts[kind])

    for interaction in interactions:
        for match in volatile.PID_IN_PATH.finditer(interaction["request"]["uri"]):
            note(match.group(1), "pid")
        for text in (_as_text(interaction["request"]["body"]), _as_text(interaction["response"]["body"].get("string"))):
            if text is None:
                continue
            for doi in volatile.DOI.findall(text):
                note(doi, "doi")
            for value in _json_ids(text):
                note(value, "pid")
            for uuid in volatile.UUID.findall(text):
                note(uuid, "uuid")
    return found


def _json_ids(text: str) -> list[str]:
    """Record pids named as ``id``/``record`` values in a JSON body (not every a-b word)."""
    try:
        document = json.loads(text)
    except ValueError:
        return []
    ids: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            record_like = any(key in node for key in volatile.RECORD_KEYS)
            for key, value in node.items():
                is_pid = isinstance(value, str) and volatile.PID.fullmatch(value)
                if is_pid and (key == "record" or (key == "id" and record_like)):
                    ids.append(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(document)
    return ids


def _as_text(body: Any) -> str | None:
    if isinstance(body, bytes):
        try:
            return body.decode("utf-8")
        except UnicodeDecodeError:
            return None
    return body


def _rewrite(text: str, aliases: dict[str, str]) -> str:
    for value in sorted(aliases, key=len, reverse=True):
        text = text.replace(value, aliases[value])
    return volatile.REQUEST_NUMBER.sub('"number": "1"', volatile.TIMESTAMP.sub(FIXED_TIMESTAMP, text))


def _rewrite_body(body: Any, aliases: dict[str, str], host: str) -> Any:
    text = _as_text(body)
    if text is None:
        return body
    canonical = urlsplit(CANONICAL_ORIGIN).netloc
    text = text.replace(f"//{host}", f"//{canonical}").replace(f"oai:{host}:", f"oai:{canonical}:")
    rewritten = _rewrite(text, aliases)
    return rewritten.encode("utf-8") if isinstance(body, bytes) else rewritten


def _stable_json(body: Any) -> Any:
    """A JSON response with its keys sorted: the server's dict order varies between runs."""
    text = _as_text(body)
    try:
        document = json.loads(text) if text else None
    except ValueError:
        return body
    if not isinstance(document, (dict, list)):
        return body
    stable = json.dumps(document, sort_keys=True)
    return stable.encode("utf-8") if isinstance(body, bytes) else stable


def _normalise_headers(headers: dict, aliases: dict[str, str], host: str, body: Any) -> None:
    for key in list(headers):
        lower = key.lower()
        if lower in volatile.HTTP_DATE_HEADERS:
            headers[key] = [FIXED_HTTP_DATE]
        elif lower in volatile.VOLATILE_HEADERS:
            headers[key] = ["<volatile>"]
        elif lower == "content-length" and body is not None:
            headers[key] = [str(len(body if isinstance(body, bytes) else body.encode("utf-8")))]
        else:
            canonical = f"//{urlsplit(CANONICAL_ORIGIN).netloc}"
            headers[key] = [_rewrite(v.replace(f"//{host}", canonical), aliases) for v in headers[key]]


def _normalise_agent(headers: dict) -> None:
    for key in [k for k in headers if k.lower() == "user-agent"]:
        headers[key] = [re.sub(r"/[\w.]+", "", v) for v in headers[key]]


# ----------------------------------------------------------------- matching
def auth_presence(r1, r2) -> None:
    """Requests match only if both carry an Authorization header, or neither does."""
    has1 = any(k.lower() == "authorization" for k in r1.headers)
    has2 = any(k.lower() == "authorization" for k in r2.headers)
    if has1 != has2:
        raise AssertionError(
            f"Authorization header {'present' if has1 else 'missing'}, recorded request "
            f"{'had' if has2 else 'had none'}"
        )


# ----------------------------------------------------------------- storage
def path_for(folder: Path, case: str) -> Path:
    """Where the cassette of ``case`` lives in ``folder``."""
    return folder / f"{case}.yaml"


def atomic_persister(upstream_origin: str | None):
    """A persister that normalises (when recording) and writes through a temp file."""

    class AtomicPersister(FilesystemPersister):
        @staticmethod
        def save_cassette(cassette_path, cassette_dict, serializer):
            data = {
                "version": 1,
                "interactions": [
                    {"request": convert_to_unicode(request._to_dict()), "response": convert_to_unicode(response)}
                    for request, response in zip(cassette_dict["requests"], cassette_dict["responses"], strict=True)
                ],
            }
            if upstream_origin:
                data = normalise(data, upstream_origin)
            if cassette_dict.get("metadata"):
                data["metadata"] = cassette_dict["metadata"]
            write_atomically(Path(cassette_path), serializer.serialize(data))

    return AtomicPersister


def load_checked(path: Path) -> dict:
    """Load a cassette for replay, turning every way it can be broken into one clear line.

    vcrpy would raise assorted exceptions (with tracebacks) on a broken file; checking the
    shape here first lets the runner name the file and the problem instead.
    """
    if not path.is_file():
        raise CassetteError(f"missing cassette {path}: record it with {apidocs_command(f'update {path.stem}')}"
                            " against an instance")
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_FastLoader)
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        line = f" at line {where.line + 1}" if where else ""
        raise CassetteError(f"corrupt cassette {path}: not valid YAML{line}") from None
    except UnicodeDecodeError:
        raise CassetteError(f"corrupt cassette {path}: not UTF-8 text") from None
    except OSError as exc:
        raise CassetteError(f"cannot read cassette {path}: {exc.strerror}") from None
    if not isinstance(data, dict) or not isinstance(data.get("interactions"), list):
        raise CassetteError(f"corrupt cassette {path}: no list of interactions")
    for number, interaction in enumerate(data["interactions"], start=1):
        if (problem := interaction_problem(interaction)) is not None:
            raise CassetteError(f"corrupt cassette {path}: interaction {number}: {problem}")
    return data


_FastLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _mapping(value: Any) -> str | None:
    return None if isinstance(value, dict) else "a mapping"


def _text(value: Any) -> str | None:
    return None if isinstance(value, str) else "a string"


def _body(value: Any) -> str | None:
    return None if value is None or isinstance(value, (str, bytes)) else "a string, binary or null"


def _http_url(value: Any) -> str | None:
    ok = isinstance(value, str) and urlsplit(value).scheme in ("http", "https") and urlsplit(value).netloc
    return None if ok else "an http(s) URL"


def _status_code(value: Any) -> str | None:
    ok = type(value) is int and 100 <= value <= 599
    return None if ok else "an HTTP status: a number from 100 to 599"


def _headers(value: Any) -> str | None:
    ok = isinstance(value, dict) and all(
        isinstance(name, str) and isinstance(values, list) and all(isinstance(v, str) for v in values)
        for name, values in value.items()
    )
    return None if ok else "a mapping of header names to lists of strings"


#: What replay reads of an interaction, field by field (parents before their fields).
INTERACTION_FIELDS = (
    ("request", _mapping), ("request.method", _text), ("request.uri", _http_url),
    ("request.body", _body), ("request.headers", _headers),
    ("response", _mapping), ("response.status", _mapping), ("response.status.code", _status_code),
    ("response.status.message", _text), ("response.headers", _headers),
    ("response.body", _mapping), ("response.body.string", _body),
)


def interaction_problem(interaction: Any) -> str | None:
    """The first field of a recorded interaction that replay cannot use, named, or None."""
    if not isinstance(interaction, dict):
        return "not a mapping of request and response"
    for path, check in INTERACTION_FIELDS:
        node: Any = interaction
        for key in path.split("."):
            if key not in node:
                return f"lacks {path}"
            node = node[key]
        if (expected := check(node)) is not None:
            return f"{path} must be {expected}, got {_shown(node)}"
    return None


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


# ----------------------------------------------------------------- reading
@dataclass(frozen=True)
class Recorded:
    """One recorded interaction: what the API answered when the cassette was made."""

    method: str
    path: str
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def _bytes(body: str | bytes | None) -> bytes:
    if body is None:
        return b""
    return body if isinstance(body, bytes) else body.encode("utf-8")


def load_interactions(path: Path) -> list[Recorded]:
    """The interactions of the cassette at ``path``, in recorded order, read by
    :func:`load_checked` (a missing or broken cassette is a :class:`CassetteError`)."""
    recorded = []
    for interaction in load_checked(path)["interactions"]:
        request, response = interaction["request"], interaction["response"]
        parts = urlsplit(request["uri"])
        recorded.append(Recorded(
            method=request["method"].upper(),
            path=parts.path + (f"?{parts.query}" if parts.query else ""),
            status=response["status"]["code"],
            headers={name: values[0] for name, values in response["headers"].items() if values},
            body=_bytes(response["body"]["string"]),
        ))
    return recorded


def replay(path: Path):
    """The cassette at ``path``, checked, as a context that answers from it and nothing else.

    A recorded answer may be played again: every language must send the same request, so
    the answer recorded for one serves all of them (a language added after the recording
    is verified before the cassettes are re-recorded). How many requests a snippet sent is
    counted by the capture proxy, not by the cassette.
    """
    recorder = make_vcr([], upstream_origin=None)
    recorder.register_serializer("checked", _Read(load_checked(path)))  # the file is parsed once, not twice
    return recorder.use_cassette(str(path), record_mode="none", allow_playback_repeats=True, serializer="checked")


class _Read:
    """A vcrpy serializer that hands over a cassette :func:`load_checked` has read (replay
    never writes one)."""

    def __init__(self, data: dict) -> None:
        self.data = data

    def deserialize(self, _text: str) -> dict:
        return self.data

    def serialize(self, _data: dict) -> str:
        raise CassetteError("a replayed cassette is never written")


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

