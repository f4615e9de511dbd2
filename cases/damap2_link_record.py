"""DAMAP page - Link your record to a maDMP: invenio-damap reads the record as the caller,
exports it as an RDA maDMP dataset and sends it to DAMAP, which adds it to the maDMP.

Before it calls DAMAP, the app reads the record with the caller's identity: a record that
does not exist, is not published yet, or that the caller may not read is refused there (the
runner's own requests). For the last, each chain publishes a restricted, metadata-only
record through TU Wien's curation and a curator (not its owner) tries to link it.
``1337`` is the page's example maDMP id: only DAMAP knows which maDMPs exist.
"""

from dataclasses import replace

from apidocs.core.checks import equals
from apidocs.core.model import Action, Case, Expect, Snippet, Upstream
from cases.common import CREATE_DRAFT, FIND_RECORD, PUBLISHABLE_METADATA, RECORD_FIELDS
from cases.flows import curation_accepted

LINK = "/invenio_damap/damap/dmp/1337/dataset"

DAMAP = Upstream(
    name="DAMAP",
    returns=(
        "HTTP 201 with the record that was linked, in the same JSON as "
        "GET /api/records/{record_id} returns it (see Case 1 of the API page), "
        "once DAMAP has added it to the maDMP."
    ),
)


def _refused(name: str, record: str, status: int, message: str, role: str = "depositor") -> Action:
    """The app refuses to link ``record`` before it calls DAMAP (``status`` with ``message``)."""
    return Action(name=name, method="POST", path=f"{LINK}/{record}", role=role,
                  expect=Expect(status, checks=(equals("message", message),)))


#: A record only its owner (the depositor) may read.
RESTRICTED = {**PUBLISHABLE_METADATA, "files": {"enabled": False},
              "access": {"record": "restricted", "files": "restricted"}}


CASE = Case(
    name="damap2_link_record",
    title="Link your record to a maDMP",
    story="Link your selected InvenioRDM record to the target maDMP:",
    placeholders={"abcde-12345": "record_id"},
    steps=(
        _refused("link-missing-record", "00000-00000", 404, "The persistent identifier does not exist."),
        replace(CREATE_DRAFT, bind={"draft_id": "id"}),
        _refused("link-unpublished-draft", "{draft_id}", 404, "The persistent identifier is not registered."),
        replace(CREATE_DRAFT, name="create-restricted-draft", json=RESTRICTED, bind={"restricted_id": "id"}),
        *curation_accepted("restricted_id"),
        Action(name="publish-restricted", method="POST", path="/records/{restricted_id}/draft/actions/publish",
               role="depositor", expect=Expect(202, checks=(equals("access.record", "restricted"),))),
        _refused("link-unreadable-record", "{restricted_id}", 403, "Permission denied.", role="curator"),
        FIND_RECORD,
        Snippet(
            name="link",
            title="Link your selected InvenioRDM record to the target maDMP",
            method="POST",
            endpoint="/api/invenio_damap/damap/dmp/{dmp_id}/dataset/{record_id}",
            expect=Expect(201, fields=RECORD_FIELDS),
            example=("id", "metadata.title", "metadata.creators", "metadata.publication_date",
                     "metadata.resource_type.id", "links.self", "links.files"),
            upstream=DAMAP,
        ),
    ),
)
