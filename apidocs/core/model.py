"""What a documented case is made of.

A case is a list of steps. A :class:`Snippet` step is shown on the page: its text in each
language (:mod:`apidocs.core.languages`) is a plain file, ``cases/snippets/<case>/<step>.<suffix>``,
*exactly as the page shows it*, written with the page's placeholders
(``{{ config.SITE_API_URL }}``, ``{your-access-token}``, ``abcde-12345``). The loader
reads those files into :attr:`Snippet.texts`; the runner fills the placeholders in and
executes the text; the renderer prints it back.
An :class:`Action` step is plumbing the page does not show (find a seeded record, accept
a curation request): the runner sends it itself, through the same recorder.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, TypeGuard

from apidocs.core.problems import Problem

#: the methods that change nothing: a read-only run sends only these
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")

API_URL = "{{ config.SITE_API_URL }}"
#: where an Endpoint line's path starts: the API URL's own path on the page's instances
API_PREFIX = "/api"
TOKEN = "{your-access-token}"

Bindings = dict[str, str]


@dataclass(frozen=True)
class Sent:
    """What a check knows of the request its response answers: the query parameters the
    request actually sent (a message names those, not the ones the case documents: a
    changed snippet may send others), and the values earlier steps bound."""

    query: dict[str, str] = field(default_factory=dict)
    bindings: Bindings = field(default_factory=dict)


#: A semantic check of a response and the request that got it: returns None when fine, else
#: a sentence saying what is wrong (a documented effect that failed), or a
#: :class:`apidocs.core.problems.Problem` such as :func:`apidocs.core.problems.data_missing`.
Check = Callable[[Any, Sent], "str | Problem | None"]


@dataclass(frozen=True)
class Expect:
    """What a response must look like for the step to pass."""

    status: int
    #: dotted paths into the JSON body → the type the page documents there.
    fields: dict[str, type] = field(default_factory=dict)
    #: extra semantic checks (the documented *effect* of a request).
    checks: tuple[Check, ...] = ()
    #: False for a file download: the body is bytes, not JSON.
    json: bool = True


@dataclass(frozen=True)
class Upstream:
    """A server the instance calls to make its answer (a service the app forwards the request to).

    Where that server does not answer (none can run beside the reference instance), the
    app answers with a server error *after* its own checks. The step is then verified up
    to that call (routed, token, the same request from both languages, the app's checks)
    and the rest - the documented status and body, which come from the server - waits
    for it. Wherever the server answers, the step is checked in full.
    """

    name: str
    #: what the endpoint returns once the server answers, in words: shown on the page in
    #: place of an example response while no recording of a real answer exists
    returns: str
    #: the app's answers that mean "the call to the server failed"
    failed: tuple[int, ...] = (500, 502, 503, 504)

    def unanswered(self, status: int) -> bool:
        return status in self.failed

    def waiting(self, status: int) -> str:
        return (f"verified up to the call to {self.name}: the app routed the request and passed its own checks,"
                f" then answered HTTP {status} because {self.name} did not answer; the documented answer"
                f" waits for a {self.name} server")


@dataclass(frozen=True)
class Snippet:
    """A step the page shows, in every language it has a snippet file for."""

    name: str
    title: str
    method: str
    endpoint: str
    expect: Expect
    #: language name → the snippet's text (read from its file by the loader)
    texts: dict[str, str] = field(default_factory=dict)
    #: binding name → dotted path in the response JSON (e.g. ``{"record_id": "id"}``).
    bind: dict[str, str] = field(default_factory=dict)
    #: whose token ``{your-access-token}`` stands for: "depositor" or "curator".
    role: str = "depositor"
    #: files the snippet reads from its working directory (name → bytes).
    files: dict[str, bytes] = field(default_factory=dict)
    #: a file the snippet must leave in its working directory (download).
    saves: str | None = None
    #: JSON paths of the recorded response shown as the page's example (None: no block).
    example: tuple[str, ...] | None = None
    #: response headers shown as the page's example (download case).
    example_headers: tuple[str, ...] = ()
    #: the server the answer comes from, when it is not the instance itself.
    upstream: Upstream | None = None
    #: the page lists the query parameters the request sends (a "Query Parameters:" line)
    shows_query: bool = False

    @property
    def needs_token(self) -> bool:
        return any(TOKEN in text for text in self.texts.values())

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(self.texts)


@dataclass(frozen=True)
class Action:
    """A request the runner sends itself: set-up, a curator's decision, a parameter check."""

    name: str
    method: str
    path: str  # relative to the API URL, may use {binding} fields
    expect: Expect
    params: dict[str, str] = field(default_factory=dict)
    json: Any = None
    #: a body of bytes (``application/octet-stream``: a file's content), instead of ``json``
    data: bytes | None = None
    role: str | None = None  # whose token it sends: "depositor", "curator" or None (anonymous)
    bind: dict[str, str] = field(default_factory=dict)
    #: shown inline on the page (the Common Query Parameters examples)
    inline: str | None = None
    #: sent in its place when the target lacks the fixtures and this one finds nothing
    #: (e.g. production, read-only): any record that serves the example as well
    stand_in: "Action | None" = None


@dataclass(frozen=True)
class Bridge:
    """How a transcript's package reaches the record (:mod:`apidocs.runner.bridge`), with only
    the parts a run needs. The package talks only to the hosts it knows: on an instance it does
    not know, our record stands in on ``host``, one of them, whose requests go to the capture
    proxy. It resolves a DOI at doi.org: where doi.org does not resolve the record's (a DataCite
    test DOI), doi.org answers it with the record's landing page. Against a host it knows, whose
    DOIs doi.org resolves, the run needs neither: it is a reader's."""

    host: str
    #: where the package lists the hosts it knows: a module's file in its venv's site-packages
    #: and the name of a dict there whose keys they are (read, not imported); None: it knows none
    known_hosts: tuple[str, str] | None = None
    #: the names of three bound values: the record's DOI, where the instance says it resolves
    #: (its ``links.doi``) and its landing page
    doi: str = "doi"
    doi_link: str = "doi_link"
    landing: str = "landing"


@dataclass(frozen=True)
class Transcript:
    """A notebook transcript a page shows: its cells run for real, in the
    interpreter of a package's own venv, and its output is what the page prints.

    Its cells are a file, ``cases/snippets/<case>/<step>.ipy`` (``# %%`` starts a code
    cell, ``# %% [markdown]`` a comment cell), read by the loader into :attr:`text`. What
    the cells ask on stdin is answered with :attr:`stdin`, as the page shows the answer.
    The package's own requests go through the capture proxy like every snippet's.
    """

    name: str
    title: str
    #: the pinned requirements file (in the cases folder) the cells' venv is made from
    requirements: str
    #: the answers typed when the cells ask (``input()``), one a line, in order
    stdin: str = ""
    #: the menu items stdin's answers stand for, in order: where the printed menu offers
    #: the item, the number it gives it is typed instead (an instance lists a record's files
    #: in an order of its own); elsewhere (a stand-in record) the stdin answer stands
    choose: tuple[str, ...] = ()
    #: the cells' file, as the case folder holds it (read by the loader)
    text: str = ""
    #: the last cell returns the path of a file it downloaded: its bytes must be the last answer's
    returns_download: bool = True
    #: how the package reaches the record, where it cannot by itself; None: where it sends them
    bridge: Bridge | None = None

    @property
    def method(self) -> str:
        """A transcript only reads (it downloads): a read-only run may run it."""
        return "GET"


Step = Snippet | Action | Transcript
#: A step that sends one request of its own, which a recording pairs and compares.
HttpStep = Snippet | Action

def step_kind(step: Step) -> str:
    """How the console and the reports name a step's kind."""
    return {Snippet: "snippet", Transcript: "transcript"}.get(type(step), "action")


#: a POST to this path (relative to the API URL) creates a draft
DRAFTS_PATH = "/records"


def creates_draft(step: Step) -> TypeGuard[Snippet | Action]:
    """True for a step that creates a draft, which the run must delete again."""
    if isinstance(step, Transcript):
        return False
    path = step.endpoint.removeprefix(API_PREFIX) if isinstance(step, Snippet) else step.path
    return step.method.upper() == "POST" and path.rstrip("/") == DRAFTS_PATH


@dataclass(frozen=True)
class Case:
    """One documented case of the page, in the page's order."""

    name: str
    title: str
    story: str
    steps: tuple[Step, ...]
    #: page text → binding it stands for (e.g. ``{"abcde-12345": "record_id"}``).
    placeholders: dict[str, str] = field(default_factory=dict)

    def step(self, name: str) -> Step:
        for step in self.steps:
            if step.name == name:
                return step
        raise KeyError(f"{self.name} has no step {name!r}")

    @property
    def snippets(self) -> tuple[Snippet, ...]:
        return tuple(s for s in self.steps if isinstance(s, Snippet))

    @property
    def languages(self) -> tuple[str, ...]:
        """The languages its snippets are in: each runs the whole case as its own chain."""
        return self.snippets[0].languages if self.snippets else ("python",)

    @property
    def cleanup(self) -> tuple[str, ...]:
        """The bindings that hold the drafts its steps create: deleted when a live or record run ends."""
        return tuple(name for step in self.steps if creates_draft(step) for name in step.bind)

    @property
    def writes(self) -> bool:
        """True when a step sends a write (POST, PUT, DELETE…): live runs need an instance marked disposable."""
        return any(step.method.upper() not in SAFE_METHODS for step in self.steps)

    @property
    def roles(self) -> set[str]:
        """Whose tokens the case's steps send (the depositor also deletes the drafts)."""
        roles = {s.role for s in self.snippets if s.needs_token}
        roles |= {a.role for a in self.steps if isinstance(a, Action) and a.role}
        return roles | ({"depositor"} if self.cleanup else set())

    @property
    def needs_token(self) -> bool:
        """True when a step needs an account: a read-only run leaves the case out."""
        return self.writes or bool(self.roles)
