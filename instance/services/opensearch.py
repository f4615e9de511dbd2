"""OpenSearch 2.19, an embedded node (instance/opensearch/): opensearch.sh builds it (Maven,
first time only), starts the JVM under its pid file and stops it; this module drives the script.

The script's `start` waits until HTTP answers, so it runs in the background while the other
services start; its own output goes to logs/opensearch-script.log.
"""

from __future__ import annotations

import json
import os
import subprocess

from layout import HOST, IDIR, LOGS, OS_PORT, REPO, RUN, SRC, InstanceError, say, tail
from process import PidFile, Stopped, Waited, http_get, launch, run

from . import Service

SCRIPT = SRC / "opensearch" / "opensearch.sh"
SCRIPT_LOG = LOGS / "opensearch-script.log"


def script_env() -> dict[str, str]:
    return dict(os.environ, INSTANCE_DIR=str(IDIR), OPENSEARCH_PORT=str(OS_PORT))


def require_script() -> None:
    if not SCRIPT.exists():
        raise InstanceError(f"{SCRIPT.relative_to(REPO)} is missing (the embedded OpenSearch is built there)")


class OpenSearch(Service):
    name, title, where, port = "opensearch", "OpenSearch", f":{OS_PORT}", OS_PORT
    pidfile = PidFile(RUN / "opensearch.pid", "EmbeddedOpenSearch")
    #: the first start builds with Maven (minutes); opensearch.sh bounds the JVM's own start
    timeout = 900

    def __init__(self) -> None:
        super().__init__()
        self.launcher: subprocess.Popen[bytes] | None = None

    def pid(self) -> int | None:
        return self.pidfile.pid()

    def ready(self) -> bool:
        """Our node (its pid file) runs and its indices can be searched: the cluster is no
        longer red. Its HTTP port answers some seconds earlier, while a search still fails
        with 503, and the app's readiness probe would leave a traceback in its log."""
        if not self.pid():
            return False
        status, body = http_get(f"http://{HOST}:{OS_PORT}/_cluster/health", timeout=2)
        try:
            return status == 200 and json.loads(body)["status"] in ("yellow", "green")
        except (ValueError, KeyError, TypeError):
            return False

    def launch(self) -> None:
        require_script()
        self.launcher = launch(["bash", SCRIPT, "start"], SCRIPT_LOG, "opensearch.sh start", script_env())

    def living(self) -> bool:
        """The script still builds or waits, or it succeeded and the JVM it left runs."""
        if self.launcher is None:
            return self.pid() is not None
        rc = self.launcher.poll()
        return rc is None or (rc == 0 and self.pid() is not None)

    def failure(self, waited: Waited) -> InstanceError:
        """The script says why it gave up; the node's own log says why it would not start."""
        if self.launcher is not None and self.launcher.returncode:
            return InstanceError(
                f"OpenSearch did not start (opensearch.sh exit {self.launcher.returncode}):\n"
                f"{tail(SCRIPT_LOG, 25)}\n  last lines of {self.log}:\n{tail(self.log, 25)}")
        return super().failure(waited)

    def stop(self) -> Stopped:
        if not self.pid():
            return Stopped.NOT_RUNNING
        r = run(["bash", SCRIPT, "stop"], check=False, env=script_env(), capture_output=True, text=True)
        if r.returncode:
            say(f"opensearch.sh stop: {r.stderr.strip()}")
            return Stopped.FAILED
        return Stopped.STOPPED


SERVICE = OpenSearch()
