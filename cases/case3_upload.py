"""Case 3 - Upload a New Dataset: create a draft, then reserve its DOI."""

from apidocs.core.checks import equals
from apidocs.core.model import Case, Expect, Snippet

CASE = Case(
    name="case3_upload",
    title="Upload a New Dataset",
    story=(
        "As a lab scientist, I want to automate the upload of new datasets along with detailed metadata so that "
        "my research outputs are quickly published, discoverable, and citable through an assigned DOI."
    ),
    placeholders={"abcde-12345": "record_id"},
    steps=(
        Snippet(
            name="create",
            title="Step 1: Create a new draft",
            method="POST",
            endpoint="/api/records",
            expect=Expect(201, fields={"id": str, "metadata.title": str, "links.self": str},
                          checks=(equals("is_draft", True),)),
            bind={"record_id": "id"},
        ),
        Snippet(
            name="reserve-doi",
            title="Step 2: Request a DOI",
            method="POST",
            endpoint="/api/records/{record_id}/draft/pids/doi",
            expect=Expect(201, fields={"pids.doi.identifier": str, "pids.doi.provider": str},
                          checks=(equals("pids.doi.provider", "datacite"),)),
        ),
    ),
)
