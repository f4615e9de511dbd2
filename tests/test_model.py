"""What a case writes and which drafts it must delete are read off its steps, never declared twice."""

from __future__ import annotations

from apidocs.core.model import Action, Case, Expect, Snippet

FIND = Action(name="find", method="GET", path="/records", expect=Expect(200), bind={"record_id": "hits.hits.0.id"})
CREATE = Action(name="create", method="POST", path="/records/", expect=Expect(201), bind={"draft_id": "id"})
PUBLISH = Action(name="publish", method="post", path="/records/{draft_id}/draft/actions/publish",
                 expect=Expect(202), bind={"published_id": "id"})


def test_a_case_of_reads_writes_nothing_and_deletes_nothing():
    case = Case(name="reads", title="t", story="s", steps=(FIND,))
    assert not case.writes
    assert case.cleanup == ()


def test_a_post_writes_but_only_a_created_draft_is_deleted():
    case = Case(name="publishes", title="t", story="s", steps=(FIND, CREATE, PUBLISH))
    assert case.writes
    assert case.cleanup == ("draft_id",)


def test_a_snippet_creating_a_draft_is_cleaned_up_too():
    create = Snippet(name="create", title="t", method="POST", endpoint="/api/records", expect=Expect(201),
                     bind={"record_id": "id"})
    assert Case(name="creates", title="t", story="s", steps=(create,)).cleanup == ("record_id",)
