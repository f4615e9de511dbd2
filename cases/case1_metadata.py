"""Case 1 - Retrieve a Dataset's Metadata."""

from apidocs.core.model import Case, Expect, Snippet
from cases.common import FIND_RECORD, RECORD_FIELDS

CASE = Case(
    name="case1_metadata",
    title="Retrieve a Dataset's Metadata",
    story=(
        "As a researcher, I want to quickly retrieve detailed metadata for a dataset using its unique "
        "identifier so that I can verify its relevance and incorporate accurate information into my analysis."
    ),
    placeholders={"abcde-12345": "record_id"},
    steps=(
        FIND_RECORD,
        Snippet(
            name="get",
            title="Retrieve the record",
            method="GET",
            endpoint="/api/records/{record_id}",
            expect=Expect(200, fields={**RECORD_FIELDS, "metadata.publication_date": str,
                                       "metadata.resource_type.id": str, "links.files": str}),
            example=(
                "id", "metadata.title", "metadata.creators", "metadata.publication_date",
                "metadata.resource_type.id", "metadata.resource_type.title.en", "links.self", "links.files",
            ),
        ),
    ),
)
