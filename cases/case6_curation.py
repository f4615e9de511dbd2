"""TU Wien's curation request (Additional Customizations): what publishing depends on."""

from apidocs.core.checks import equals
from apidocs.core.model import Case, Expect, Snippet
from cases.common import CREATE_DRAFT

CASE = Case(
    name="case6_curation",
    title="Create a new curation request",
    story=(
        "We offer an API that supports a custom curation process. Custom endpoints assign curators to records, "
        "review submissions, add curation notes, and allow publishing of curated content."
    ),
    placeholders={"fghij-54321": "record_id"},
    steps=(
        CREATE_DRAFT,
        Snippet(
            name="create-request",
            title="Create a new curation request",
            method="POST",
            endpoint="/api/curations/",
            expect=Expect(201, fields={"id": str, "type": str, "status": str},
                          checks=(equals("type", "rdm-curation"), equals("status", "submitted"))),
            bind={"request_id": "id"},
        ),
    ),
)
