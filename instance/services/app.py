"""gunicorn serving InvenioRDM (UI and /api): what the tools and the pages talk to.

--preload builds the app once in the master (the workers fork from it); the control socket
is a file in run/, so two instances never share it.
"""

from __future__ import annotations

from layout import APP_PORT, HOST, LOGS, RUN, VENV
from process import http_get

from . import Spawned


class App(Spawned):
    name, title, where, port = "gunicorn", "InvenioRDM (gunicorn)", f":{APP_PORT}", APP_PORT
    marker = "gunicorn"
    timeout = 180

    def command(self) -> list[object]:
        return [VENV / "bin/gunicorn", "invenio_app.wsgi:application",
                "--bind", f"{HOST}:{APP_PORT}", "--workers", "2", "--timeout", "300",
                "--preload", "--access-logfile", LOGS / "gunicorn-access.log",
                "--capture-output", "--pid", RUN / "gunicorn.pid", "--control-socket", RUN / "gunicorn.ctl"]

    def ready(self) -> bool:
        """The REST API lists records: the app, its database and its search answer."""
        status, _ = http_get(f"http://{HOST}:{APP_PORT}/api/records?size=1", timeout=5)
        return status == 200


SERVICE = App()
