"""Bad input gives one line on stderr, a non-zero exit, and no traceback."""

from __future__ import annotations

import ast
import shutil
import socket
import time

import pytest
import yaml
from conftest import CASSETTES, ROOT, UNAUTHORIZED, FaultyServer, LoopbackServer, assert_one_line, run_cli


def live_env(url: str, **extra: str) -> dict[str, str]:
    return {"DOCS_API_URL": url, "DOCS_API_TOKEN": "depositor-token-123", "DOCS_CURATOR_TOKEN": "curator-token-456",
            "DOCS_DISPOSABLE": "1", **extra}


def test_unknown_case_is_named():
    done = run_cli("verify", "case9_nope")
    assert_one_line(done, "unknown case case9_nope", "case1_metadata")
    assert done.stderr.count("\n") == 1


def test_misspelt_case_name_gets_a_did_you_mean():
    done = run_cli("verify", "case1_metdata")
    assert_one_line(done, "unknown case case1_metdata (did you mean 'case1_metadata'?)")


def test_missing_cassette(tmp_path):
    done = run_cli("verify", "case1_metadata", "--cassettes", str(tmp_path))
    assert_one_line(done, "missing cassette", "case1_metadata.yaml", "apidocs update case1_metadata")


def test_hints_name_the_command_as_readme_does_where_that_path_leads(tmp_path):
    """In the checkout's root, run by its own .venv (as README's `.venv/bin/apidocs`), a hint
    names that path; anywhere else, the command on PATH."""
    here = run_cli("verify", "case1_metadata", "--cassettes", str(tmp_path))
    assert_one_line(here, "record it with `.venv/bin/apidocs update case1_metadata`")
    elsewhere = run_cli("verify", "case1_metadata", "--cassettes", str(tmp_path), "--project", str(ROOT), cwd=tmp_path)
    assert_one_line(elsewhere, "record it with `apidocs update case1_metadata`")


def test_every_hint_names_the_command_through_one_rule():
    """No message of the tool spells `apidocs …` itself: apidocs.core.messages.command does."""
    spelt = []
    for path in [*(ROOT / "apidocs").rglob("*.py"), *(ROOT / "render").rglob("*.py")]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                      if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef)) and ast.get_docstring(node)}
        spelt += [f"{path.relative_to(ROOT)}:{node.lineno}" for node in ast.walk(tree)
                  if isinstance(node, ast.Constant) and "`apidocs " in str(node.value) and id(node) not in docstrings]
    assert spelt == []


def test_corrupt_cassette_yaml(tmp_path):
    (tmp_path / "case1_metadata.yaml").write_text("interactions:\n  - request: {method: GET\n  uri: [\n")
    done = run_cli("verify", "case1_metadata", "--cassettes", str(tmp_path))
    assert_one_line(done, "corrupt cassette", "not valid YAML")


def test_cassette_without_interactions(tmp_path):
    (tmp_path / "case1_metadata.yaml").write_text("version: 1\n")
    done = run_cli("verify", "case1_metadata", "--cassettes", str(tmp_path))
    assert_one_line(done, "corrupt cassette", "no list of interactions")


def test_live_without_url():
    done = run_cli("live", "case1_metadata")
    assert_one_line(done, "DOCS_API_URL is not set")


def test_recording_without_an_instance_offers_the_reference_instance_and_any_other(tmp_path):
    """No .instance/ (no `make instance` yet): the reference instance, or another one."""
    done = run_cli("record", "case1_metadata", env={"DOCS_INSTANCE_ENV": str(tmp_path / "env")})
    assert_one_line(done, f"DOCS_API_URL is not set (not in the environment, nor in {tmp_path / 'env'}):"
                          " a record run needs an instance: `make instance` starts the reference instance;"
                          " for another, set DOCS_INSTANCE_ENV to its env file, or DOCS_API_URL and its tokens")


def test_live_write_without_token(faulty_server):
    env = live_env(faulty_server.url)
    del env["DOCS_API_TOKEN"]
    done = run_cli("live", "case3_upload", env=env)
    assert_one_line(done, "DOCS_API_TOKEN is not set")
    assert faulty_server.hits == 0


@pytest.mark.parametrize("how", ["no token at all", "--read-only"])
def test_read_only_run_of_cases_that_all_need_a_token_checks_nothing_and_fails(faulty_server, how):
    env = live_env(faulty_server.url)
    flags = ["--read-only"] if how == "--read-only" else []
    if not flags:
        del env["DOCS_API_TOKEN"], env["DOCS_CURATOR_TOKEN"]
    done = run_cli("live", "case3_upload", "case6_curation", *flags, env=env)
    assert_one_line(done, "nothing to run read-only", "case3_upload, case6_curation")
    assert faulty_server.hits == 0


def test_live_write_refused_on_an_instance_not_disposable(faulty_server):
    done = run_cli("live", "case3_upload", env=live_env(faulty_server.url, DOCS_DISPOSABLE="0"))
    assert_one_line(done, "not marked disposable")
    assert faulty_server.hits == 0


