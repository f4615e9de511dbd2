"""VRC page - downloading a record's file with vre-repository-connector, in a notebook."""

from dataclasses import replace
from pathlib import Path

from apidocs.core.fixtures import declared, marker_query
from apidocs.core.model import Bridge, Case, Transcript
from cases.common import FIND_RECORD

#: A published record with three files, so that download() shows its menu (``fixtures.toml``).
RECORD_WITH_FILES = next(f for f in declared(Path(__file__).parent) if len(f.files) > 1)

#: What the transcript needs of the record: its id, its DOI, where the instance says the DOI
#: resolves, and its landing page (the runner's bridge, where one is needed, is made of them).
BIND = {"record_id": "hits.hits.0.id", "doi": "hits.hits.0.pids.doi.identifier", "doi_link": "hits.hits.0.links.doi",
        "landing": "hits.hits.0.links.self_html"}

#: Any public record with a DOI and a few small files (a menu to choose from): on an instance
#: without the fixtures (production, read-only) the package downloads one of its files.
_ANY_RECORD_WITH_FILES = replace(
    FIND_RECORD, stand_in=None, bind=BIND,
    params={"q": "access.files:public AND files.count:[2 TO 5] AND files.totalbytes:[1 TO 1000000]"
                 " AND _exists_:pids.doi", "sort": "newest", "size": "1"})

CASE = Case(
    name="vrc1_download",
    title="Download a dataset's file in a notebook",
    story=(
        "As a climate scientist, I want to retrieve a dataset's file by its DOI from my Jupyter notebook, so that I"
        " can start analysing it at once."
    ),
    placeholders={"10.12345/abcde-12345": "doi", "abcde-12345": "record_id"},
    steps=(
        replace(FIND_RECORD, params={"q": marker_query(RECORD_WITH_FILES.marker), "size": "1"},
                stand_in=_ANY_RECORD_WITH_FILES, bind=BIND),
        Transcript(
            name="download",
            title="Retrieve a file by the record's DOI",
            requirements="vrc-requirements.txt",
            stdin="2\n",  # the page's answer to "Select [1-3]:"
            # which stands for the fixture's second file: typed as the number this instance's menu gives it
            choose=(RECORD_WITH_FILES.files[1][0],),
            # on an instance the package does not know (its KNOWN_INSTANCES), our record stands in
            # at TU Wien's test repository, which it knows
            bridge=Bridge(host="test.researchdata.tuwien.ac.at",
                          known_hosts=("vre_repository_connector/auto.py", "KNOWN_INSTANCES")),
        ),
    ),
)
