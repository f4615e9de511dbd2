"""Before the first request of a run, for every entry point alike (a run, ``update``, the
pytest plugin): leave out what a read-only run cannot do, preflight the instance, look for
the fixtures. What it finds is returned (:class:`Prepared`); the console says it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from apidocs.core import project
from apidocs.core.errors import ApidocsError
from apidocs.core.fixtures import declared, marker_query
from apidocs.core.messages import apidocs_command
from apidocs.core.model import Case
from apidocs.core.settings import Mode, Settings
from apidocs.runner.api import Api
from apidocs.runner.preflight import preflight
from apidocs.runner.provision import missing


@dataclass(frozen=True)
class Prepared:
    """The cases to run, those a read-only run leaves out, and the fixtures the target lacks
    (a fact of this run, for its :class:`apidocs.runner.results.Ledger`)."""

    cases: list[Case]
    left_out: list[Case]
    fixtures_missing: tuple[str, ...] = ()


def prepare(settings: Settings, cases: list[Case]) -> Prepared:
    """What of ``cases`` this run can do, and on what data. Raises :class:`ApidocsError`
    (exit 2) before anything a snippet would send when the run cannot go on."""
    cases, left_out = split_read_only(cases) if settings.read_only else (cases, [])
    if left_out and not cases:  # a run that checks nothing must not pass
        names = ", ".join(case.name for case in left_out)
        raise ApidocsError(f"nothing to run read-only: every case chosen needs a token ({names});"
                           " set DOCS_API_TOKEN, or choose cases that only read")
    if settings.online:
        api = connect(settings, writes=any(c.writes for c in cases), roles=set().union(*(c.roles for c in cases)))
        return Prepared(cases, left_out, missing_fixtures(api, settings))
    return Prepared(cases, left_out)


def connect(settings: Settings, writes: bool, roles: Iterable[str]) -> Api:
    """The instance's API, once the preflight found that the run can go on."""
    api = Api(settings.api_url, settings.policy.timeout)
    preflight(settings, api, writes=writes, roles=roles)
    return api


def missing_fixtures(api: Api, settings: Settings) -> tuple[str, ...]:
    """Which provisioned records the target lacks; a recording needs them all."""
    absent = missing(api, declared(project.cases()), marker_query)
    if absent and settings.mode is Mode.RECORD:
        raise ApidocsError(f"fixtures missing on {settings.api_url}: {', '.join(absent)}: "
                           f"run {apidocs_command('provision')} first")
    return absent


def split_read_only(cases: list[Case]) -> tuple[list[Case], list[Case]]:
    """The cases a read-only run can do, and those it leaves out (they need a token)."""
    return [c for c in cases if not c.needs_token], [c for c in cases if c.needs_token]
