"""The published records the documented examples rely on: their model. The docs project
declares them once, as data, in ``cases/fixtures.toml``.

``apidocs provision`` makes sure each of them exists on the target instance (the
reference instance is seeded by the same code, see ``instance/``): it finds a fixture by
its marker, a subject no real record carries, and creates, curates and publishes what is
missing through the REST API. The cases find their records by the same markers. What
each example needs from them is said where they are declared.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from apidocs.core.errors import ApidocsError

#: Every fixture carries this subject; each also carries ``MARKER/<name>``.
MARKER = "tuw-verified-api-docs-fixture"
#: The file of a cases folder that declares them.
FILE = "fixtures.toml"


@dataclass(frozen=True)
class Fixture:
    """A published record with a CSV file (and ``more_files``), as a depositor would upload it."""

    name: str  # its marker is ``MARKER/<name>``
    title: str
    publication_date: str  # ISO date; the search example's range must hold it
    keywords: tuple[str, ...]  # subjects besides the markers (``climate``: the search examples find it)
    description: str
    file: str  # the CSV file's key
    csv: str  # its content
    #: further files (key → content), uploaded after the first, in this order
    more_files: dict[str, str] = field(default_factory=dict)

    @property
    def files(self) -> tuple[tuple[str, bytes], ...]:
        """(key, content) of every file, the CSV file first."""
        return ((self.file, self.csv.encode()), *((key, text.encode()) for key, text in self.more_files.items()))

    @property
    def marker(self) -> str:
        return f"{MARKER}/{self.name}"

    def metadata(self) -> dict:
        """The draft's JSON: complete enough to pass the instance's curation."""
        return {
            "metadata": {
                "resource_type": {"id": "dataset"},
                "title": self.title,
                "publication_date": self.publication_date,
                "creators": [{"person_or_org": {"type": "personal", "given_name": "Jane", "family_name": "Doe"},
                              "affiliations": [{"name": "TU Wien"}]}],
                "publisher": "TU Wien",
                "description": self.description,
                "subjects": [{"subject": k} for k in (*self.keywords, MARKER, self.marker)],
                "languages": [{"id": "eng"}],
                "rights": [{"id": "cc-by-4.0"}],
            },
            "files": {"enabled": True},
            "access": {"record": "public", "files": "public"},
        }


def marker_query(marker: str) -> str:
    """The search query that finds exactly the records carrying ``marker``."""
    return f'metadata.subjects.subject.keyword:"{marker}"'


def is_fixture(record: Any) -> bool:
    """True for a record (a response's JSON) that carries our marker subject."""
    subjects = (record.get("metadata") or {}).get("subjects") or [] if isinstance(record, dict) else []
    return any(isinstance(s, dict) and s.get("subject") == MARKER for s in subjects)


def foreign_records(body: Any) -> list[str]:
    """The published records an answer shows that are not our fixtures (``id 'title'``): a
    search's hits, or the published record itself. Drafts a run made are its own."""
    if not isinstance(body, dict):
        return []
    hits = (body.get("hits") or {}).get("hits") if isinstance(body.get("hits"), dict) else None
    shown = hits if isinstance(hits, list) else [body] if body.get("is_published") is True else []
    return [f"{record.get('id')} {(record.get('metadata') or {}).get('title')!r}" for record in shown
            if isinstance(record, dict) and not is_fixture(record)]


@functools.cache
def declared(cases: Path) -> tuple[Fixture, ...]:
    """The fixtures the cases folder ``cases`` declares (``fixtures.toml``: a TOML list of
    ``[[fixture]]`` tables); a missing or malformed file is one line naming it."""
    path = cases / FILE
    try:
        entries = tomllib.loads(path.read_text(encoding="utf-8"))["fixture"]
        return tuple(Fixture(**{**entry, "keywords": tuple(entry["keywords"])}) for entry in entries)
    except OSError as exc:
        raise ApidocsError(f"{path}: cannot read the fixtures: {exc.strerror}") from None
    except (tomllib.TOMLDecodeError, KeyError, TypeError) as exc:
        raise ApidocsError(f"{path}: not a list of [[fixture]] tables ({type(exc).__name__}: {exc})") from None
