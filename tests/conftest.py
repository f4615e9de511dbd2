"""Shared fixtures: running the CLI as a user would, the committed cassettes and their replay,
copies of the cases to change, the reference instance, and a server that misbehaves on purpose."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import urllib.request
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable, Iterable
from urllib.parse import parse_qsl, unquote, urlsplit

import in_process
import pytest

ROOT = Path(__file__).resolve().parent.parent
#: Recorded by ``make record`` from the reference instance.
CASSETTES = ROOT / "cassettes"
#: The console script ``pip install`` made, as a user runs it (``.venv/bin/apidocs``).
APIDOCS = Path(sys.executable).parent / "apidocs"


#: What the session's tests share across its xdist workers: the render cache of their runs
#: (never the checkout's own .apidocs-cache/), so that a page rendered from the same inputs is
#: replayed once for all of them (apidocs.render.cache keys an entry by the bytes of every input and
#: writes it atomically), and the theme wheels they download. The process that starts the
#: session makes the folder and hands it to the workers it starts (they inherit the variable);
#: that process removes it when the session ends: no test leaves anything in the temp folder.
_SHARED = "APIDOCS_TEST_SHARED"
_OWNS_SHARED = _SHARED not in os.environ
if _OWNS_SHARED:
    os.environ[_SHARED] = tempfile.mkdtemp(prefix="apidocs-test-")
SHARED = Path(os.environ[_SHARED])
TEST_CACHE = str(SHARED / "render-cache")


def pytest_sessionfinish(session, exitstatus) -> None:
    if _OWNS_SHARED:
        shutil.rmtree(SHARED, ignore_errors=True)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that read the session's replay (:func:`replayed`) share an xdist worker
    (``--dist loadgroup``), so that it runs once, not once in each worker."""
    for item in items:
        if "replayed" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.xdist_group("replayed"))


def clean_env(**extra: str) -> dict[str, str]:
    """What the tool sees in a test: PATH and HOME, no .instance/env, the tests' own cache."""
    return {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"), "DOCS_INSTANCE_ENV": "/nonexistent",
            "DOCS_CACHE": TEST_CACHE, **extra}


def run_cli(*args: str, env: dict[str, str] | None = None, cwd: Path = ROOT,
            timeout: float = 300) -> subprocess.CompletedProcess:
    """``apidocs ARGS`` with only the environment given (no .instance/env), in ``cwd``, run in
    this process on streams of its own (:mod:`in_process`): what it says, its exit code and the
    files it writes are the command's, without a new interpreter's start."""
    return in_process.run(list(args), clean_env(**(env or {})), cwd, timeout)


def shown(path: Path) -> Path:
    """``path`` as the CLI (run in the checkout) names it: relative where it is inside the
    checkout (pytest's tmp_path is, in .pytest-tmp/), else as it is."""
    path = path.resolve()
    return path.relative_to(ROOT) if path.is_relative_to(ROOT) else path


def assert_one_line(done: subprocess.CompletedProcess, *words: str, code: int = 2) -> None:
    """Exit ``code``, every one of ``words`` said, no traceback. Exit 2 ("could not run") says
    it in one line on stderr and nothing else there; exit 1 (a step failed) in the failure the
    run prints (the step's line, then its request and the difference)."""
    output = done.stdout + done.stderr
    assert done.returncode == code, output
    assert "Traceback" not in output, output
    if code == 2:
        assert len(done.stderr.splitlines()) == 1, done.stderr
    for word in words:
        assert word in (done.stderr if code == 2 else output), output


#: How often a test server looks whether it is asked to stop: ``shutdown`` waits this long
#: (the default, 0.5 s, was half a second at the end of every test with a server).
POLL = 0.02


