"""Bring the local reference instance up, stop it, wipe it, or show its state.

    python3 instance/instance.py up|stop|reset|status

Standard library only (runs with the machine's python3). Layout, all under
$INSTANCE_DIR (default <repo>/.instance, git-ignored):

    venv/             Python 3.12 venv from instance/requirements.txt
    pgdata/           PostgreSQL cluster (owned by the "postgres" user)
    redis/            Redis dump file
    app/              INVENIO_INSTANCE_PATH: invenio.cfg and app_data/ (symlinks
                      into instance/), data/ (files of records), static/ and
                      assets/ (the built front-end, instance/assets.py), templates/
                      (our rendered pages, symlinked by `apidocs install-pages`)
    assets.key        what the built assets were built from (instance/assets.py)
    opensearch/ ...   whatever instance/opensearch/opensearch.sh keeps there
    run/              pid files
    logs/             one log per service (+ pip.log, setup.log)
    state.json        written by setup_instance.py once set-up and seeding worked
    env               DOCS_* variables for the tools (written atomically)

Services (all on 127.0.0.1): PostgreSQL :5433, Redis :6380, OpenSearch :9200,
gunicorn (InvenioRDM UI + /api) :5000, a Celery worker with embedded beat.
Ports can be changed with INSTANCE_PG_PORT, INSTANCE_REDIS_PORT, OPENSEARCH_PORT,
OPENSEARCH_TRANSPORT_PORT, INSTANCE_APP_PORT (Celery listens on no port).

This file is the orchestration only. Each service is a module of services/ (start,
ready, stop, its log, its pid); process.py holds what they share; layout.py the paths
and ports; install.py, frontend.py and seeding.py the steps around them.
"""

from __future__ import annotations

import shutil
import sys
import time

import install
from frontend import assets_current, install_pages, start_build
from layout import APP_PORT, APPDIR, ENVFILE, HOST, IDIR, LOGS, RUN, STATE, T0, VENV, InstanceError, say
from seeding import seed, set_up, write_env
from services import Service, app, celery, opensearch, postgres, redis

POSTGRES, REDIS, OPENSEARCH = postgres.SERVICE, redis.SERVICE, opensearch.SERVICE
CELERY, APP = celery.SERVICE, app.SERVICE
#: in the order they start; `stop` goes backwards, so no service loses one it talks to
SERVICES: tuple[Service, ...] = (POSTGRES, REDIS, OPENSEARCH, CELERY, APP)


def start(*services: Service) -> None:
    for service in services:
        service.start()


def wait(*services: Service) -> None:
    """Until each is ready, in turn; one line for each, the first time it is."""
    for service in services:
        if not service.awaited:
            say(f"{service.name} {service.where}: {service.wait()}")


def already_up() -> bool:
    """Set up, every service answering and the front end built for these versions."""
    return STATE.exists() and all(service.ready() for service in SERVICES) and assets_current()


def set_up_anew() -> None:
    """A new database, set up while the worker runs, as on a real instance (file metadata
    extraction, notifications, PID registration happen while the flow goes on)."""
    started = time.monotonic()
    for service in (APP, CELERY):  # what an earlier, failed set-up left must not hold the database
        service.stop()
    say(f"setup: new database, indices, vocabularies, users, tokens (log: {LOGS / 'setup.log'})")
    postgres.recreate_database()
    CELERY.start()
    set_up()
    say(f"setup: done ({time.monotonic() - started:.1f}s)")


def up() -> None:
    for folder in (IDIR, RUN, LOGS):
        folder.mkdir(parents=True, exist_ok=True)
    say(f"instance dir {IDIR}")
    if already_up():
        install_pages()
        write_env()
        say(f"already running; env in {ENVFILE}")
        seed()
        return

    started = time.monotonic()
    install.ensure_all()
    install_pages()
    for service in SERVICES:
        service.check_port()
    say(f"install: ok ({time.monotonic() - started:.1f}s)")
    build = start_build()

    started = time.monotonic()
    start(OPENSEARCH, POSTGRES, REDIS)  # OpenSearch's JVM takes a while: it starts first, in the background
    wait(POSTGRES, REDIS)
    if not STATE.exists():  # the set-up needs every store
        wait(OPENSEARCH)
        set_up_anew()
    start(CELERY)  # (needs the stores, not the search node: it waits for it on its own)
    if build.wait():  # a running app keeps the manifest it read
        say(f"gunicorn: {APP.stop().value} (new assets)")
    start(APP)  # needs the built front end and a database that is set up
    wait(OPENSEARCH, CELERY, APP)  # the app answers once its search answers
    say(f"services: ok ({time.monotonic() - started:.1f}s)")

    write_env()
    say(f"up: instance ready at http://{HOST}:{APP_PORT}/api ; env in {ENVFILE}")
    seed()


def stop() -> None:
    for service in reversed(SERVICES):
        say(f"{service.name}: {service.stop().value}")


def reset() -> None:
    """Stop, then wipe all data (PostgreSQL, Redis, OpenSearch's $INSTANCE_DIR/opensearch,
    files, state, env); keep the venv and the built front end (slow to rebuild, not data) and the logs."""
    stop()
    keep = {VENV, LOGS, IDIR / "assets.key", APPDIR / "static", APPDIR / "assets"}
    entries = [*(APPDIR.iterdir() if APPDIR.is_dir() else ()), *(IDIR.iterdir() if IDIR.is_dir() else ())]
    for entry in entries:
        if entry in keep or entry == APPDIR:
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    say(f"reset: data under {IDIR} wiped (venv and built front end kept)")


def status() -> None:
    for service in SERVICES:
        pid = service.pid()
        print(f"{service.name:11} {service.where:12} {service.state().value}{f' (pid {pid})' if pid else ''}")
    print(f"api         {'answers' if APP.ready() else 'not answering'}")
    print(f"set-up      {'done' if STATE.exists() else 'not done'}")


def main(argv: list[str]) -> int:
    commands = {"up": up, "stop": stop, "reset": reset, "status": status}
    if len(argv) != 2 or argv[1] not in commands:
        print(f"usage: {argv[0]} {'|'.join(commands)}", file=sys.stderr)
        return 2
    try:
        commands[argv[1]]()
    except InstanceError as e:
        print(f"instance: ERROR: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    say(f"{argv[1]}: finished in {time.monotonic() - T0:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
