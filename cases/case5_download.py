"""Case 5 - File Download."""

from apidocs.core.model import Action, Case, Expect, Snippet
from cases.common import FIND_RECORD

CASE = Case(
    name="case5_download",
    title="File Download",
    story=(
        "As a researcher, I want to download an individual file from a dataset so that I can analyze its "
        "contents locally without navigating through multiple interfaces."
    ),
    placeholders={"abcde-12345": "record_id", "example_dataset.csv": "file_key"},
    steps=(
        FIND_RECORD,
        Action(name="list-files", method="GET", path="/records/{record_id}/files",
               expect=Expect(200), bind={"file_key": "entries.0.key"}),
        Snippet(
            name="download",
            title="Download a file",
            method="GET",
            endpoint="/api/records/{record_id}/files/{filename}/content",
            # -J would name the file from Content-Disposition, which is "inline" here:
            # curl would save it as "content". Name it after the file's key instead.
            expect=Expect(200, json=False),
            saves="example_dataset.csv",
            example_headers=("Content-Disposition", "Content-Length", "Content-Type", "Date", "ETag", "Last-Modified"),
        ),
    ),
)
