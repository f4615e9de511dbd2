"""The page-block catalogue: which blocks a step has on its page, and which a problem concerns.

A page block is a named region of the page template (``{#- apidocs:begin NAME #}``),
named ``case/step/kind``. Kinds:

``endpoint``
    a snippet step's "Endpoint:" line: its method and path, with the path's ``{fields}``
    (``GET /api/records/{record_id}``), the same line the runner checks each request against;
``token``
    a snippet step's "Token Required:" answer (No, or Yes with the link to create one), from
    whether its snippets send ``{your-access-token}``; template source, translated by the theme;
``query``
    a snippet step's "Query Parameters:" line (a step with ``shows_query``): the names of the
    query parameters its verified request sent, in the order sent;
each language of a snippet (``python``, ``curl``, ... as :mod:`apidocs.core.languages` names them)
    the snippet's text;
``response``
    the example response (a snippet with ``example``);
``headers``
    the example response headers (a snippet with ``example_headers``);
``status``
    the status line shown next to an example (``HTTP 200 - OK``);
``inline``
    an action's inline example (the Common Query Parameters);
``transcript``
    a notebook transcript: its cells with their ``[n]:`` prompts and what
    each printed and returned in the verified run.

The renderer fills exactly these blocks, the report names them when they go stale or
are left unverified, and drift points its findings at them: all three ask here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from apidocs.core.model import Action, Step, Transcript
from apidocs.core.problems import Kind, Problem

ENDPOINT = "endpoint"
TOKEN_REQUIRED = "token"
RESPONSE = "response"
HEADERS = "headers"
STATUS = "status"
INLINE = "inline"
QUERY = "query"
TRANSCRIPT = "transcript"
#: Kinds whose text sits inside a line of the page (the others are preformatted areas).
INLINE_KINDS = (ENDPOINT, TOKEN_REQUIRED, QUERY, STATUS, INLINE)
#: Kinds whose text is template source (translatable strings, markup), written as it is;
#: the others are literal text, escaped for the template.
SOURCE_KINDS = (TOKEN_REQUIRED, QUERY)
#: The lines every snippet step states above its snippets, in page order.
CLAIM_KINDS = (ENDPOINT, TOKEN_REQUIRED)


@dataclass(frozen=True)
class Block:
    """One block of the page, named ``case/step/kind`` as the template's markers name it."""

    case: str
    step: str
    kind: str

    @property
    def name(self) -> str:
        return f"{self.case}/{self.step}/{self.kind}"


def kind_of(name: str) -> str:
    """The kind of the block named ``name`` (``case/step/kind``)."""
    return name.rsplit("/", 1)[1]


def blocks_of(case: str, step: Step) -> tuple[Block, ...]:
    """Every block ``step`` of case ``case`` (its name) has on the page, in page order."""
    return tuple(Block(case, step.name, kind) for kind in _kinds(step))


def _kinds(step: Step) -> list[str]:
    if isinstance(step, Action):
        return [INLINE] if step.inline else []
    if isinstance(step, Transcript):
        return [TRANSCRIPT]
    answer = [kind for kind, shown in ((RESPONSE, step.example is not None), (HEADERS, bool(step.example_headers)))
              if shown]
    query = [QUERY] if step.shows_query else []
    return [*CLAIM_KINDS, *query, *step.languages, *answer, *([STATUS] if answer else [])]


#: The language's own snippet (or, for a mismatch, each language that differs).
_OWN = "own"

#: Which blocks of a snippet step a problem (or a drift finding) of each kind makes stale.
_CONCERNS: dict[Kind, tuple[str, ...]] = {
    Kind.REQUEST: (_OWN,),
    # the snippet or the claim lines above it (rendered from the same step) are wrong
    Kind.CLAIM: (_OWN, ENDPOINT, TOKEN_REQUIRED),
    Kind.MISMATCH: (_OWN, QUERY),
    Kind.EFFECT: (_OWN,),
    Kind.TRANSPORT: (_OWN,),
    # a request the cassette lacks is one the snippet changed (the parameters it lists too)
    Kind.UNRECORDED: (_OWN, QUERY),
    # the documented answer did not come: every block shown from it too
    Kind.STATUS: (_OWN, RESPONSE, HEADERS, STATUS),
    Kind.FIELD: (_OWN, RESPONSE),
    Kind.EXAMPLE: (RESPONSE,),
    Kind.HEADER: (HEADERS,),
    Kind.DATA: (),  # the instance lacks data: no block is wrong
    Kind.FOREIGN: (),  # the instance holds other records: the recording is refused, the page stays
}


def concerned(case: str, step: Step, kind: Kind, languages: Iterable[str]) -> list[str]:
    """Names of the blocks of ``step`` a problem of ``kind``, found in ``languages``' runs,
    makes stale; only blocks the step has (an action: its inline example, if it shows one)."""
    wanted = set(_CONCERNS[kind])
    if not wanted:
        return []
    if _OWN in wanted:
        wanted |= set(languages)
    return [block.name for block in blocks_of(case, step)
            if isinstance(step, Action | Transcript) or block.kind in wanted]


def stale_blocks(case: str, step: Step, problem: Problem, language: str = "") -> list[str]:
    """Names of the blocks ``problem`` makes stale; ``language``: the run that found it
    (a problem across languages names its own)."""
    return concerned(case, step, problem.kind, problem.languages or (language,))
