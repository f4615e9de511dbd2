"""One pass: ``apidocs verify --check-pages`` (``make verify``) runs every case once and checks
every page from the same results; ``render`` reuses a page's blocks only while every input is
byte for byte the same (``render/cache.py``). Nothing here measures time (``make bench`` does)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import CASSETTES, ROOT, mutate, run_cli

from apidocs.entry.loader import load_cases
from apidocs.render import cache, markers, template

#: A change of the page's text that still passes: the cURL snippet of case 1 fails on HTTP errors.
CURL_SNIPPET, CURL_FAIL = "snippets/case1_metadata/get.sh", (r'^curl "', 'curl --fail "')
CHANGED_CURL = '+curl --fail "{{ config.SITE_API_URL }}/records/abcde-12345"'
#: The render cache's tests check the smaller page (2 cases, where the api page has 6): the
#: cache works per page alike, and each of these tests replays at least once.
CACHED, CACHED_BLOCK = "damap", "damap1_fetch_dmps/list/python"
CACHED_CASE, CACHED_CURL = "damap1_fetch_dmps.py", "snippets/damap1_fetch_dmps/list.sh"
CACHED_CHANGE = (r'^curl "', 'curl --silent "')
CHANGED_CACHED_CURL = '+curl --silent "{{ config.SITE_API_URL }}/invenio_damap/damap/dmp" \\'


@pytest.fixture
def inputs(tmp_path: Path, cases_copy: Path) -> dict[str, Path]:
    """A copy of the cases and of the cassettes to change, and an empty cache folder."""
    shutil.copytree(CASSETTES, tmp_path / "cassettes")
    return {"cases": cases_copy, "cassettes": tmp_path / "cassettes", "cache": tmp_path / "cache"}


def apidocs(inputs: dict[str, Path], *args: str) -> subprocess.CompletedProcess:
    """``apidocs ARGS`` on the copies, with the test's own cache folder."""
    return run_cli(*args, "--cases-dir", str(inputs["cases"]), "--cassettes", str(inputs["cassettes"]),
                   env={"DOCS_CACHE": str(inputs["cache"])})


def check(inputs: dict[str, Path], *args: str, page: str = CACHED) -> subprocess.CompletedProcess:
    return apidocs(inputs, "render", "--check", "--page", page, *args)


def blocks_line(page: str, stdout: str) -> bool:
    """The page is said to be up to date, with as many blocks as its template has markers."""
    count = len(markers.find(template(page).read_text(encoding="utf-8")))
    return f"page/{template(page).name} is up to date ({count} blocks)" in stdout.splitlines()


def poison(inputs: dict[str, Path], block: str = CACHED_BLOCK) -> str:
    """Change one block of the page's cache entry, keeping its key; return the text put in."""
    entry = inputs["cache"] / f"{CACHED}.json"
    data = json.loads(entry.read_text(encoding="utf-8"))
    data["blocks"][block] = "\nprint('from the cache')\n"
    entry.write_text(json.dumps(data), encoding="utf-8")
    return "+print('from the cache')"


# ------------------------------------------------------------------ one pass
def test_one_pass_checks_every_page_from_the_run(inputs):
    done = apidocs(inputs, "verify", "--check-pages")
    assert done.returncode == 0, done.stdout + done.stderr
    assert blocks_line("api", done.stdout) and blocks_line("damap", done.stdout), done.stdout
    # the blocks it rendered are kept for render, under the key of the inputs it ran on
    for page in ("api", "damap"):
        entry = json.loads((inputs["cache"] / f"{page}.json").read_text(encoding="utf-8"))
        assert entry["key"] == cache.key(page, inputs["cases"], inputs["cassettes"])


def test_one_pass_finds_a_stale_page(inputs):
    mutate(inputs["cases"] / CURL_SNIPPET, *CURL_FAIL)
    done = apidocs(inputs, "verify", "--check-pages")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "0 failed, 0 drifted, 0 skipped" in done.stdout  # every step passed: the page is what is wrong
    assert CHANGED_CURL in done.stdout
    assert "page/api.html differs from what the verified cases produce in 1 block(s)" \
           " (case1_metadata/get/curl)" in done.stderr
    assert blocks_line("damap", done.stdout), done.stdout


def test_one_pass_fails_a_failing_step_and_does_not_check_its_page(inputs):
    mutate(inputs["cases"] / "snippets/case1_metadata/get.py", r'/records/abcde-12345"',
           '/records/abcde-12345/versions"')
    done = apidocs(inputs, "verify", "--check-pages")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "FAIL case1_metadata › get" in done.stdout
    assert "page/api.html not checked: case1_metadata did not pass" in done.stdout
    assert blocks_line("damap", done.stdout), done.stdout


def test_a_subset_checks_only_the_pages_whose_cases_all_ran(inputs):
    mutate(inputs["cases"] / CURL_SNIPPET, *CURL_FAIL)  # the api page is stale...
    damap = [case.name for case in load_cases(page="damap")]
    done = apidocs(inputs, "verify", "--check-pages", *damap, "case2_search")
    assert done.returncode == 0, done.stdout + done.stderr  # ... but not all its cases ran: not checked
    api = len(load_cases(page="api"))
    assert f"page/api.html not checked: {api - 1} of its {api} cases did not run" in done.stdout
    assert blocks_line("damap", done.stdout), done.stdout


