"""Outputs are written safely, through the real CLI: a symlinked page is updated through
its link, a FIFO or a folder is left as it was, a place that cannot be written is one line
with exit 2 before the run, and a page keeps its line endings."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

import pytest
from conftest import assert_one_line, run_cli

from apidocs.core.files import file_problem
from apidocs.render import markers, template

LIVE = {"DOCS_API_TOKEN": "depositor-token-123", "DOCS_CURATOR_TOKEN": "curator-token-456", "DOCS_DISPOSABLE": "1"}
STALE_BLOCK = "case1_metadata/get/python"  # a multi-line block

TEMPLATE = template("api")


def stale_page(newline: str = "\n") -> str:
    """Our page with one block's text out of date, as a theme checkout would have it."""
    text = TEMPLATE.read_text(encoding="utf-8")
    block = markers.find(text)[STALE_BLOCK]
    assert "\n" in text[block.start:block.end].strip()
    text = text[:block.start] + "\ncurl https://example.org/outdated\nsecond line\n" + text[block.end:]
    return text.replace("\n", newline)


@pytest.fixture
def read_only_folder(tmp_path):
    """A folder holding a stale page that cannot be written: a read-only tmpfs when we are root
    (root ignores permission bits), a folder without write permission otherwise."""
    folder = tmp_path / "ro"
    folder.mkdir()
    if os.geteuid() != 0:
        (folder / "about_api.html").write_text(stale_page())
        folder.chmod(0o555)
        yield folder
        folder.chmod(0o755)
        return
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(folder)], capture_output=True).returncode:
        pytest.skip("cannot mount a tmpfs here to make a read-only file system")
    try:
        (folder / "about_api.html").write_text(stale_page())
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)


# ------------------------------------------------------------------ the page (render --into)
def test_symlinked_page_is_updated_through_the_link(tmp_path):
    real = tmp_path / "theme" / "about_api.html"
    real.parent.mkdir()
    real.write_text(stale_page(), encoding="utf-8")
    link = tmp_path / "checkout" / "about_api.html"
    link.parent.mkdir()
    link.symlink_to(real)
    done = run_cli("render", "--into", str(link))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "updated" in done.stdout
    assert link.is_symlink() and link.resolve() == real  # still the link, to the same file
    assert real.read_text(encoding="utf-8") == TEMPLATE.read_text(encoding="utf-8")
    assert run_cli("render", "--into", str(link), "--check").returncode == 0


def test_page_keeps_its_crlf_line_endings(tmp_path):
    page = tmp_path / "about_api.html"
    page.write_bytes(stale_page("\r\n").encode("utf-8"))
    done = run_cli("render", "--into", str(page))
    assert done.returncode == 0, done.stdout + done.stderr
    updated = page.read_bytes()
    assert b"outdated" not in updated
    assert updated == TEMPLATE.read_bytes().replace(b"\n", b"\r\n")  # every line, inside blocks too
    assert run_cli("render", "--into", str(page), "--check").returncode == 0


def test_page_on_a_read_only_file_system(read_only_folder):
    page = read_only_folder / "about_api.html"
    before = page.read_bytes()
    done = run_cli("render", "--into", str(page))
    assert_one_line(done, f"cannot write the page {page}", "nothing was changed")
    assert "read-only file system" in done.stderr or "not writable" in done.stderr
    assert page.read_bytes() == before


def test_record_into_a_cassette_folder_that_cannot_be_written(read_only_folder, faulty_server):
    """Found out before the run: no request reaches the server."""
    done = run_cli("record", "case1_metadata", "--cassettes", str(read_only_folder / "cassettes"),
                   env={**LIVE, "DOCS_API_URL": faulty_server.url})
    assert_one_line(done, "cannot write the recorded cassettes into")
    assert faulty_server.hits == 0


# ------------------------------------------------------------------ the notebook (render --notebook)
def test_notebook_onto_a_fifo_leaves_it_a_fifo(tmp_path):
    fifo = tmp_path / "notebook.ipynb"
    os.mkfifo(fifo)
    done = run_cli("render", "--notebook", str(fifo))
    assert_one_line(done, f"cannot write the notebook {fifo}: it is a FIFO (named pipe), not a regular file")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["notebook.ipynb"]  # no temp file left


def test_notebook_onto_a_folder_leaves_it(tmp_path):
    folder = tmp_path / "notebook.ipynb"
    folder.mkdir()
    assert_one_line(run_cli("render", "--notebook", str(folder)), "it is a folder, not a regular file")
    assert folder.is_dir() and not any(folder.iterdir())


def test_notebook_under_a_file(tmp_path):
    (tmp_path / "file").write_text("keep me")
    done = run_cli("render", "--notebook", str(tmp_path / "file" / "out.ipynb"))
    assert_one_line(done, f"{tmp_path / 'file'} is a regular file, not a folder")
    assert (tmp_path / "file").read_text() == "keep me"


def test_device_is_not_a_place_for_a_file():
    """A device is refused like a FIFO (checked without writing: /dev/null is shared)."""
    assert file_problem(Path("/dev/null")) == "it is a character device, not a regular file"


# ------------------------------------------------------------------ reports (--report)
@pytest.mark.parametrize("where", ["existing-file", "under-a-file"])
def test_report_place_is_checked_before_the_run(tmp_path, where):
    (tmp_path / "existing-file").write_text("keep me")
    target = tmp_path / "existing-file" if where == "existing-file" else tmp_path / "existing-file" / "reports"
    done = run_cli("verify", "case1_metadata", "--report", str(target))
    assert_one_line(done, f"cannot write the reports into {target}")
    assert done.stdout == ""  # refused before the run, not after it
    assert (tmp_path / "existing-file").read_text() == "keep me"


def test_reports_written_through_a_symlinked_folder(tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    done = run_cli("verify", "case1_metadata", "--report", str(tmp_path / "link"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert sorted(p.name for p in (tmp_path / "real").iterdir()) == sorted(
        ["junit.xml", "report.md", "report.html", "summary.json"])
    assert (tmp_path / "link").is_symlink()