class LoopbackServer:
    """An HTTP server on 127.0.0.1 (a free port) that answers each request with
    ``answer(method, path, headers, body)``: ``(status, headers, body)``, or None to close
    the connection without a word. The fakes below and the tests' forwarders are made of it."""

    Answer = Callable[[str, str, dict[str, str], bytes], "tuple[int, dict[str, str], bytes] | None"]

    def __init__(self, answer: Answer) -> None:
        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _answer(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                reply = answer(self.command, self.path, dict(self.headers.items()), body)
                if reply is None:
                    self.close_connection = True
                    return
                status, headers, content = reply
                self.send_response(status)
                for key, value in headers.items():
                    if key.lower() not in ("content-length", "transfer-encoding", "connection", "content-encoding"):
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _answer

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, args=(POLL,), daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/api"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


#: What InvenioRDM answers a token it does not know (werkzeug's 401), longer than a message
#: the tool shows in full.
UNAUTHORIZED = ("The server could not verify that you are authorized to access the URL requested. You either"
                " supplied the wrong credentials (e.g. a bad password), or your browser doesn't understand how to"
                " supply the credentials required.")


class FaultyServer(LoopbackServer):
    """An HTTP server that answers every request with one chosen fault.

    It stands for a broken or overloaded InvenioRDM, which the reference instance
    cannot be made into on demand: 5xx, 429, an HTML error page, a hang, a dropped
    connection, a refused token.
    With ``preflight_ok`` it answers the tool's own housekeeping requests (preflight, the
    fixture check: their User-Agent says so) as a healthy, empty InvenioRDM would, so that
    the fault meets the steps: a server that breaks in the middle of a run.
    """

    def __init__(self) -> None:
        self.fault = "500"
        self.retry_after = "1"
        self.preflight_ok = False
        self.hits = 0  # requests answered with the fault
        #: set when the test is over: a "hang" then drops its connection, unanswered (an answer
        #: written to a client that gave up long ago fails with BrokenPipeError, a traceback)
        self.closed = threading.Event()
        super().__init__(lambda method, path, headers, body: self.response(headers))

    def close(self) -> None:
        self.closed.set()
        super().close()

    def response(self, request_headers: dict[str, str]) -> tuple[int, dict, bytes] | None:
        json_type = {"Content-Type": "application/json"}
        housekeeping = request_headers.get("User-Agent", "").startswith("apidocs-housekeeping")
        if housekeeping and self.preflight_ok:
            return 200, json_type, json.dumps({"hits": {"hits": [{"id": "abcde-12345"}], "total": 1}}).encode()
        if self.fault == "bad-token" and "Authorization" not in request_headers:
            return 200, json_type, json.dumps({"hits": {"hits": [], "total": 0}}).encode()
        self.hits += 1
        if self.fault == "500":
            return 500, json_type, json.dumps({"status": 500, "message": "Internal server error."}).encode()
        if self.fault == "429":
            return 429, {**json_type, "Retry-After": self.retry_after}, b'{"message": "Too many requests."}'
        if self.fault == "html":
            return 200, {"Content-Type": "text/html"}, b"<!DOCTYPE html><html><body>Maintenance</body></html>"
        if self.fault == "403":
            return 403, json_type, b'{"status": 403, "message": "Permission denied."}'
        if self.fault == "bad-token":
            return 401, json_type, json.dumps({"status": 401, "message": UNAUTHORIZED}).encode()
        if self.fault == "drop":
            return None
        if self.fault == "hang":
            self.closed.wait()
            return None
        raise AssertionError(self.fault)


@pytest.fixture
def faulty_server():
    server = FaultyServer()
    yield server
    server.close()


#: What the housekeeping requests of a live run (preflight, the fixture check) get from a
#: healthy InvenioRDM that holds every fixture: a search result with one hit.
HEALTHY_SEARCH = (200, {"Content-Type": "application/json"},
                  json.dumps({"hits": {"hits": [{"id": "abcde-12345"}], "total": 1}}).encode())


def request_key(method: str, path: str) -> tuple[str, str, tuple[tuple[str, str], ...]]:
    """A request as a recording matches it: method, path and query, however each was encoded."""
    parts = urlsplit(path)
    return method.upper(), unquote(parts.path), tuple(sorted(parse_qsl(parts.query, keep_blank_values=True)))


class RecordedInstance(LoopbackServer):
    """An InvenioRDM that answers as the cassettes recorded it, offline: each request gets the
    recorded answer to the same method, path and query, and housekeeping requests the answer
    of a healthy instance with every fixture. ``edits``: recorded path → a change made to that
    JSON answer on its way out, as an upgraded instance would answer (drift)."""

    def __init__(self, cassettes: Iterable[Path], edits: dict[str, Callable[[Any], None]] | None = None) -> None:
        from apidocs.runner.cassettes import load_interactions

        self.answers = {}
        for cassette in cassettes:
            for recorded in load_interactions(cassette):
                self.answers.setdefault(request_key(recorded.method, recorded.path), recorded)
        self.edits = edits or {}
        super().__init__(lambda method, path, headers, body: self.answer(method, path, headers))

    def answer(self, method: str, path: str, headers: dict[str, str]) -> tuple[int, dict, bytes]:
        if headers.get("User-Agent", "").startswith("apidocs-housekeeping"):
            return HEALTHY_SEARCH
        recorded = self.answers.get(request_key(method, path))
        if recorded is None:
            return 404, {"Content-Type": "application/json"}, b'{"status": 404, "message": "not recorded"}'
        body = recorded.body
        if recorded.path in self.edits:
            document = json.loads(body)
            self.edits[recorded.path](document)
            body = json.dumps(document).encode()
        return recorded.status, recorded.headers, body


# ------------------------------------------------------------------ the committed cassettes
@pytest.fixture(scope="session")
def committed_cassettes() -> Path:
    """The committed cassettes (``make record``); every case must have one."""
    from apidocs.entry.loader import load_cases

    missing = [c.name for c in load_cases() if not (CASSETTES / f"{c.name}.yaml").is_file()]
    assert not missing, f"no committed cassette for {', '.join(missing)}: run `make record`"
    return CASSETTES


def replay(names: list[str] | None = None, cases_dir: Path | None = None, **settings) -> list:
    """Every StepResult of the cases (all, or ``names``) replayed by the engine from the committed cassettes."""
    from apidocs.core.settings import Mode, Settings
    from apidocs.entry.loader import load_cases
    from apidocs.runner.engine import run_case

    options = {"mode": Mode.REPLAY, "cassettes": CASSETTES, **settings}
    return [result for case in load_cases(names, cases_dir) for result in run_case(case, Settings(**options))]


@pytest.fixture(scope="session")
def replayed(committed_cassettes) -> list:
    """A verified run of every case: the committed cassettes replayed (must pass)."""
    results = replay()
    assert all(r.ok for r in results), [m for r in results for m in r.messages()]
    return results


# ------------------------------------------------------------------ copies of the cases
@pytest.fixture
def cases_copy(tmp_path: Path) -> Path:
    target = tmp_path / "cases"
    shutil.copytree(ROOT / "cases", target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    """A copy of the docs project (its cases, pages and cassettes) to change and run in (``--project``)."""
    target = tmp_path / "project"
    for folder in ("cases", "page", "cassettes"):
        shutil.copytree(ROOT / folder, target / folder, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def mutate_snippet(cases: Path, case: str, step: str, pattern: str, replacement: str) -> None:
    """:func:`mutate` the step's snippet in every language it has (once in each file)."""
    files = sorted((cases / "snippets" / case).glob(f"{step}.*"))
    assert files, f"no snippet files for {case}/{step}"
    for path in files:
        mutate(path, pattern, replacement)


def mutate(path: Path, pattern: str, replacement: str, count: int = 1) -> None:
    """Replace ``pattern`` (a regex) exactly ``count`` times; fail if the case text moved on."""
    text = path.read_text()
    new, done = re.subn(pattern, replacement, text, count=count, flags=re.S)
    assert done == count, f"{pattern!r} not found in {path.name}: update this test with the case"
    path.write_text(new)


# ------------------------------------------------------------------ the reference instance
@pytest.fixture(scope="session")
def instance_env() -> dict[str, str]:
    """.instance/env of the running reference instance (live tests fail, not skip, without it)."""
    from apidocs.core.settings import read_env_file

    env = read_env_file(Path(os.environ.get("DOCS_INSTANCE_ENV") or ROOT / ".instance" / "env"))
    assert env.get("DOCS_API_URL"), "the reference instance is not set up: run `make instance`"
    try:
        with urllib.request.urlopen(f"{env['DOCS_API_URL']}/records?size=1", timeout=10) as response:
            assert response.status == 200
    except OSError as exc:
        pytest.fail(f"the reference instance at {env['DOCS_API_URL']} does not answer ({exc}): run `make instance`")
    return env


# ------------------------------------------------------------------ the theme package's page
def theme_page(folder: Path) -> Path | None:
    """invenio-theme-tuw's about_api.html: $APIDOCS_THEME_PAGE, the installed package, or
    the version the seed came from (``pip download``) into ``folder``; None if none works."""
    if os.environ.get("APIDOCS_THEME_PAGE"):
        return Path(os.environ["APIDOCS_THEME_PAGE"])
    spec = importlib.util.find_spec("invenio_theme_tuw")
    if spec and spec.origin:
        found = list(Path(spec.origin).parent.rglob("about_api.html"))
        if found:
            return found[0]
    return downloaded_theme_file("2025.1.13", "about_api.html", folder)


def installed_theme_file(relative: str, folder: Path) -> Path | None:
    """A file of invenio-theme-tuw as the reference instance installs it (e.g. ``about/damap.html``):
    from ``.instance/venv``, else the version instance/requirements.txt pins (``pip download``)
    into ``folder``; None if neither works."""
    for package in sorted((ROOT / ".instance" / "venv" / "lib").glob("python*/site-packages/invenio_theme_tuw")):
        found = sorted(package.rglob(relative))
        if found:
            return found[0]
    pin = re.search(r"^invenio-theme-tuw(?:\[[^\]]*\])?==(\S+)", (ROOT / "instance" / "requirements.txt").read_text(),
                    re.M | re.I)  # pip writes the name as the package spells it: Invenio-Theme-TUW
    return downloaded_theme_file(pin[1], relative, folder) if pin else None


def downloaded_theme_file(version: str, relative: str, folder: Path) -> Path | None:
    """``relative`` out of invenio-theme-tuw ``version``'s wheel, extracted into ``folder``."""
    wheel = theme_wheel(version)
    if wheel is None:
        return None
    with zipfile.ZipFile(wheel) as archive:
        name = next((n for n in archive.namelist() if n.endswith("invenio_theme_tuw/" + relative)), None)
        if name is None:
            return None
        archive.extract(name, folder)
    return folder / name


def theme_wheel(version: str) -> Path | None:
    """invenio-theme-tuw ``version``'s wheel (``pip download``), once a session for all its
    workers: downloaded apart, then renamed into the shared folder (a worker that comes second
    downloads again, but never reads half a file); None if pip cannot get it."""
    shared = SHARED / "downloads" / version
    found = sorted(shared.glob("invenio_theme_tuw-*.whl"))
    if found:
        return found[0]
    with tempfile.TemporaryDirectory(dir=SHARED) as download:
        done = subprocess.run([sys.executable, "-m", "pip", "download", f"invenio-theme-tuw=={version}", "--no-deps",
                               "--only-binary=:all:", "--python-version", "3.12", "-q", "-d", download],
                              capture_output=True, text=True, timeout=300)
        wheels = sorted(Path(download).glob("invenio_theme_tuw-*.whl"))
        if done.returncode or not wheels:
            return None
        shared.mkdir(parents=True, exist_ok=True)
        os.replace(wheels[0], shared / wheels[0].name)
    return shared / wheels[0].name
