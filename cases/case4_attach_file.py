"""Case 4 - Attach a File to an Existing Record, then publish it once curation accepted it."""

from apidocs.core.checks import equals, starts_with
from apidocs.core.model import Case, Expect, Snippet
from cases.common import CREATE_DRAFT, EXAMPLE_CSV
from cases.flows import curation_accepted

CASE = Case(
    name="case4_attach_file",
    title="Attach a File to an Existing Record",
    story=(
        "As a project manager, I want to attach supplementary files (like additional data or documentation) to "
        "an existing dataset record so that all components of the research project are organized and "
        "accessible in one place."
    ),
    placeholders={"abcde-12345": "record_id"},
    steps=(
        CREATE_DRAFT,
        Snippet(
            name="init",
            title="Step 1: Initialize File Upload",
            method="POST",
            endpoint="/api/records/{record_id}/draft/files",
            expect=Expect(201, fields={"entries": list}, checks=(equals("entries.0.status", "pending"),)),
        ),
        Snippet(
            name="upload",
            title="Step 2: Upload File Content",
            method="PUT",
            endpoint="/api/records/{record_id}/draft/files/{file_name}/content",
            files={"example_dataset.csv": EXAMPLE_CSV},
            expect=Expect(200, fields={"key": str}),
        ),
        Snippet(
            name="commit",
            title="Step 3: Commit Draft File Upload",
            method="POST",
            endpoint="/api/records/{record_id}/draft/files/{file_name}/commit",
            expect=Expect(200, fields={"checksum": str},
                          checks=(equals("status", "completed"), starts_with("checksum", "md5:"))),
        ),
        *curation_accepted(),
        Snippet(
            name="publish",
            title="Step 4: Publish the Draft",
            method="POST",
            endpoint="/api/records/{record_id}/draft/actions/publish",
            expect=Expect(202, fields={"id": str, "pids.doi.identifier": str}, checks=(equals("is_published", True),)),
        ),
    ),
)
