"""Named blocks in a Jinja template, delimited by Jinja comments.

A block looks like this (the whitespace-control dashes keep the rendered HTML exactly as
if the markers were not there)::

    {#- apidocs:begin case1_metadata/get/curl #}
    curl "{{ config.SITE_API_URL }}/records/abcde-12345"
    {#- apidocs:end #}

Only the text between the two markers belongs to the renderer; everything else in the
file is left byte for byte as it is. Pure functions: text in, text out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from apidocs.core.blocks import kind_of
from render.errors import MarkerError

#: Any Jinja comment that mentions apidocs: it must be a well-formed marker.
_ANY = re.compile(r"\{#-?[^#]*?apidocs:.*?-?#\}", re.S)
_BEGIN = re.compile(r"\{#-?\s*apidocs:begin\s+([a-z0-9_]+/[a-z0-9_-]+/[a-z]+)\s*-?#\}")
_END = re.compile(r"\{#-?\s*apidocs:end\s*-?#\}")


@dataclass(frozen=True)
class Block:
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


def find(text: str, where: str = "the template") -> dict[str, Block]:
    """Every block of ``text`` by name; refuses malformed, duplicated or unbalanced markers."""
    blocks: dict[str, Block] = {}
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
                raise MarkerError(f"{where}:{line}: end marker without a begin marker")
            name, start, begin_line = open_block
            if name in blocks:
                raise MarkerError(f"{where}:{begin_line}: block {name!r} appears twice"
                                  f" (first at line {blocks[name].line})")
            blocks[name] = Block(name, start, match.start(), begin_line)
            open_block = None
        else:
            raise MarkerError(f"{where}:{line}: malformed marker {tag!r}: expected"
                              " '{#- apidocs:begin CASE/STEP/KIND #}' or '{#- apidocs:end #}'")
    if open_block is not None:
        raise MarkerError(f"{where}:{open_block[2]}: block {open_block[0]!r} has no end marker")
    return blocks


def contents(text: str, where: str = "the template") -> dict[str, str]:
    return {name: text[b.start:b.end] for name, b in find(text, where).items()}


def replace(text: str, new: dict[str, str], where: str = "the template") -> str:
    """``text`` with each block's content replaced by ``new[name]``.

    The template must hold exactly the blocks of ``new``: a block it lacks, or one that
    no case produces (a renamed step, a typo), is an error naming them.
    """
    blocks = find(text, where)
    missing = [name for name in new if name not in blocks]
    unknown = [name for name in blocks if name not in new]
    if missing:
        raise MarkerError(f"{where} has no markers for {len(missing)} block(s): {', '.join(missing[:6])}"
                          + (" …" if len(missing) > 6 else ""))
    if unknown:
        raise MarkerError(f"{where} has markers no case produces: {', '.join(unknown[:6])}"
                          + (" …" if len(unknown) > 6 else ""))
    pieces, position = [], 0
    for block in sorted(blocks.values(), key=lambda b: b.start):
        pieces += [text[position:block.start], new[block.name]]
        position = block.end
    pieces.append(text[position:])
    return "".join(pieces)
