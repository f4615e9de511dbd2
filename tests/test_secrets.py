"""No token, cookie or session id lands in a cassette, a report or a rendered file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from conftest import ROOT

from apidocs.core.settings import read_env_file

SECRET_PATTERNS = [
    re.compile(r"Bearer (?!<TOKEN>)[A-Za-z0-9_.-]{12,}"),
    re.compile(r"eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}"),
    re.compile(r"access_token=[A-Za-z0-9]{8,}"),
    re.compile(r"(?im)^\s*-?\s*['\"]?(set-cookie|cookie|x-csrftoken)['\"]?\s*:"),
    re.compile(r"(?i)\bsession=[A-Za-z0-9.]{16,}"),
]


def landed_files() -> list[Path]:
    """Everything the tool writes that can be committed or published."""
    files = list((ROOT / "cassettes").glob("*.yaml"))
    files += list((ROOT / "page").glob("*.html"))
    files += list((ROOT / "reports").glob("*")) if (ROOT / "reports").is_dir() else []
    return [f for f in files if f.is_file()]


def real_tokens() -> list[str]:
    env = read_env_file(ROOT / ".instance" / "env")
    return [v for k, v in env.items() if k.endswith("TOKEN") and len(v) > 8]


def test_there_are_cassettes_to_scan():
    assert len(list((ROOT / "cassettes").glob("*.yaml"))) >= 6


@pytest.mark.parametrize("path", landed_files(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_secret_in(path: Path):
    text = path.read_text(encoding="utf-8", errors="replace")
    for pattern in SECRET_PATTERNS:
        assert not pattern.search(text), f"{pattern.pattern} in {path}"
    for token in real_tokens():
        assert token not in text


@pytest.mark.parametrize("path", sorted((ROOT / "cassettes").glob("*.yaml")), ids=lambda p: p.name)
def test_cassette_headers_keep_only_presence_of_auth(path: Path):
    data = yaml.safe_load(path.read_text())
    for interaction in data["interactions"]:
        headers = {k.lower(): v for k, v in interaction["request"]["headers"].items()}
        assert headers.get("authorization", ["Bearer <TOKEN>"]) == ["Bearer <TOKEN>"]
        assert "cookie" not in headers
        assert "set-cookie" not in {k.lower() for k in interaction["response"]["headers"]}
        assert "access_token" not in interaction["request"]["uri"]
