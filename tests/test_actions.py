"""An Action is sent, and a draft deleted, one way each (``apidocs.runner.actions``), whichever
way they go: through the capture proxy (the engine) or straight to the instance (provisioning)."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from conftest import LoopbackServer

from apidocs.core.model import Action, Expect
from apidocs.runner import provision
from apidocs.runner.actions import DRAFT_GONE, delete_draft, direct, send_action
from apidocs.runner.api import Api, ApiError
from apidocs.runner.capture import Exchange
from cases import flows

ACTION = Action(name="request", method="POST", path="/records/{record_id}/draft", role="depositor",
                params={"q": "id:{record_id} a&b"}, json={"topic": "{record_id}"}, expect=Expect(201))
TOKENS = {"depositor": "token-123"}
BOUND = {"record_id": "abcde-12345"}


def test_an_action_goes_out_with_its_token_and_its_fields_filled():
    sent: list[Exchange] = []
    exchange = send_action(ACTION, TOKENS, BOUND, "/api", sent.append)
    assert sent == [exchange]
    assert exchange.path == "/api/records/abcde-12345/draft?q=id%3Aabcde-12345%20a%26b"
    assert exchange.headers == {"Accept": "application/json", "Authorization": "Bearer token-123",
                                "Content-Type": "application/json"}
    assert json.loads(exchange.body) == {"topic": "abcde-12345"}


def answering(status: int, seen: list) -> LoopbackServer:
    def answer(method: str, path: str, headers: dict[str, str], body: bytes):
        seen.append((method, path, headers, body))
        return status, {"Content-Type": "application/json"}, b'{"id": "abcde-12345"}'

    return LoopbackServer(answer)


def test_straight_to_the_instance_the_same_request_arrives():
    seen: list = []
    server = answering(201, seen)
    try:
        exchange = send_action(ACTION, TOKENS, BOUND, "", direct(Api(server.url), (201,)))
    finally:
        server.close()
    [(method, path, headers, body)] = seen
    assert (method, path) == ("POST", "/api/records/abcde-12345/draft?q=id%3Aabcde-12345%20a%26b")
    assert headers["Authorization"] == "Bearer token-123" and headers["Content-Type"] == "application/json"
    assert json.loads(body) == {"topic": "abcde-12345"}
    assert exchange.status == 201 and exchange.json() == {"id": "abcde-12345"}


def test_straight_to_the_instance_an_unexpected_answer_is_an_api_error():
    server = answering(400, [])
    try:
        with pytest.raises(ApiError, match=r"POST .*/api/records/abcde-12345/draft\?q=.*: HTTP 400"):
            send_action(ACTION, TOKENS, BOUND, "", direct(Api(server.url), (201,)))
    finally:
        server.close()


def answered(status: int, error: str | None = None):
    """A Send that gives every exchange ``status`` (or the transport's ``error``)."""

    def send(exchange: Exchange) -> None:
        exchange.status, exchange.error = status, error

    return send


@pytest.mark.parametrize("status", DRAFT_GONE)
def test_a_draft_that_is_gone_is_deleted(status):
    assert delete_draft("abcde-12345", "token-123", "/api", answered(status)) == ""


def test_a_draft_still_there_says_why_through_either_way():
    assert delete_draft("abcde-12345", "token-123", "/api", answered(500)) == "500"
    assert delete_draft("abcde-12345", "t", "/api", answered(0, "cannot connect")) == "cannot connect"
    seen: list = []
    server = answering(400, seen)
    try:
        why = delete_draft("abcde-12345", "token-123", "", direct(Api(server.url), DRAFT_GONE))
    finally:
        server.close()
    assert seen[0][:2] == ("DELETE", "/api/records/abcde-12345/draft")
    assert why.startswith(f"DELETE {server.url}/records/abcde-12345/draft: HTTP 400"), why


def test_provisioning_sends_its_actions_in_turn_each_with_the_ids_bound_before():
    seen: list = []
    server = answering(201, seen)
    actions = [flows.create_draft({"metadata": {}}),
               Action(name="reserve-doi", method="POST", path="/records/{record_id}/draft/pids/doi", role="depositor",
                      expect=Expect(201))]
    bound: dict[str, str] = {}
    try:
        provision.perform(Api(server.url), actions, TOKENS, bound)
        with pytest.raises(ApiError, match=r"POST .*/api/records: the answer holds no 'hits'"):
            provision.perform(Api(server.url), [replace(actions[0], bind={"other": "hits"})], TOKENS, {})
    finally:
        server.close()
    assert bound == {"record_id": "abcde-12345"}
    assert [path for _, path, _, _ in seen[:2]] == ["/api/records", "/api/records/abcde-12345/draft/pids/doi"]
