"""A bad setting is refused at start: one line naming the variable and its value, exit 2,
and no request sent (the faulty server counts what reaches it)."""

from __future__ import annotations

import pytest
from conftest import assert_one_line, run_cli

LIVE = {"DOCS_API_TOKEN": "depositor-token-123", "DOCS_CURATOR_TOKEN": "curator-token-456", "DOCS_DISPOSABLE": "1"}


@pytest.mark.parametrize(("variable", "value", "reason"), [
    ("DOCS_API_URL", "127.0.0.1:5000/api", "no scheme: write http://127.0.0.1:5000/api"),
    ("DOCS_API_URL", "ftp://127.0.0.1/api", "the scheme ftp:// is not supported"),
    ("DOCS_API_URL", "http://127.0.0.1:99999/api", "port must be a number from 1 to 65535"),
    ("DOCS_API_URL", "http://127.0.0.1:0/api", "port must be a number from 1 to 65535"),
    ("DOCS_API_URL", "http:///api", "no host name"),
    ("DOCS_API_URL", "http://127.0.0.1:5000/api?size=1", "no query"),
    ("DOCS_API_URL", "http://exa mple.org/api", "cannot contain spaces"),
    ("DOCS_API_URL", "http://[::1:5000/api", "not a valid URL: Invalid IPv6 URL"),
    ("DOCS_TIMEOUT", "0", "must be more than 0 seconds"),
    ("DOCS_TIMEOUT", "-1", "must be more than 0 seconds"),
    ("DOCS_TIMEOUT", "nan", "must be a finite number"),
    ("DOCS_TIMEOUT", "inf", "must be a finite number"),
    ("DOCS_TIMEOUT", "1e300", "at most 86400 seconds"),
    ("DOCS_TIMEOUT", "soon", "not a number of seconds"),
    ("DOCS_RETRY_AFTER_MAX", "-1", "must be 0 or more seconds"),
    ("DOCS_RETRY_AFTER_MAX", "nan", "must be a finite number"),
    ("DOCS_RETRIES", "-1", "must be from 0 to 10"),
    ("DOCS_RETRIES", "2.5", "not a whole number"),
    ("DOCS_DISPOSABLE", "maybe", "not a yes/no value"),
])
def test_bad_value_is_refused_before_any_request(faulty_server, variable, value, reason):
    done = run_cli("live", "case1_metadata", env={**LIVE, "DOCS_API_URL": faulty_server.url, variable: value})
    assert_one_line(done, f"{variable}={value!r} (environment)", reason)
    assert done.stdout == "" and faulty_server.hits == 0  # refused before the run began


def test_bad_value_in_the_env_file_names_the_file(tmp_path):
    env_file = tmp_path / "env"
    env_file.write_text("DOCS_TIMEOUT=0\n")
    done = run_cli("verify", "case1_metadata", env={"DOCS_INSTANCE_ENV": str(env_file)})
    assert_one_line(done, f"DOCS_TIMEOUT='0' ({env_file})", "must be more than 0 seconds")


def test_bad_setting_stops_an_offline_run_too():
    """Checked when read, whatever the mode: a typo is not left to bite the first live run."""
    assert_one_line(run_cli("verify", env={"DOCS_TIMEOUT": "inf"}), "DOCS_TIMEOUT='inf'")


def test_env_file_that_cannot_be_read(tmp_path):
    assert_one_line(run_cli("verify", env={"DOCS_INSTANCE_ENV": str(tmp_path)}),
                   f"DOCS_INSTANCE_ENV={str(tmp_path)!r}: cannot read it: Is a directory")


def test_empty_value_in_the_environment_overrides_the_env_file(tmp_path, faulty_server):
    """`DOCS_DISPOSABLE= apidocs live` must not write because .instance/env says 1."""
    env_file = tmp_path / "env"
    env_file.write_text(f"DOCS_API_URL={faulty_server.url}\nDOCS_DISPOSABLE=1\n"
                        "DOCS_API_TOKEN=depositor-token-123\nDOCS_CURATOR_TOKEN=curator-token-456\n")
    done = run_cli("live", "case3_upload", env={"DOCS_INSTANCE_ENV": str(env_file), "DOCS_DISPOSABLE": ""})
    assert_one_line(done, "this run creates drafts", "is not marked disposable")
    assert faulty_server.hits == 0


def test_empty_value_in_the_environment_means_the_default(tmp_path):
    env_file = tmp_path / "env"
    env_file.write_text("DOCS_TIMEOUT=0\n")  # would be refused, were it read
    done = run_cli("verify", "case1_metadata", env={"DOCS_INSTANCE_ENV": str(env_file), "DOCS_TIMEOUT": ""})
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("command", [["list"], ["render", "--check"]])
def test_a_project_that_is_not_one_names_the_flag_when_the_flag_gave_it(command):
    done = run_cli(*command, "--project", "cases")
    assert_one_line(done, "--project 'cases': not a docs project (it needs cases/ and page/)")
    assert "DOCS_PROJECT" not in done.stderr


def test_a_project_that_is_not_one_names_the_variable_when_the_variable_gave_it():
    done = run_cli("list", env={"DOCS_PROJECT": "cases"})
    assert_one_line(done, "DOCS_PROJECT='cases': not a docs project (it needs cases/ and page/)")