def test_make_verify_replays_each_case_once():
    """The main job runs one replay (verify, which checks the pages), not a second one for render."""
    done = subprocess.run(["make", "-n", "verify"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    runs = [line.split("apidocs ", 1)[1] for line in done.stdout.splitlines() if "/apidocs " in line]
    replays = [command for command in runs if command.split()[0] in ("verify", "render")]
    assert replays == ["verify --check-pages"], done.stdout


# ------------------------------------------------------------------ the render cache
def test_render_reuses_blocks_only_while_the_inputs_are_identical(inputs):
    assert check(inputs).returncode == 0  # cold: replayed, and kept
    marker = poison(inputs)
    done = check(inputs)  # identical inputs: the (poisoned) entry is what the page is checked against
    assert done.returncode == 1 and marker in done.stdout, done.stdout + done.stderr
    assert check(inputs, "--no-cache").returncode == 0  # the replay does not read it

    # a case script changed by one byte (a comment): replayed, the page is up to date again
    script = inputs["cases"] / CACHED_CASE
    script.write_text(script.read_text(encoding="utf-8") + "#\n", encoding="utf-8")
    done = check(inputs)
    assert done.returncode == 0, done.stdout + done.stderr

    # a snippet changed: the stale page is found with a warm cache
    mutate(inputs["cases"] / CACHED_CURL, *CACHED_CHANGE)
    done = check(inputs)
    assert done.returncode == 1 and CHANGED_CACHED_CURL in done.stdout, done.stdout + done.stderr


def test_a_changed_cassette_is_replayed(inputs):
    """One byte of a cassette (the day it was recorded) is a new key: the poisoned entry is not read."""
    assert check(inputs).returncode == 0
    marker = poison(inputs)
    cassette = inputs["cassettes"] / CACHED_CASE.replace(".py", ".yaml")
    mutate(cassette, r"\n    date: '\d{4}-\d{2}-\d{2}'\n", "\n    date: '1999-01-01'\n")
    done = check(inputs)
    assert done.returncode == 0 and marker not in done.stdout, done.stdout + done.stderr


@pytest.mark.parametrize("entry", [b"\xff\xfe not text", b"{not json", b'["a list"]', b'{"key": 1}', None])
def test_a_corrupt_or_unreadable_cache_is_ignored(inputs, entry):
    inputs["cache"].mkdir()
    path = inputs["cache"] / f"{CACHED}.json"
    if entry is None:
        path.mkdir()  # a folder where the entry should be: cannot be read, nor replaced
    else:
        path.write_bytes(entry)
    done = check(inputs)
    assert done.returncode == 0 and "Traceback" not in done.stdout + done.stderr, done.stdout + done.stderr
    assert f"page/{template(CACHED).name} is up to date" in done.stdout
    assert done.stderr == ""
    if entry is not None:  # replaced by a good entry
        assert (json.loads(path.read_text(encoding="utf-8"))["key"]
                == cache.key(CACHED, inputs["cases"], inputs["cassettes"]))


def test_a_cache_that_cannot_be_written_is_no_error(inputs):
    inputs["cache"].write_text("a file, not a folder")
    done = check(inputs)
    assert done.returncode == 0 and done.stderr == "", done.stdout + done.stderr


def test_the_key_is_the_bytes_of_every_input_never_a_time(inputs, tmp_path, monkeypatch):
    tool = tmp_path / "tool"
    shutil.copytree(ROOT / "render", tool, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(cache, "SOURCE", (tool,))

    def key() -> str:
        cache.tool_version.cache_clear()
        return cache.key("api", inputs["cases"], inputs["cassettes"])

    first = key()
    assert cache.key("damap", inputs["cases"], inputs["cassettes"]) != first
    for path in [*inputs["cases"].rglob("*"), *inputs["cassettes"].rglob("*"), *tool.rglob("*")]:
        os.utime(path, (1, 1))  # every file older (or newer): not a change
    assert key() == first
    (inputs["cases"] / "__pycache__").mkdir(exist_ok=True)
    (inputs["cases"] / "__pycache__" / "x.pyc").write_bytes(b"written by Python")
    assert key() == first

    changes = [inputs["cases"] / "snippets/case1_metadata/get.sh", inputs["cassettes"] / "case1_metadata.yaml",
               tool / "page.py"]
    seen = {first}
    for path in changes:
        data = path.read_bytes()
        path.write_bytes(data[:-1] + bytes([data[-1] ^ 1]))  # one byte
        seen.add(key())
        path.write_bytes(data)
        assert key() == first
    assert len(seen) == 1 + len(changes)


@pytest.fixture(autouse=True)
def _fresh_tool_version():
    """:func:`cache.tool_version` is computed once a process: not across tests."""
    cache.tool_version.cache_clear()
    yield
    cache.tool_version.cache_clear()


def test_a_check_from_the_cache_imports_nothing_of_the_replay(inputs):
    assert check(inputs).returncode == 0
    probe = ("import sys; from apidocs.entry.cli import main; code = main(sys.argv[1:]);"
             " heavy = sorted({m.split('.')[0] for m in sys.modules}"
             " & {'vcr', 'yaml', 'requests', 'urllib3', 'runner'});"
             " print('imported:', heavy); sys.exit(code)")
    done = subprocess.run([sys.executable, "-c", probe, "render", "--check", "--page", CACHED,
                           "--cases-dir", str(inputs["cases"]), "--cassettes", str(inputs["cassettes"])],
                          cwd=ROOT, env={"PATH": os.environ["PATH"], "DOCS_INSTANCE_ENV": "/nonexistent",
                                         "DOCS_CACHE": str(inputs["cache"])},
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "imported: []" in done.stdout
