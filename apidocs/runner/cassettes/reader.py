"""Reading a cassette: checked, then as vcrpy's dictionary (replay) or as the recorded
interactions (drift, update)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from apidocs.core.errors import CassetteError
from apidocs.core.messages import apidocs_command
from apidocs.runner.cassettes.validator import interaction_problem

_FastLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


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
