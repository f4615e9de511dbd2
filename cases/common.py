"""Plumbing several cases share: finding a seeded record, a publishable draft, a file."""

from __future__ import annotations

from runner.model import Action, Expect

from cases.checks import finds_at_least

#: The seeded records (and, on staging, real ones) this query finds.
SEED_QUERY = "metadata.title:climate"

FIND_RECORD = Action(
    name="find-record",
    method="GET",
    path="/records",
    params={"q": SEED_QUERY, "sort": "oldest", "size": "1"},
    expect=Expect(200, checks=(finds_at_least(1),)),
    bind={"record_id": "hits.hits.0.id"},
)

#: Metadata complete enough for a draft to pass curation and publish.
PUBLISHABLE_METADATA = {
    "metadata": {
        "creators": [{"person_or_org": {"family_name": "Doe", "given_name": "Jane", "type": "personal"}}],
        "publication_date": "2025-01-09",
        "publisher": "TU Wien",
        "resource_type": {"id": "dataset"},
        "title": "Verified API docs test dataset",
        "description": "Created by the verified API docs runner; deleted or discarded after the run.",
        "rights": [{"id": "cc-by-4.0"}],
    },
    "files": {"enabled": True},
}

CREATE_DRAFT = Action(
    name="create-draft",
    method="POST",
    path="/records",
    json=PUBLISHABLE_METADATA,
    token="depositor",
    expect=Expect(201),
    bind={"record_id": "id"},
)

#: The file the upload snippets send (the page calls it example_dataset.csv).
EXAMPLE_CSV = b"year,station,mean_temperature_c\n2023,Vienna,12.9\n2024,Vienna,13.4\n2025,Vienna,13.1\n"
