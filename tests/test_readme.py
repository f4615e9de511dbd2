"""README's configuration is exactly what the code reads: every variable in its table is
read somewhere, every variable read is in the table, and every flag it names exists."""

from __future__ import annotations

import re
import subprocess
import sys

from conftest import APIDOCS, ROOT, run_cli

SOURCES = ("apidocs", "render", "cases", "bench")


def configuration_section() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return text[text.index("## Configuration"):].split("\n## ", 1)[0]


def table_rows() -> list[list[str]]:
    rows = [line.strip("|").split("|") for line in configuration_section().splitlines() if line.startswith("| `")]
    return [[cell.strip() for cell in row] for row in rows]


def read_by_code() -> set[str]:
    names = set()
    for folder in SOURCES:
        for path in (ROOT / folder).rglob("*.py"):
            names |= set(re.findall(r"[\"']((?:DOCS|BENCH)_[A-Z_]+)[\"']", path.read_text(encoding="utf-8")))
    return names


def help_texts() -> str:
    commands = [[str(APIDOCS), command, "-h"] for command in ("verify", "live", "record", "render")]
    commands.append([sys.executable, "-m", "pytest", "--help"])
    return "\n".join(subprocess.run(c, cwd=ROOT, capture_output=True, text=True, timeout=120).stdout for c in commands)


def test_every_variable_in_the_table_is_read_and_every_variable_read_is_in_it():
    documented = {row[0].strip("`") for row in table_rows()}
    assert documented == read_by_code()


def test_every_flag_in_the_configuration_exists():
    flags = set(re.findall(r"`(?:render )?(--[a-z][a-z-]*)", configuration_section()))
    assert {"--cassettes", "--apidocs-mode", "--report"} <= flags
    helps = help_texts()
    assert not [flag for flag in flags if flag not in helps]


def test_help_is_plain_text():
    """`apidocs --help` and `apidocs render --help` describe themselves with their modules'
    docstrings, whose RST literals (``apidocs``) a terminal would show as they are."""
    for args, starts in ((["--help"], "apidocs: verify"), (["render", "--help"], "apidocs render: the page's blocks")):
        done = run_cli(*args)
        assert done.returncode == 0, done.stderr
        assert "``" not in done.stdout, done.stdout
        assert f"\n\n{starts}" in done.stdout, done.stdout
