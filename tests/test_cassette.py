"""The recorder's filters: secrets never reach the file, volatile values become stable."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import requests
import yaml
from conftest import CASSETTES, LoopbackServer, run_cli

from apidocs.core.errors import CassetteError, OutputError
from apidocs.core.files import write_atomically
from apidocs.runner.cassettes import FIXED_TIMESTAMP, load_checked, make_vcr, normalise
from apidocs.runner.cassettes.normaliser import _files_in_key_order

TOKEN = "s3cr3t-token-value-0123456789"


@pytest.fixture
def echo_server():
    """Answers like InvenioRDM does after a login: a cookie, ids, timestamps, and the token echoed."""

    def answer(method, path, headers, body):
        content = json.dumps({
            "id": "ab12c-34de5", "created": "2026-11-25T17:01:02.123456+00:00",
            "links": {"self": f"{origin}/api/records/ab12c-34de5"},
            "echo": headers.get("Authorization"),
            "bucket": "9f0e8d7c-6b5a-4c3d-9e1f-0a1b2c3d4e5f",
        }).encode()
        return 200, {"Content-Type": "application/json",
                     "Set-Cookie": "session=abcdef0123456789abcdef; HttpOnly"}, content

    server = LoopbackServer(answer)
    origin = server.url.removesuffix("/api")
    yield origin
    server.close()


def test_recording_scrubs_secrets_and_normalises(echo_server, tmp_path):
    path = tmp_path / "c.yaml"
    recorder = make_vcr([TOKEN], upstream_origin=echo_server)
    with recorder.use_cassette(str(path), record_mode="all"):
        requests.get(f"{echo_server}/api/records/ab12c-34de5?access_token={TOKEN}",
                     headers={"Authorization": f"Bearer {TOKEN}", "Cookie": "session=abc"})
    text = path.read_text()
    assert TOKEN not in text
    assert "session=" not in text
    interaction = yaml.safe_load(text)["interactions"][0]
    assert interaction["request"]["headers"]["Authorization"] == ["Bearer <TOKEN>"]
    assert "Cookie" not in interaction["request"]["headers"]
    assert "Set-Cookie" not in interaction["response"]["headers"]
    assert interaction["request"]["uri"] == "http://invenio.invalid/api/records/recid-00001"
    body = json.loads(interaction["response"]["body"]["string"])
    assert body["id"] == "recid-00001"
    assert body["links"]["self"] == "http://invenio.invalid/api/records/recid-00001"
    assert body["created"] == FIXED_TIMESTAMP
    assert body["bucket"] == "00000000-0000-4000-8000-000000000001"
    assert body["echo"] == "Bearer <TOKEN>"
    assert interaction["response"]["headers"]["Content-Length"] == [str(len(interaction["response"]["body"]["string"]))]


def _interaction(uri: str, body: dict) -> dict:
    return {
        "request": {"method": "GET", "uri": uri, "body": None, "headers": {"User-Agent": ["curl/7.88.1"]}},
        "response": {"status": {"code": 200, "message": "OK"}, "headers": {}, "body": {"string": json.dumps(body)}},
    }


def test_aliases_are_consistent_across_interactions_and_stable_across_recordings():
    def recording(real_id: str) -> dict:
        return {"interactions": [
            _interaction("http://h:5000/api/records", {"id": real_id}),
            _interaction(f"http://h:5000/api/records/{real_id}/draft",
                         {"id": real_id, "parent": {"id": "zz999-yy888", "access": {"owned_by": {"user": "1"}}}}),
        ]}

    first, second = normalise(recording("aaaa1-bbbb2"), "http://h:5000"), normalise(recording("qqqq3-rrrr4"), "http://h:5000")
    assert first == second  # a re-record with new ids gives the same file
    assert first["interactions"][1]["request"]["uri"] == "http://invenio.invalid/api/records/recid-00001/draft"
    assert json.loads(first["interactions"][1]["response"]["body"]["string"])["parent"]["id"] == "recid-00002"
    assert first["interactions"][0]["request"]["headers"]["User-Agent"] == ["curl"]


def test_vocabulary_ids_are_not_taken_for_record_ids():
    cassette = {"interactions": [_interaction("http://h/api/records", {"resource_type": {"id": "image-photo"}})]}
    body = normalise(cassette, "http://h")["interactions"][0]["response"]["body"]["string"]
    assert "image-photo" in body


def test_write_atomically_leaves_old_file_when_interrupted(tmp_path, monkeypatch):
    target = tmp_path / "page.html"
    target.write_text("old")

    def boom(*args):
        raise OSError("disk full")

    monkeypatch.setattr("os.replace", boom)
    with pytest.raises(OutputError, match=f"cannot write {target}: disk full"):
        write_atomically(target, "new")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["page.html"]


def test_load_checked_names_a_binary_file(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(CassetteError, match="corrupt cassette"):
        load_checked(path)


def test_response_key_order_does_not_change_the_file():
    def recording(pids: str) -> dict:
        return {"interactions": [{**_interaction("http://h/api/records/x", {}),
                                  "response": {"status": {"code": 200, "message": "OK"}, "headers": {},
                                               "body": {"string": pids}}}]}

    first = normalise(recording('{"pids": {"oai": 1, "doi": 2}}'), "http://h")
    second = normalise(recording('{"pids": {"doi": 2, "oai": 1}}'), "http://h")
    assert first == second


def test_a_records_files_are_recorded_in_key_order_whatever_order_the_instance_lists_them():
    """An instance lists a record's files in the order its database returns them, which a
    new provisioning changes: the recording is the same for every order (ids numbered alike)."""
    files = {"wind.csv": "9f0c2a64-3a51-4c3e-9d55-1f6a0e3b7c21",
             "precipitation.csv": "1b7e4d02-6c1f-4a9e-8f3b-5d2c7a9e0f44",
             "temperature.csv": "5a3c9e17-0d2b-4f6a-b8e1-7c4d2f9a3b65"}

    def recording(order: list[str]) -> dict:
        listing = _interaction("http://h/api/records/x/files",
                               {"entries": [{"key": key, "file_id": files[key]} for key in order]})
        entries = {key: {"id": files[key]} for key in order}
        record = _interaction("http://h/api/records/x", {"files": {"entries": entries}})
        items = [f'<http://h/records/x/files/{key}> ; rel="item"' for key in order]
        record["response"]["headers"]["Link"] = [" , ".join(
            ['<http://h/records/x> ; rel="cite-as"', *items, '<http://h/api/records/x> ; rel="describedby"'])]
        return {"interactions": [record, listing]}

    first, second = (normalise(recording(order), "http://h") for order in (
        ["wind.csv", "precipitation.csv", "temperature.csv"], ["temperature.csv", "wind.csv", "precipitation.csv"]))
    assert first == second
    listed = json.loads(first["interactions"][1]["response"]["body"]["string"])["entries"]
    assert [entry["key"] for entry in listed] == sorted(files)
    link = first["interactions"][0]["response"]["headers"]["Link"][0]
    assert link.startswith('<http://invenio.invalid/records/x> ; rel="cite-as" , <http://invenio.invalid/records/x/files/p')
    assert link.endswith(' , <http://invenio.invalid/api/records/x> ; rel="describedby"')


def test_files_already_in_key_order_keep_their_bytes():
    body = '{"entries": [{"key": "a.csv"}, {"key": "b.csv"}],  "z": 1, "a": 2}'
    link = '<u/a.csv> ; rel="item" , <u/b.csv> ; rel="item"'
    response = {"headers": {"Link": [link]}, "body": {"string": body}}
    _files_in_key_order(response)
    assert response == {"headers": {"Link": [link]}, "body": {"string": body}}


@pytest.mark.live
def test_committed_cassettes_are_what_the_recorder_makes_of_the_reference_instance(instance_env, tmp_path):
    """Recorded, never typed: recording every case again gives the committed files byte for byte,
    however the search index's history breaks relevance ties (the CI failed on such a tie once)."""
    for history in ("as found", "reversed"):
        if history == "reversed":
            reindex_records_in_reverse(instance_env["OPENSEARCH_URL"])
        folder = tmp_path / history.replace(" ", "-")
        done = run_cli("record", "--cassettes", str(folder), env=instance_env)
        assert done.returncode == 0, done.stdout + done.stderr
        committed = sorted(p.name for p in CASSETTES.glob("*.yaml"))
        assert sorted(p.name for p in folder.glob("*.yaml")) == committed
        differ = [name for name in committed if undated(folder / name) != undated(CASSETTES / name)]
        assert not differ, f"index history {history}: re-recorded cassettes differ from the committed ones: {differ}"


def reindex_records_in_reverse(opensearch_url: str) -> None:
    """Index every published record again, last first, at its own version: nothing a reader sees
    changes, but equal scores now tie the other way round (a tie goes to the document indexed first)."""
    found = requests.get(f"{opensearch_url}/rdmrecords-records/_search",
                         params={"size": 1000, "sort": "_doc", "version": "true"}, timeout=30)
    found.raise_for_status()
    for hit in reversed(found.json()["hits"]["hits"]):
        put = requests.put(f"{opensearch_url}/{hit['_index']}/_doc/{hit['_id']}", json=hit["_source"], timeout=30,
                           params={"version": hit["_version"], "version_type": "external_gte", "refresh": "true"})
        if put.status_code != 409:  # 409: indexed again meanwhile, at a newer version, which is as good
            put.raise_for_status()


def undated(path: Path) -> str:
    """A cassette's text but the day it was recorded (``metadata.recorded.date``): when, not what."""
    text = path.read_text(encoding="utf-8")
    dated = re.compile(r"^(    date: )'\d{4}-\d{2}-\d{2}'$", re.M)
    assert len(dated.findall(text)) == 1, f"{path.name}: no recording date where the recorder writes it"
    return dated.sub(r"\1<day>", text)