def test_invalid_token_is_named_before_any_step(faulty_server):
    faulty_server.fault = "bad-token"
    done = run_cli("live", "case3_upload", env=live_env(faulty_server.url))
    assert_one_line(done, "DOCS_API_TOKEN (environment), the depositor's token, was refused", "HTTP 401")
    assert "case3_upload ›" not in done.stdout  # stopped by the preflight: no step ran


def test_refused_token_from_the_env_file_names_the_file_and_the_servers_whole_sentences(faulty_server, tmp_path):
    """The server's explanation ends where one of its sentences ends, not in the middle of a
    word (InvenioRDM's is longer than a message shows)."""
    faulty_server.fault = "bad-token"
    env_file = tmp_path / "env"
    env_file.write_text("".join(f"{key}={value}\n" for key, value in live_env(faulty_server.url).items()))
    done = run_cli("live", "case3_upload", env={"DOCS_INSTANCE_ENV": str(env_file)})
    assert_one_line(done, f"DOCS_API_TOKEN ({env_file}), the depositor's token, was refused")
    first_sentence = UNAUTHORIZED.split(". ")[0] + "."
    assert done.stderr.endswith(f"HTTP 401 ({first_sentence})\n"), done.stderr


def closed_port() -> int:
    """A port nobody listens on: bound by us a moment ago, then closed."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_server_down_stops_the_run_with_one_line():
    """The connection error is printed once, and nothing runs (the preflight finds it).

    What makes it quick is asserted (one line, no step ran); the time itself is printed,
    not asserted (speed is for benchmarks).
    """
    url = f"http://127.0.0.1:{closed_port()}/api"
    started = time.monotonic()
    done = run_cli("live", env=live_env(url))  # every case
    print(f"live run against a closed port ended in {time.monotonic() - started:.2f} s")
    assert_one_line(done, f"GET {url}/records: cannot connect: is the server up?")
    assert (done.stdout + done.stderr).count("cannot connect") == 1
    assert done.stdout == ""


def test_server_that_goes_away_during_the_run_stops_it_with_one_line(faulty_server):
    """After the preflight, the server drops every connection: the first step's request
    is the only one sent, and the rest of the run stops with one line."""
    faulty_server.fault = "drop"
    faulty_server.preflight_ok = True
    done = run_cli("live", env=live_env(faulty_server.url))
    assert_one_line(done, "cannot connect to http://127.0.0.1", "stopped at case1_metadata › find-record")
    assert faulty_server.hits == 1
    assert (done.stdout + done.stderr).count("cannot connect") == 1
    assert "case2_search" not in done.stdout


def test_server_error_5xx_at_preflight(faulty_server):
    done = run_cli("live", "case1_metadata", env=live_env(faulty_server.url))
    assert_one_line(done, "does not answer as an InvenioRDM API", "HTTP 500", "Internal server error")


def test_server_error_5xx_during_the_run(faulty_server):
    faulty_server.preflight_ok = True
    done = run_cli("live", "case1_metadata", env=live_env(faulty_server.url))
    assert_one_line(done, "find-record", "expected HTTP 200, got 500", "Internal server error", code=1)


def test_html_instead_of_json_at_preflight(faulty_server):
    faulty_server.fault = "html"
    done = run_cli("live", "case1_metadata", env=live_env(faulty_server.url))
    assert_one_line(done, "does not answer as an InvenioRDM API", "not JSON")
    assert "did you mean" not in done.stderr  # the URL ends in /api: the server is at fault


def test_url_without_api_gets_a_did_you_mean():
    """The site's root instead of its API: InvenioRDM answers /records there with its 404 page."""
    site = LoopbackServer(lambda method, path, headers, body: (404, {"Content-Type": "text/html"}, b"<html></html>"))
    try:
        root = site.url.removesuffix("/api")
        done = run_cli("live", "case1_metadata", env=live_env(root))
    finally:
        site.close()
    assert_one_line(done, f"{root} does not answer as an InvenioRDM API (did you mean '{root}/api'?)",
                    "HTTP 404 (an HTML page, not the API)")


def test_html_instead_of_json_during_the_run(faulty_server):
    faulty_server.fault = "html"
    faulty_server.preflight_ok = True
    done = run_cli("live", "case1_metadata", env=live_env(faulty_server.url))
    assert_one_line(done, "find-record", "expected JSON, got HTML", code=1)


def test_429_honours_retry_after_then_gives_up(faulty_server):
    faulty_server.fault = "429"
    faulty_server.retry_after = "1"
    faulty_server.preflight_ok = True
    started = time.monotonic()
    done = run_cli("live", "case1_metadata", env=live_env(faulty_server.url, DOCS_RETRIES="1"))
    assert_one_line(done, "rate limited (HTTP 429) after 1 retry", "Retry-After: 1", code=1)
    assert faulty_server.hits == 4  # both chains: 1 try + 1 retry each
    assert time.monotonic() - started >= 2  # waited as told: 1 s per chain


