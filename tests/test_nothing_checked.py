"""A run that checks nothing is not a pass: no cases, or a case without steps, is exit 2."""

from __future__ import annotations

from conftest import assert_one_line, run_cli


def test_empty_case_folder(tmp_path):
    done = run_cli("verify", "--cases-dir", str(tmp_path))
    assert_one_line(done, f"no case scripts (case<n>_*.py, damap<n>_*.py, vrc<n>_*.py) in {tmp_path}:"
                          " there is nothing to verify")


def test_missing_case_folder(tmp_path):
    assert_one_line(run_cli("verify", "--cases-dir", str(tmp_path / "nope")), f"{tmp_path / 'nope'} is missing")


def test_case_folder_that_is_a_file(tmp_path):
    (tmp_path / "cases").write_text("")
    assert_one_line(run_cli("verify", "--cases-dir", str(tmp_path / "cases")), "is not a folder")


def test_render_from_an_empty_case_folder(tmp_path):
    assert_one_line(run_cli("render", "--check", "--cases-dir", str(tmp_path)), "no case scripts")


def test_case_without_steps(tmp_path):
    (tmp_path / "case1_empty.py").write_text(
        'from apidocs.core.model import Case\nCASE = Case(name="case1_empty", title="t", story="s", steps=())\n')
    assert_one_line(run_cli("verify", "--cases-dir", str(tmp_path)), "case1_empty has no steps")
