"""PostgreSQL: our own cluster in $INSTANCE_DIR/pgdata, owned by the "postgres" user.

pg_ctl starts and stops it (it refuses to run as root, so every binary runs through
runuser) and keeps the pid file (pgdata/postmaster.pid). The cluster is made on the first
start, tuned for a disposable instance (no fsync), with the role the app logs in as.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from layout import HOST, PG_PORT, PGDATA, InstanceError, failure
from process import PidFile, Stopped, run

from . import Service

#: appended to postgresql.conf: our port on loopback, no socket file, no durability (test data)
CONF = f"""
# reference instance
listen_addresses = '{HOST}'
port = {PG_PORT}
unix_socket_directories = ''
max_connections = 100
fsync = off
synchronous_commit = off
full_page_writes = off
"""


def pg_bin() -> Path | None:
    """The newest installed PostgreSQL's bin/ (Debian keeps each major version apart)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"),
                   key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0)
    return Path(found[-1]).parent if found else None


def pg_run(args: Sequence[object], **kw: Any) -> subprocess.CompletedProcess[Any]:
    """A PostgreSQL binary, as the "postgres" user when we are root."""
    binary = pg_bin()
    if binary is None:
        raise InstanceError("PostgreSQL is not installed (apt-get install postgresql)")
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    return run([*prefix, binary / str(args[0]), *args[1:]], **kw)


def psql(sql: str, db: str = "postgres") -> str:
    r = pg_run(["psql", "-h", HOST, "-p", str(PG_PORT), "-U", "postgres", "-d", db,
                "-v", "ON_ERROR_STOP=1", "-Atc", sql], check=False, capture_output=True, text=True)
    if r.returncode:
        raise InstanceError(f"psql failed on {sql!r}: {r.stderr.strip()}")
    return str(r.stdout).strip()


def recreate_database() -> None:
    """An empty `invenio` database (FORCE: an earlier, failed set-up may still hold connections)."""
    psql("DROP DATABASE IF EXISTS invenio WITH (FORCE)")
    psql("CREATE DATABASE invenio OWNER invenio")


def init_cluster() -> None:
    """A new cluster in PGDATA (what a half-made one left is wiped first)."""
    if PGDATA.exists():
        shutil.rmtree(PGDATA)
    PGDATA.mkdir(mode=0o700)
    shutil.chown(PGDATA, "postgres", "postgres")
    r = pg_run(["initdb", "-D", PGDATA, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"],
               check=False, capture_output=True, text=True)
    if r.returncode:
        raise InstanceError(f"initdb failed:\n{r.stdout}\n{r.stderr}")
    with open(PGDATA / "postgresql.conf", "a") as fh:
        fh.write(CONF)


class Postgres(Service):
    name, title, where, port = "postgres", "PostgreSQL", f":{PG_PORT}", PG_PORT
    pidfile = PidFile(PGDATA / "postmaster.pid", "postgres")

    def pid(self) -> int | None:
        return self.pidfile.pid()

    def ready(self) -> bool:
        return self.pid() is not None  # pg_ctl -w returned: it accepts connections

    def launch(self) -> None:
        """pg_ctl -w: returns once PostgreSQL accepts connections (about a second)."""
        fresh = not (PGDATA / "PG_VERSION").exists()
        if fresh:
            init_cluster()
        self.log.touch()
        shutil.chown(self.log, "postgres", "postgres")
        r = pg_run(["pg_ctl", "-D", PGDATA, "-l", self.log, "-w", "-t", "60", "start"],
                   check=False, capture_output=True, text=True)
        if r.returncode:
            raise failure("PostgreSQL did not start", self.log)
        if fresh:
            psql("CREATE ROLE invenio LOGIN PASSWORD 'invenio'")

    def stop(self) -> Stopped:
        if not self.pid():
            return Stopped.NOT_RUNNING
        pg_run(["pg_ctl", "-D", PGDATA, "-m", "fast", "-w", "-t", "60", "stop"], check=False, quiet=True)
        return Stopped.STOPPED


SERVICE = Postgres()
