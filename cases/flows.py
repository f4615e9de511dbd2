"""TU Wien's way from a new draft to a published record, declared once.

The depositor creates a draft, reserves its DOI, uploads a file and commits it, and asks
for curation; a curator reviews and accepts the request; the depositor publishes. The
API page documents these steps as snippets (cases 3, 4 and 6, whose method and
endpoint must be the ones declared here: ``tests/test_flows.py``), the cases' shared
plumbing takes its actions from here (``cases/common.py``), and ``apidocs provision``
runs the whole flow to publish a fixture: the engine calls :func:`publish`
(:func:`apidocs.entry.loader.load_publish`), whose first action binds the draft's id as
``record_id``.
"""

from __future__ import annotations

from typing import Any

from apidocs.core.model import Action, Expect

#: The draft's id, bound by the first step, and the curation request's, bound by the request.
RECORD = "{record_id}"
REQUEST = "{request_id}"


def create_draft(metadata: dict[str, Any]) -> Action:
    return Action(name="create-draft", method="POST", path="/records", json=metadata, role="depositor",
                  expect=Expect(201), bind={"record_id": "id"})


def curation_accepted(record: str = "record_id") -> tuple[Action, ...]:
    """The curation publishing depends on, of the draft bound as ``record``: requested by
    the depositor, reviewed and accepted by a curator."""
    return (
        Action(name="request-curation", method="POST", path="/curations/", role="depositor",
               json={"topic": {"record": "{" + record + "}"}}, expect=Expect(201), bind={"request_id": "id"}),
        Action(name="review", method="POST", path=f"/requests/{REQUEST}/actions/review", role="curator",
               expect=Expect(200)),
        Action(name="accept", method="POST", path=f"/requests/{REQUEST}/actions/accept", role="curator",
               expect=Expect(200)),
    )


def _upload(draft: str, file: str, content: bytes) -> tuple[Action, ...]:
    """A file into the draft: its key, its bytes, the commit."""
    return (
        Action(name="init", method="POST", path=f"{draft}/files", role="depositor", json=[{"key": file}],
               expect=Expect(201)),
        Action(name="upload", method="PUT", path=f"{draft}/files/{file}/content", role="depositor", data=content,
               expect=Expect(200)),
        Action(name="commit", method="POST", path=f"{draft}/files/{file}/commit", role="depositor",
               expect=Expect(200)),
    )


def publish(metadata: dict[str, Any], files: tuple[tuple[str, bytes], ...]) -> tuple[Action, ...]:
    """Every request from nothing to a published record with a DOI and ``files`` ((key,
    content), each uploaded the same way, in order)."""
    draft = f"/records/{RECORD}/draft"
    return (
        create_draft(metadata),
        Action(name="reserve-doi", method="POST", path=f"{draft}/pids/doi", role="depositor", expect=Expect(201)),
        *(action for key, data in files for action in _upload(draft, key, data)),
        *curation_accepted(),
        Action(name="publish", method="POST", path=f"{draft}/actions/publish", role="depositor", expect=Expect(202)),
    )
