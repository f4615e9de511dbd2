"""Plumbing several cases share: finding a provisioned record, a publishable draft, a file."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from apidocs.core.checks import finds_at_least
from apidocs.core.fixtures import declared, marker_query
from apidocs.core.model import Action, Expect
from cases.flows import create_draft

#: The record cases 1 and 5 read: published, public, one small CSV file (``fixtures.toml``).
RECORD_WITH_CSV = declared(Path(__file__).parent)[0]

#: What the Common Query Parameters examples search for (the fixtures match it, and on
#: staging or production real records may too).
TITLE_QUERY = "metadata.title:climate"

#: Any public record with one small CSV file: on an instance without the fixtures
#: (production, read-only) it serves retrieving metadata and downloading a file as well.
_ANY_RECORD_WITH_CSV = Action(
    name="find-record",
    method="GET",
    path="/records",
    params={"q": "access.files:public AND files.types:csv AND files.count:1 AND files.totalbytes:[1 TO 1000000]",
            "sort": "newest", "size": "1"},
    expect=Expect(200, checks=(finds_at_least(1),)),
    bind={"record_id": "hits.hits.0.id"},
)

#: The provisioned record with a CSV file (``apidocs provision``), found by its marker.
FIND_RECORD = replace(_ANY_RECORD_WITH_CSV, params={"q": marker_query(RECORD_WITH_CSV.marker), "size": "1"},
                      stand_in=_ANY_RECORD_WITH_CSV)

#: What every documented record answer holds (retrieving a record, linking it to a maDMP).
RECORD_FIELDS = {"id": str, "metadata.title": str, "metadata.creators": list, "links.self": str}

#: Every record a live run creates carries this subject (fixtures carry their own marker).
RUN_MARKER = "tuw-verified-api-docs-run"

#: Metadata complete enough for a draft to pass curation and publish.
PUBLISHABLE_METADATA = {
    "metadata": {
        "creators": [{"person_or_org": {"family_name": "Doe", "given_name": "Jane", "type": "personal"}}],
        "publication_date": "2025-01-09",
        "publisher": "TU Wien",
        "resource_type": {"id": "dataset"},
        "title": "Verified API docs test dataset",
        "description": "Created by the verified API docs runner; deleted or discarded after the run.",
        "subjects": [{"subject": RUN_MARKER}],
        "rights": [{"id": "cc-by-4.0"}],
    },
    "files": {"enabled": True},
}

CREATE_DRAFT = create_draft(PUBLISHABLE_METADATA)

#: The file the upload snippets send (the page calls it example_dataset.csv).
EXAMPLE_CSV = b"year,station,mean_temperature_c\n2023,Vienna,12.9\n2024,Vienna,13.4\n2025,Vienna,13.1\n"

