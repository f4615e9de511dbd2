"""One exit-code contract for the CLI and the pytest plugin (README, "Exit codes"):
0 passed, 1 a step failed or drifted, 2 could not run, 130 interrupted, 143 terminated."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import pytest
import yaml
from conftest import APIDOCS, CASSETTES, ROOT, clean_env, run_cli
from test_bad_input import closed_port, live_env

from apidocs.entry.loader import load_cases


def run_pytest(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """``pytest cases/ ...`` as a user runs the plugin."""
    return subprocess.run([sys.executable, "-m", "pytest", "-q", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


def _as_in_a_terminal() -> None:
    """Ctrl-C as a user sends it to a program in the foreground: a test suite started in the
    background (``make test &``, some CI runners) starts with SIGINT ignored, which Python
    and so the command would inherit."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def stop_when_a_request_hangs(command: list[str], env: dict[str, str], server, signum: int) -> tuple[int, str, str]:
    """Start ``command``, wait until its first request reaches ``server`` (which does not
    answer), then send ``signum``; return the exit code, stdout and stderr."""
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               preexec_fn=_as_in_a_terminal)
    deadline = time.monotonic() + 60
    while server.hits == 0 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
    assert server.hits == 1, "the run never sent its first request"
    process.send_signal(signum)
    stdout, stderr = process.communicate(timeout=60)
    return process.returncode, stdout, stderr


# ------------------------------------------------------------------ the CLI
@pytest.mark.parametrize(("signum", "code", "line"), [
    (signal.SIGTERM, 143, "apidocs: stopped by SIGTERM (clean-up done)"),
    (signal.SIGHUP, 129, "apidocs: stopped by SIGHUP (clean-up done)"),
    (signal.SIGINT, 130, "apidocs: interrupted"),
])
def test_cli_stopped_from_outside(faulty_server, tmp_path, signum, code, line):
    faulty_server.fault = "hang"
    faulty_server.preflight_ok = True
    env = clean_env(**live_env(faulty_server.url), TMPDIR=str(tmp_path))
    returncode, _, stderr = stop_when_a_request_hangs([str(APIDOCS), "live", "case1_metadata"], env,
                                                      faulty_server, signum)
    assert returncode == code, stderr
    assert stderr.splitlines() == [line]
    assert list(tmp_path.iterdir()) == []  # the run's temp folder is gone


# ------------------------------------------------------------------ the pytest plugin
def test_plugin_replays_by_default():
    done = run_pytest("cases/", env=clean_env())
    assert done.returncode == 0, done.stdout + done.stderr


def test_plugin_reads_docs_mode_and_preflights_the_instance():
    """DOCS_MODE=live is a live run (it was silently replayed): against a closed port the
    preflight stops it before any step, with one line."""
    url = f"http://127.0.0.1:{closed_port()}/api"
    done = run_pytest("cases/", env=clean_env(**live_env(url), DOCS_MODE="live"))
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stdout.count("cannot connect") == 1
    assert "does not answer as an InvenioRDM API" in done.stdout and "no tests ran" in done.stdout


def test_plugin_stops_the_session_when_the_server_dies_during_the_run(faulty_server):
    faulty_server.preflight_ok = True
    faulty_server.fault = "drop"
    done = run_pytest("cases/", env=clean_env(**live_env(faulty_server.url), DOCS_MODE="live"))
    assert done.returncode == 2, done.stdout + done.stderr
    assert "1 failed" in done.stdout  # the session stopped at the first step: no error per step
    assert "the server is unreachable, the rest of the run was stopped" in done.stdout
    assert faulty_server.hits == 1


def test_plugin_refuses_a_bad_setting_before_any_step():
    done = run_pytest("cases/", env=clean_env(DOCS_MODE="rewind"))
    assert done.returncode == 2, done.stdout + done.stderr
    assert "DOCS_MODE='rewind' (environment): choose one of replay, live, record" in done.stdout + done.stderr
    assert "passed" not in done.stdout and "failed" not in done.stdout


def test_plugin_option_overrides_docs_mode():
    done = run_pytest("cases/case1_metadata.py", "--apidocs-mode=replay", env=clean_env(DOCS_MODE="live"))
    assert done.returncode == 0 and "passed" in done.stdout, done.stdout + done.stderr


def test_plugin_with_a_missing_cassette_could_not_run(tmp_path):
    done = run_pytest("cases/case1_metadata.py", env=clean_env(DOCS_CASSETTES=str(tmp_path)))
    assert done.returncode == 2, done.stdout + done.stderr
    assert "missing cassette" in done.stdout


def test_plugin_run_where_every_step_was_skipped_fails(tmp_path):
    """Only ``get`` selected; the step before it (run, not shown) finds no record, so ``get``
    is skipped: nothing was verified, which is not a pass."""
    data = yaml.safe_load((CASSETTES / "case1_metadata.yaml").read_text(encoding="utf-8"))
    searches = [i for i in data["interactions"] if "/records?" in i["request"]["uri"]]
    assert searches
    for interaction in searches:
        interaction["response"]["body"]["string"] = '{"hits": {"hits": [], "total": 0}}'
    (tmp_path / "case1_metadata.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    done = run_pytest("cases/case1_metadata.py::get", env=clean_env(DOCS_CASSETTES=str(tmp_path)))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "1 skipped" in done.stdout
    assert "apidocs: no step was verified: every step run was skipped" in done.stderr


def test_plugin_on_an_empty_case_folder(tmp_path):
    (tmp_path / "cases").mkdir()
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", str(tmp_path / "cases")], cwd=tmp_path,
                          env=clean_env(), capture_output=True, text=True, timeout=300)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "no case collected" in done.stderr


def test_plugin_terminated(faulty_server):
    faulty_server.fault = "hang"
    faulty_server.preflight_ok = True
    env = clean_env(**live_env(faulty_server.url), DOCS_MODE="live")
    returncode, stdout, _ = stop_when_a_request_hangs([sys.executable, "-m", "pytest", "-q", "cases/case1_metadata.py"],
                                                      env, faulty_server, signal.SIGTERM)
    assert returncode == 143, stdout


def test_list_names_every_case_and_step_and_exits_0():
    done = run_cli("list")
    assert done.returncode == 0 and not done.stderr, done.stderr
    for case in load_cases():
        assert f"{case.name}: {case.title}" in done.stdout
    assert "\n  find-record  (runner action)\n  get\n" in done.stdout  # case 1: an action, then its snippet
    # each step's snippet files and the page blocks it fills
    assert ("\n  get\n    snippets: cases/snippets/case1_metadata/get.py, cases/snippets/case1_metadata/get.sh\n"
            "    blocks:   case1_metadata/get/endpoint, case1_metadata/get/token, case1_metadata/get/python,"
            " case1_metadata/get/curl, case1_metadata/get/response, case1_metadata/get/status\n") in done.stdout
    assert "\n  param-q  (runner action)\n    blocks:   case2_search/param-q/inline\n" in done.stdout


def test_a_reader_that_stops_reading_ends_the_command_quietly():
    """`apidocs list | head -0`: the pipe is closed before the command writes; it ends as a
    shell tool does (128 + SIGPIPE), without a traceback."""
    child = subprocess.Popen([str(APIDOCS), "list"], cwd=ROOT, env=clean_env(), stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    child.stdout.close()  # long before the interpreter has started and imported the tool
    stderr = child.stderr.read()
    assert child.wait(timeout=120) == 128 + signal.SIGPIPE, stderr
    assert stderr == ""
