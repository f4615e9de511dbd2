"""VRC page - downloading a record's file with vre-repository-connector, in a notebook."""

from dataclasses import replace
from pathlib import Path

from apidocs.core.fixtures import declared, marker_query
from apidocs.core.model import Bridge, Case, Transcript
from cases.common import FIND_RECORD

#: A published record with three files, so that download() shows its menu (``fixtures.toml``).
RECORD_WITH_FILES = next(f for f in declared(Path(__file__).parent) if len(f.files) > 1)

CASE = Case(
    name="vrc1_download",
    title="Download a dataset's file in a notebook",
    story=(
        "As a climate scientist, I want to retrieve a dataset's file by its DOI from my Jupyter notebook, so that I"
        " can start analysing it at once."
    ),
    placeholders={"10.12345/abcde-12345": "doi", "abcde-12345": "record_id"},
    steps=(
        replace(FIND_RECORD, params={"q": marker_query(RECORD_WITH_FILES.marker), "size": "1"}, stand_in=None,
                bind={"record_id": "hits.hits.0.id", "doi": "hits.hits.0.pids.doi.identifier",
                      "landing": "hits.hits.0.links.self_html"}),
        Transcript(
            name="download",
            title="Retrieve a file by the record's DOI",
            requirements="vrc-requirements.txt",
            # the page's answer to "Select [1-3]:": the record's second file, by the number the menu gives it
            choose=(RECORD_WITH_FILES.files[1][0],),
            # the package's KNOWN_INSTANCES include TU Wien's test repository: our record stands in there
            bridge=Bridge(host="test.researchdata.tuwien.ac.at"),
        ),
    ),
)
