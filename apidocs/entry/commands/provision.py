"""``apidocs provision``: the records the examples rely on (``cases/fixtures.toml``) made sure
to exist on ``$DOCS_API_URL``: found by marker, created and published where missing."""

from __future__ import annotations

import functools
import time

from apidocs.core import project, settings
from apidocs.core.exits import ExitCode
from apidocs.core.fixtures import declared, marker_query
from apidocs.core.settings import Mode
from apidocs.entry.console import Console
from apidocs.entry.console.runs import provisioned
from apidocs.entry.loader import load_publish
from apidocs.entry.options import NoOptions
from apidocs.runner.prepare import connect
from apidocs.runner.provision import provision


def main(options: NoOptions, console: Console) -> int:
    fixtures, flow = declared(project.cases()), load_publish(project.cases())
    live = settings.load(Mode.LIVE)
    api = connect(live, writes=True, roles=("depositor", "curator"))
    tokens = {role: live.token(role) for role in ("depositor", "curator")}
    started = time.monotonic()
    console.say(f"apidocs provision: {len(fixtures)} fixture(s) on {live.api_url}")
    done = provision(api, fixtures, tokens, marker_query, flow, functools.partial(provisioned, console))
    console.say(f"{len(done.created)} created, {len(done.found)} found in {time.monotonic() - started:.1f} s")
    return ExitCode.PASSED
