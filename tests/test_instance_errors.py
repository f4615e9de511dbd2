"""`make instance` in bad states: a clear line and a non-zero exit, nothing left running.

Runs the real instance script against a fresh instance folder (reusing the reference
instance's venv, so no install happens), on free ports, with one port taken.
"""

from __future__ import annotations

import os
import socket
import subprocess

import pytest
from conftest import ROOT

pytestmark = pytest.mark.live


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def scratch_instance(tmp_path):
    venv = ROOT / ".instance" / "venv"
    assert (venv / "bin" / "gunicorn").exists(), "run `make instance` first (its venv is reused)"
    folder = tmp_path / "instance"
    folder.mkdir()
    (folder / "venv").symlink_to(venv)
    env = {**os.environ, "INSTANCE_DIR": str(folder), "INSTANCE_APP_PORT": str(free_port()),
           "INSTANCE_PG_PORT": str(free_port()), "INSTANCE_REDIS_PORT": str(free_port()),
           "OPENSEARCH_TRANSPORT_PORT": str(free_port())}
    yield folder, env
    subprocess.run(["bash", "instance/instance.sh", "stop"], cwd=ROOT, env=env, capture_output=True, timeout=120)


def test_port_taken_by_a_foreign_process(scratch_instance):
    folder, env = scratch_instance
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        port = squatter.getsockname()[1]
        done = subprocess.run(["bash", "instance/instance.sh", "up"], cwd=ROOT, capture_output=True, text=True,
                              env={**env, "OPENSEARCH_PORT": str(port)}, timeout=300)
    output = done.stdout + done.stderr
    assert done.returncode != 0, output
    assert f"port {port} (for OpenSearch) is already taken" in output
    assert "Traceback" not in output
    assert not list((folder / "run").glob("opensearch*.pid"))
