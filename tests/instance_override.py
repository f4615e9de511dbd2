"""A second gunicorn of the reference instance, with one configuration value changed.

The reference instance keeps running untouched on its port; this starts the *same*
application (same venv, ``invenio.cfg``, database, search cluster, Redis) on a free
port, with a configuration change applied to the Flask apps right after they are
created — the way an InvenioRDM upgrade or a new TU Wien setting would arrive on
staging. Changes are Python (some settings, like ``RDM_SEARCH``, hold objects that
``INVENIO_*`` environment variables cannot express).

    with OverriddenInstance(ROOT, env, "rename_sort_newest") as api_url:
        ...  # run the live tier against api_url
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import tempfile
import textwrap
import time
import urllib.request
from pathlib import Path

#: name → Python run on each Flask app (``app``) of the instance after it is created.
CHANGES = {
    # The sort option the page documents (sort=newest) is renamed: ?sort=newest → 400.
    "rename_sort_newest": """
        options = dict(app.config["RDM_SORT_OPTIONS"])
        options["latest"] = options.pop("newest")
        app.config["RDM_SORT_OPTIONS"] = options
        search = dict(app.config["RDM_SEARCH"])
        search["sort"] = ["latest" if name == "newest" else name for name in search["sort"]]
        app.config["RDM_SEARCH"] = search
    """,
    # invenio-accounts' REST views (/api/login, /api/logout, /api/me) turned off, as a
    # hardened instance may do: the setting is read while the app is built (SETTINGS).
    "no_accounts_rest_views": "pass",
}

#: name → environment the instance starts with, for settings read while the app is built
#: (``INVENIO_<NAME>``, parsed by invenio-config as a Python literal).
SETTINGS = {
    "no_accounts_rest_views": {"INVENIO_ACCOUNTS_REST_AUTH_VIEWS": "{}"},
}

WSGI = """\
from invenio_app.factory import create_app

application = create_app()


def _change(app):
{change}


_change(application)
for _mounted in getattr(application.wsgi_app, "mounts", {{}}).values():
    _change(_mounted)
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class OverriddenInstance:
    def __init__(self, root: Path, env: dict[str, str], change: str, timeout: float = 240) -> None:
        self.root = root
        self.env = env
        self.change = change
        self.timeout = timeout
        self.process: subprocess.Popen | None = None
        self.port = _free_port()
        self.tmp = tempfile.TemporaryDirectory(prefix="apidocs-override-")

    def __enter__(self) -> str:
        folder = Path(self.tmp.name)
        body = textwrap.indent(textwrap.dedent(CHANGES[self.change]).strip(), "    ")
        (folder / "override_wsgi.py").write_text(WSGI.format(change=body), encoding="utf-8")
        instance = self.root / ".instance"
        environment = {
            **os.environ,
            "INVENIO_INSTANCE_PATH": str(instance / "app"),
            "INSTANCE_DIR": str(instance),
            "INSTANCE_APP_PORT": str(self.port),  # SITE URL and TRUSTED_HOSTS follow the port
            "PYTHONPATH": str(folder),
            "PATH": f"{instance / 'venv' / 'bin'}:{os.environ.get('PATH', '')}",
            **SETTINGS.get(self.change, {}),
        }
        for key in ("INSTANCE_PG_PORT", "INSTANCE_REDIS_PORT", "OPENSEARCH_PORT"):
            if key in self.env:
                environment[key] = self.env[key]
        self.log = open(folder / "gunicorn.log", "w+")
        self.process = subprocess.Popen(
            [str(instance / "venv" / "bin" / "gunicorn"), "override_wsgi:application",
             "--bind", f"127.0.0.1:{self.port}", "--workers", "1", "--timeout", "300"],
            cwd=folder, env=environment, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        url = f"http://127.0.0.1:{self.port}/api"
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                with urllib.request.urlopen(f"{url}/records?size=1", timeout=5) as response:
                    if response.status == 200:
                        return url
            except OSError:
                time.sleep(1)
        self.__exit__(None, None, None)
        raise RuntimeError(f"the overridden instance did not start on :{self.port}")

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
        if getattr(self, "log", None):
            self.log.close()
        self.tmp.cleanup()
