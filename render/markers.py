"""Named blocks in a Jinja template, delimited by Jinja comments.

A block looks like this (the whitespace-control dashes keep the rendered HTML exactly as
if the markers were not there)::

    {#- apidocs:begin howto1_read/get/curl #}
    curl "{{ config.SITE_API_URL }}/records/abcde-12345"
    {#- apidocs:end #}

Only the text between the two markers belongs to the renderer; everything else in the
file is left byte for byte as it is. Pure functions: text in, text out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from apidocs.core.blocks import kind_of
from apidocs.core.messages import did_you_mean
from apidocs.render.errors import MarkerError

#: Any Jinja comment that mentions apidocs: it must be a well-formed marker.
_ANY = re.compile(r"\{#-?[^#]*?apidocs:.*?-?#\}", re.S)
_BEGIN = re.compile(r"\{#-?\s*apidocs:begin\s+([a-z0-9_]+/[a-z0-9_-]+/[a-z]+)\s*-?#\}")
_END = re.compile(r"\{#-?\s*apidocs:end\s*-?#\}")
#: The name a malformed begin marker meant, for a "did you mean".
_MEANT = re.compile(r"apidocs:\s*begin\s+(\S+?)\s*-?#\}")


@dataclass(frozen=True)
class MarkedSpan:
    """Where a block's text sits in a template: between its begin and end markers (the
    block itself, what it holds and why, is :class:`apidocs.core.blocks.Block`)."""

    name: str
    start: int  # offset of the content (just after the begin marker)
    end: int  # offset just after the content (where the end marker starts)
    line: int  # line of the begin marker, for messages

    @property
    def kind(self) -> str:
        return kind_of(self.name)


def begin(name: str) -> str:
    return "{#- apidocs:begin " + name + " #}"


END = "{#- apidocs:end #}"


def find(text: str, where: str = "the template", known: Iterable[str] = ()) -> dict[str, MarkedSpan]:
    """Every block of ``text`` by name; refuses malformed, duplicated or unbalanced markers,
    naming the line (and, for a misspelt name, the ``known`` name meant)."""
    blocks: dict[str, MarkedSpan] = {}
    open_block: tuple[str, int, int] | None = None
    for match in _ANY.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        tag = match.group(0)
        if (b := _BEGIN.fullmatch(tag)) is not None:
            if open_block is not None:
                raise MarkerError(f"{where}:{line}: marker {b.group(1)!r} begins inside block"
                                  f" {open_block[0]!r} (line {open_block[2]}), which has no end marker")
            open_block = (b.group(1), match.end(), line)
        elif _END.fullmatch(tag):
            if open_block is None:
                last = next(reversed(blocks.values()), None)  # blocks are added in scan order
                after = f" (the block before it, {last.name!r} from line {last.line}, has ended)" if last else ""
                raise MarkerError(f"{where}:{line}: end marker without a begin marker{after}")
            name, start, begin_line = open_block
            if name in blocks:
                raise MarkerError(f"{where}:{begin_line}: block {name!r} appears twice"
                                  f" (first at line {blocks[name].line})")
            blocks[name] = MarkedSpan(name, start, match.start(), begin_line)
            open_block = None
        else:
            meant = _MEANT.search(tag)
            hint = did_you_mean(meant.group(1), known) if meant else ""
            raise MarkerError(f"{where}:{line}: malformed marker {tag!r}{hint}: expected"
                              " '{#- apidocs:begin CASE/STEP/KIND #}' (lower case) or '{#- apidocs:end #}'")
    if open_block is not None:
        raise MarkerError(f"{where}:{open_block[2]}: block {open_block[0]!r} has no end marker")
    return blocks


def without(text: str) -> str:
    """``text`` with every marker comment taken out (the blocks' text left in place)."""
    return _ANY.sub("", text)


def contents(text: str, where: str = "the template") -> dict[str, str]:
    return {name: text[b.start:b.end] for name, b in find(text, where).items()}


def _listed(items: Iterable[str], most: int = 6) -> str:
    """The first ``most`` items, comma-separated, with "…" when there are more."""
    items = list(items)
    return ", ".join(items[:most]) + (" …" if len(items) > most else "")


def replace(text: str, new: dict[str, str], where: str = "the template") -> str:
    """``text`` with each block's content replaced by ``new[name]``.

    The template must hold exactly the blocks of ``new``: a block it lacks, or one that
    no case produces (a renamed step, a typo), is an error naming them.
    """
    blocks = find(text, where, known=new)
    missing = [name for name in new if name not in blocks]
    unknown = [name for name in blocks if name not in new]
    if unknown:  # first: a misspelt marker is also a missing one, and its line says where
        raise MarkerError(f"{where} has markers no case produces: "
                          + _listed(f"{name!r} at line {blocks[name].line}{did_you_mean(name, missing)}"
                                    for name in unknown))
    if missing:
        raise MarkerError(f"{where} has no markers for {len(missing)} block(s): {_listed(missing)}"
                          " (add a marker pair for each: see README, \"The page template\")")
    pieces, position = [], 0
    for block in sorted(blocks.values(), key=lambda b: b.start):
        pieces += [text[position:block.start], new[block.name]]
        position = block.end
    pieces.append(text[position:])
    return "".join(pieces)
