"""The published records the documented examples rely on, declared once (``fixtures.toml``).

``apidocs provision`` makes sure each of them exists on the target instance (the
reference instance is seeded by the same code, see ``instance/``): it finds a fixture by
its marker, a subject no real record carries, and creates, curates and publishes what is
missing through the REST API. The cases find their records by the same markers.

What the page's examples need from them:

- the search example (``climate AND metadata.publication_date:[2023-01-01 TO 2025-12-31]``,
  ``sort=newest``) and the Common Query Parameters (``q=metadata.title:climate``, a second
  page at ``size=1``) need at least two matching records: climate 2023 and glacier 2025;
- a record whose title does not match ``climate`` shows that the query narrows: temperature 2024;
- retrieving metadata (case 1) and downloading a file (case 5) need a published record with
  a small, public CSV file: climate 2023.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

#: Every fixture carries this subject; each also carries ``MARKER/<name>``.
MARKER = "tuw-verified-api-docs-fixture"
#: Where they are declared: data, read once when the cases are loaded.
DECLARED = Path(__file__).with_name("fixtures.toml")


@dataclass(frozen=True)
class Fixture:
    """A published record with one CSV file, as a depositor would upload it."""

    name: str  # its marker is ``MARKER/<name>``
    title: str
    publication_date: str  # ISO date; the search example's range must hold it
    keywords: tuple[str, ...]  # subjects besides the markers (``climate``: the search examples find it)
    description: str
    file: str  # the CSV file's key
    csv: str  # its content

    @property
    def marker(self) -> str:
        return f"{MARKER}/{self.name}"

    def metadata(self) -> dict:
        """The draft's JSON: complete enough to pass TU Wien's curation."""
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


def load(path: Path = DECLARED) -> tuple[Fixture, ...]:
    """The fixtures declared in ``path`` (a TOML list of ``[[fixture]]`` tables)."""
    entries = tomllib.loads(path.read_text(encoding="utf-8"))["fixture"]
    return tuple(Fixture(**{**entry, "keywords": tuple(entry["keywords"])}) for entry in entries)


FIXTURES = load()

#: The record cases 1 and 5 read: published, public, one small CSV file.
RECORD_WITH_CSV = FIXTURES[0]
