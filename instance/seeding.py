"""The instance's data: the one-time set-up (setup_instance.py), the env file the tools
read, and the records the documented examples need (`apidocs provision`)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

from layout import (
    APIDOCS,
    APP_PORT,
    ENVFILE,
    HOST,
    IDIR,
    LOGS,
    OS_PORT,
    SEED,
    SRC,
    STATE,
    VENV,
    InstanceError,
    failure,
    invenio_env,
    say,
    write_atomic,
)
from process import http_get, open_log, run

#: whose versions the env file names (DOCS_INSTANCE_VERSION; recordings cite it)
PACKAGES = ["invenio-app-rdm", "invenio-config-tuw", "invenio-curations", "invenio-theme-tuw"]


def set_up() -> None:
    """Tables, indices, vocabularies, roles, users, tokens, in one process (one app);
    its progress lines are shown live and logged. STATE exists only once it worked."""
    log = LOGS / "setup.log"
    with open_log(log, "set-up") as fh:
        proc = subprocess.Popen([str(VENV / "bin/python"), "-u", str(SRC / "setup_instance.py"),
                                 "--state", str(STATE)], env=invenio_env(), cwd=IDIR, stdout=subprocess.PIPE, stderr=fh)
        assert proc.stdout is not None
        for line in proc.stdout:
            sys.stdout.write(f"         {line.decode(errors='replace')}")
            fh.write(line)
            fh.flush()
        rc = proc.wait()
    if rc or not STATE.exists():
        raise failure("set-up failed", log)


def versions() -> dict[str, str]:
    """What runs, as package==version: the venv's packages and the OpenSearch node's."""
    code = f"import importlib.metadata as m, json; print(json.dumps({{p: m.version(p) for p in {PACKAGES!r}}}))"
    r = run([VENV / "bin/python", "-c", code], capture_output=True, text=True, check=False)
    found: dict[str, str] = json.loads(r.stdout) if r.returncode == 0 else {}
    _, body = http_get(f"http://{HOST}:{OS_PORT}/", timeout=3)
    try:
        found["opensearch"] = json.loads(body)["version"]["number"]
    except (ValueError, KeyError, TypeError):
        pass
    return found


def write_env() -> None:
    """.instance/env: the DOCS_* settings the tools and the live tests read (the tokens set-up made)."""
    tokens = json.loads(STATE.read_text())["tokens"]
    lines = {
        "DOCS_API_URL": f"http://{HOST}:{APP_PORT}/api",
        "DOCS_API_TOKEN": tokens["depositor"],
        "DOCS_CURATOR_TOKEN": tokens["curator"],
        "DOCS_ADMIN_TOKEN": tokens["admin"],
        "DOCS_UNTRUSTED_TOKEN": tokens["untrusted"],
        "OPENSEARCH_URL": f"http://{HOST}:{OS_PORT}",
        "DOCS_DISPOSABLE": "1",
        "DOCS_INSTANCE_VERSION": ",".join(f"{k}=={v}" for k, v in versions().items()),
    }
    write_atomic(ENVFILE, "# Written by instance/instance.py up -- local reference instance on 127.0.0.1. "
                          "Do not commit.\n" + "".join(f"{k}={v}\n" for k, v in lines.items()))


def seed() -> None:
    """The records the documented examples need, made by `apidocs provision` through the
    REST API as on any instance (finds what exists, creates what is missing)."""
    if SEED == "none":
        say("seed: none (INSTANCE_SEED=none): run `apidocs provision` to create the fixtures")
        return
    if not APIDOCS.exists():
        raise InstanceError(f"seed: {APIDOCS} not found: run `make instance` (it installs the tool),"
                            " or set INSTANCE_SEED=none")
    started = time.monotonic()
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCS_")}  # never a shell's staging URL
    env["DOCS_INSTANCE_ENV"] = str(ENVFILE)
    if run([APIDOCS, "provision"], check=False, env=env).returncode:
        raise InstanceError("seed: `apidocs provision` failed (see above)")
    say(f"seed: ok ({time.monotonic() - started:.1f}s)")
