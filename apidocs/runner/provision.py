"""Make sure the records the documented examples rely on exist on the target instance.

``apidocs provision`` finds each declared fixture (``cases/fixtures.toml``) by its marker,
and creates what is missing through the REST API the way the docs project's publish flow
says (``cases/flows.py``, declared once: the requests its pages document for publishing).
A second run finds everything and changes nothing. A fixture whose creation fails
half-way leaves no draft behind.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable, Iterable

from apidocs.core.content import Publish
from apidocs.core.errors import ApidocsError
from apidocs.core.fixtures import Fixture
from apidocs.core.model import Action
from apidocs.runner.actions import DRAFT_GONE, delete_draft, direct, send_action
from apidocs.runner.api import Api, ApiError
from apidocs.runner.placeholders import bound_values

#: How long a published fixture may take to show in search (index refresh).
SEARCH_WAIT = 30.0


@dataclass
class Provisioned:
    """Fixture name → record id, split by what this run had to do."""

    found: dict[str, str] = field(default_factory=dict)
    created: dict[str, str] = field(default_factory=dict)


def provision(api: Api, fixtures: Iterable[Fixture], tokens: dict[str, str], query_for: Callable[[str], str],
              flow: Publish, say: Callable[[str], None] = print) -> Provisioned:
    """Find or create every fixture, creating one through ``flow``; ``query_for(marker)`` is
    the search that finds one."""
    done = Provisioned()
    for fixture in fixtures:
        hits = api.search("/records", query_for(fixture.marker), size=1)
        if hits:
            done.found[fixture.name] = hits[0]["id"]
            say(f"  found    {fixture.name:18} {hits[0]['id']}  {fixture.title}")
            continue
        _discard_leftover_drafts(api, fixture, tokens["depositor"], query_for)
        record_id = publish(api, fixture, tokens, flow)
        done.created[fixture.name] = record_id
        say(f"  created  {fixture.name:18} {record_id}  {fixture.title}")
    _wait_until_searchable(api, fixtures, query_for, set(done.created))
    return done


def missing(api: Api, fixtures: Iterable[Fixture], query_for: Callable[[str], str]) -> tuple[str, ...]:
    """The names of the fixtures that search does not find on the target."""
    return tuple(f.name for f in fixtures if not api.search("/records", query_for(f.marker), size=1))


def publish(api: Api, fixture: Fixture, tokens: dict[str, str], flow: Publish) -> str:
    """Create and publish one fixture through the docs project's ``flow``; on failure its
    draft is deleted."""
    bound: dict[str, str] = {}
    published = False
    try:
        perform(api, flow(fixture.metadata(), fixture.files), tokens, bound)
        published = True
    except ApiError as exc:
        raise ApidocsError(f"provision {fixture.name}: {exc}") from None
    finally:
        if not published and "record_id" in bound:
            _delete_draft(api, bound["record_id"], tokens["depositor"])
    return bound["record_id"]


def perform(api: Api, actions: Iterable[Action], tokens: dict[str, str], bound: dict[str, str]) -> None:
    """Send ``actions`` in order, each with its role's token and the ids bound so far in its
    fields; what an answer binds goes into ``bound``. An unexpected answer is an :class:`ApiError`."""
    for action in actions:
        exchange = send_action(action, tokens, bound, "", direct(api, (action.expect.status,)))
        if not action.bind:  # no answer to read (it may have no body)
            continue
        try:
            # all or nothing: a value is bound only when every field is there
            bound.update(dict(bound_values(action.bind, exchange.json())))
        except (ValueError, KeyError) as exc:  # not JSON, or not the field the next steps need
            raise ApiError(f"{action.method} {api.base_url}{exchange.path}: the answer holds no {exc}") from None


def _delete_draft(api: Api, record_id: str, token: str) -> None:
    """Delete a draft; a failure here must not hide the error that brought us here."""
    if why := delete_draft(record_id, token, "", direct(api, DRAFT_GONE)):
        print(f"  warning: could not delete draft {record_id}: {why}")


def _discard_leftover_drafts(api: Api, fixture: Fixture, token: str, query_for: Callable[[str], str]) -> None:
    """Drafts of this fixture left by an interrupted provisioning (never published)."""
    query = f"{query_for(fixture.marker)} AND is_published:false"
    for hit in api.search("/user/records", query, token):
        _delete_draft(api, hit["id"], token)


def _wait_until_searchable(api: Api, fixtures: Iterable[Fixture], query_for: Callable[[str], str],
                           created: set[str]) -> None:
    """Published is not yet searchable: wait for the index so the next run finds them."""
    pending = [f for f in fixtures if f.name in created]
    deadline = time.monotonic() + SEARCH_WAIT
    while pending:
        pending = [f for f in pending if not api.search("/records", query_for(f.marker), size=1)]
        if pending and time.monotonic() > deadline:
            names = ", ".join(f.name for f in pending)
            raise ApidocsError(f"provision: published {names}, but search does not find it after {SEARCH_WAIT:g} s")
        if pending:
            time.sleep(0.5)