def test_429_is_retried_three_times_unless_told(faulty_server):
    faulty_server.fault = "429"
    faulty_server.retry_after = "0"
    faulty_server.preflight_ok = True
    done = run_cli("live", "case1_metadata", env=live_env(faulty_server.url))
    assert_one_line(done, "rate limited (HTTP 429) after 3 retries", "Retry-After: 0", code=1)
    assert faulty_server.hits == 8  # both chains: 1 try + 3 retries each


def test_429_wait_is_bounded(faulty_server):
    faulty_server.fault = "429"
    faulty_server.retry_after = "3600"
    faulty_server.preflight_ok = True
    started = time.monotonic()
    done = run_cli("live", "case1_metadata", env=live_env(faulty_server.url, DOCS_RETRY_AFTER_MAX="0.2"))
    assert_one_line(done, "rate limited", "Retry-After: 3600", code=1)
    assert time.monotonic() - started < 60


def test_server_that_does_not_answer_gets_one_request(faulty_server):
    """After one timeout nothing more is sent: the run ends after DOCS_TIMEOUT, not after
    DOCS_TIMEOUT for every step (about 6 minutes with the default of 30 s)."""
    faulty_server.fault = "hang"
    faulty_server.preflight_ok = True
    started = time.monotonic()
    done = run_cli("live", env=live_env(faulty_server.url, DOCS_TIMEOUT="0.5"))
    print(f"live run against a server that does not answer ended in {time.monotonic() - started:.2f} s")
    assert_one_line(done, "no answer from", "within 0.5 s (DOCS_TIMEOUT)", "stopped at case1_metadata › find-record")
    assert faulty_server.hits == 1
    assert "case2_search" not in done.stdout


def test_a_server_that_does_not_answer_hangs_up_without_an_answer_when_closed():
    """The stand-in for a server that does not answer never answers: when the test is over
    (the server closed) it drops the connection. An answer written later, to a client that
    gave up long ago, was a BrokenPipeError traceback in the output of a passing `make test`."""
    server = FaultyServer()
    server.fault = "hang"
    try:
        with socket.create_connection(server.httpd.server_address[:2], timeout=2) as client:
            client.sendall(b"GET /api/records HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            deadline = time.monotonic() + 2
            while server.hits == 0 and time.monotonic() < deadline:
                time.sleep(0.01)
            assert server.hits == 1
            server.close()
            assert client.recv(1024) == b""  # closed, nothing written
    finally:
        server.close()


def test_broken_case_script_is_named(tmp_path):
    cases = tmp_path / "cases"
    shutil.copytree(ROOT / "cases", cases, ignore=shutil.ignore_patterns("__pycache__"))
    (cases / "case1_metadata.py").write_text("CASE = (\n")
    done = run_cli("verify", "--cases-dir", str(cases))
    assert_one_line(done, "cannot load", "case1_metadata.py", "SyntaxError")


def test_cassette_with_a_broken_interaction(tmp_path):
    (tmp_path / "case1_metadata.yaml").write_text("version: 1\ninteractions:\n- request: {method: GET}\n")
    done = run_cli("verify", "case1_metadata", "--cassettes", str(tmp_path))
    assert_one_line(done, "corrupt cassette", "interaction 1: lacks request.uri")


@pytest.mark.parametrize(("field", "value", "message"), [
    ("response.status", "200", "response.status must be a mapping, got '200'"),
    ("response.status.code", "200", "response.status.code must be an HTTP status: a number from 100 to 599, got '200'"),
    ("response.status.code", 99999, "response.status.code must be an HTTP status"),
    ("response.status.code", None, "lacks response.status.code"),
    ("response.headers", "nope", "response.headers must be a mapping of header names to lists of strings, got 'nope'"),
    ("response.headers", {"Content-Type": [5]}, "response.headers must be a mapping of header names to lists"),
    ("response.body", "x", "response.body must be a mapping, got 'x'"),
    ("response.body.string", 5, "response.body.string must be a string, binary or null, got 5"),
    ("request.headers", "nope", "request.headers must be a mapping of header names to lists of strings"),
    ("request.uri", 42, "request.uri must be an http(s) URL, got 42"),
    ("request.uri", "x" * 80, "request.uri must be an http(s) URL, got '" + "x" * 58 + "…"),  # clipped
    ("request.method", 5, "request.method must be a string, got 5"),
    ("request.body", 5, "request.body must be a string, binary or null, got 5"),
])
def test_cassette_field_of_the_wrong_type_is_named(tmp_path, field, value, message):
    """A cassette of the right shape whose fields have the wrong types (None: the field removed)."""
    data = yaml.safe_load((CASSETTES / "case1_metadata.yaml").read_text(encoding="utf-8"))
    *parents, key = field.split(".")
    node = data["interactions"][1]
    for name in parents:
        node = node[name]
    if value is None:
        del node[key]
    else:
        node[key] = value
    (tmp_path / "case1_metadata.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    done = run_cli("verify", "case1_metadata", "--cassettes", str(tmp_path))
    assert_one_line(done, f"corrupt cassette {tmp_path / 'case1_metadata.yaml'}: interaction 2: {message}")
    done = run_cli("render", "--check", "--cassettes", str(tmp_path))  # render reads the same cassettes
    assert_one_line(done, f"interaction 2: {message}")
