"""The page-block catalogue: which blocks a step has on its page.

A page block is a named region of the page template (``{#- apidocs:begin NAME #}``),
named ``case/step/kind``. Kinds:

each language of a snippet (``python``, ``curl``, ... as :mod:`core.languages` names them)
    the snippet's text;
``response``
    the example response (a snippet with ``example``);
``headers``
    the example response headers (a snippet with ``example_headers``);
``status``
    the status line shown next to an example (``HTTP 200 - OK``);
``inline``
    an action's inline example (the Common Query Parameters).

The renderer fills exactly these blocks, and the report names them when they are left
unverified: both ask here.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.model import Action, Step

RESPONSE = "response"
HEADERS = "headers"
STATUS = "status"
INLINE = "inline"
#: Kinds whose text sits inside a line of the page (the others are preformatted areas).
INLINE_KINDS = (STATUS, INLINE)


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
    answer = [kind for kind, shown in ((RESPONSE, step.example is not None), (HEADERS, bool(step.example_headers)))
              if shown]
    return [*step.languages, *answer, *([STATUS] if answer else [])]
