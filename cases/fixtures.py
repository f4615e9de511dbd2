"""The published records the documented examples rely on, declared once.

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

import io
from dataclasses import dataclass

#: Every fixture carries this subject; each also carries ``MARKER/<name>``.
MARKER = "tuw-verified-api-docs-fixture"


@dataclass(frozen=True)
class Fixture:
    """A published record with one CSV file, as a depositor would upload it."""

    #: its marker is ``MARKER/<name>``
    name: str
    title: str
    #: ISO date; the search example's range must hold it
    publication_date: str
    #: subjects besides the markers (``climate`` makes the search examples find it)
    keywords: tuple[str, ...]
    description: str
    #: the CSV file's key, with its header and rows
    file: str
    header: tuple[str, ...]
    rows: tuple[tuple[object, ...], ...]

    @property
    def marker(self) -> str:
        return f"{MARKER}/{self.name}"

    def csv(self) -> bytes:
        out = io.StringIO()
        for row in (self.header, *self.rows):
            out.write(",".join(str(value) for value in row) + "\n")
        return out.getvalue().encode()

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


FIXTURES = (
    Fixture(
        name="climate-2023",
        title="Climate Change Data 2023",
        publication_date="2023-06-15",
        keywords=("climate", "temperature", "precipitation"),
        description="<p>Monthly mean temperature and precipitation at three Austrian stations in 2023"
                    " (a fixture of the verified API docs).</p>",
        file="climate_change_data_2023.csv",
        header=("month", "station", "mean_temperature_c", "precipitation_mm"),
        rows=(("2023-01", "Wien", 1.9, 38.2), ("2023-02", "Wien", 3.1, 25.0),
              ("2023-01", "Innsbruck", -1.2, 51.4), ("2023-02", "Innsbruck", 0.4, 40.9),
              ("2023-01", "Graz", 0.8, 30.1), ("2023-02", "Graz", 2.2, 22.7)),
    ),
    Fixture(
        name="temperature-2024",
        title="Temperature Records 2024",
        publication_date="2024-12-25",
        keywords=("temperature", "weather station"),
        description="<p>Daily minimum and maximum air temperatures measured on the TU Wien campus in"
                    " December 2024 (a fixture of the verified API docs).</p>",
        file="temperature_records_2024.csv",
        header=("date", "t_min_c", "t_max_c"),
        rows=(("2024-12-01", -2.5, 4.1), ("2024-12-02", -1.0, 5.3),
              ("2024-12-03", 0.2, 6.8), ("2024-12-04", 1.1, 7.0)),
    ),
    Fixture(
        name="glacier-2025",
        title="Glacier Climate Observations 2025",
        publication_date="2025-03-01",
        keywords=("climate", "glacier", "mass balance"),
        description="<p>Winter mass balance and snow depth at two Alpine glaciers, early 2025"
                    " (a fixture of the verified API docs).</p>",
        file="glacier_climate_observations_2025.csv",
        header=("glacier", "date", "mass_balance_m_we", "snow_depth_m"),
        rows=(("Pasterze", "2025-01-15", -0.12, 1.85), ("Pasterze", "2025-02-15", -0.05, 2.10),
              ("Hintereisferner", "2025-01-15", -0.08, 1.60), ("Hintereisferner", "2025-02-15", -0.02, 1.95)),
    ),
)

#: The record cases 1 and 5 read: published, public, one small CSV file.
RECORD_WITH_CSV = FIXTURES[0]
