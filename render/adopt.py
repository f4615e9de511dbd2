"""Adopt a theme template: put our markers around every block the page already shows.

The theme's template of a page (``page/`` holds our copies) shows each block
in a place its own structure names: a step's "Endpoint:" line with its "Token Required:"
answer (and, for a search, its "Query Parameters:" line) after it, then the preformatted
areas under a label (``cURL``, ``Python (requests)``, ``Example Response (HTTP 200 - OK)``,
``Example Response Headers``), and the inline parameter examples (``<code>q=…</code>``).
:func:`adopt` finds each block there and wraps it in a marker pair; it changes nothing
else, so removing the markers gives back the input byte for byte.

How a block is found:

- the n-th "Endpoint:" line is the n-th step with an endpoint block, in page order; its
  "Token Required:" answer and "Query Parameters:" line are the first after it;
- a preformatted area belongs to the case of the last Endpoint line above it, and its
  kind is its label's (the last ``<strong>`` above it): the n-th area of a kind in a
  case is the n-th step of the case with a block of that kind;
- a status block is the ``(HTTP …)`` of the label above its step's answer;
- an inline example is the first ``<code>NAME=…</code>``, NAME its parameter;
- a transcript (a notebook's cells, which have no Endpoint line) is a preformatted area
  holding a ``[1]:`` prompt: the n-th such area is the page's n-th transcript block.

Each marker keeps the rendered HTML as it was: a begin marker strips the whitespace
before it (``{#-``) only where the block's own first tag did so, or there is none.
Pure functions: text in, text out.
"""

from __future__ import annotations

import difflib
import enum
import itertools
import re
from dataclasses import dataclass
from typing import Iterable, Iterator, Mapping

from apidocs.core.blocks import (
    ENDPOINT,
    HEADERS,
    INLINE,
    INLINE_KINDS,
    QUERY,
    RESPONSE,
    STATUS,
    TOKEN_REQUIRED,
    TRANSCRIPT,
    kind_of,
)
from apidocs.core.languages import REGISTRY
from apidocs.render import markers
from apidocs.render.errors import MarkerError

_PRE = re.compile(r"PREFORMATTED AREA TEXT BEGIN #+ -?#\}(.*?)\{#-?\s*#+ PREFORMATTED AREA TEXT END", re.S)
_LABEL = re.compile(r"<strong>(.*?)</strong>", re.S)
_ENDPOINT = re.compile(r"Endpoint:.*?</strong>\s*<code>(.*?)</code>", re.S)
_STATUS = re.compile(r"\((HTTP [^)]*)\)")
#: a notebook's first prompt, at the start of a line of a preformatted area
_PROMPT = re.compile(r"^\[1\]: ", re.M)
#: a claim line's answer: after its label's ``</strong>``, up to the end of the paragraph
_CLAIM_LABELS = {TOKEN_REQUIRED: "Token Required:", QUERY: "Query Parameters:"}
#: the labels of a recorded answer's area, the more specific first
_ANSWER_LABELS = ((HEADERS, "Example Response Headers"), (RESPONSE, "Example Response"))
_STRIPPING = ("{%-", "{{-", "{#-")


@dataclass(frozen=True)
class Span:
    """Where one block's text sits in the unmarked template."""

    name: str
    start: int
    end: int


class AdoptError(MarkerError):
    """A block of the page has no place in the template (exit 2, the file is left as it is)."""


class Prose(enum.Enum):
    """How our page's text outside the blocks stands to a theme release's."""

    SAME = "same"  # the release's, byte for byte
    AHEAD = "ahead"  # the release's with text added (a new case's section): none of it changed
    CHANGED = "changed"  # some of the release's text is changed or gone: take the release's prose in


def adopt(text: str, contents: Mapping[str, str], where: str = "the template") -> str:
    """``text`` with a marker pair around each block of ``contents`` (name → template
    source, the names in page order); a template that already has markers is returned
    as it is (its markers are :func:`markers.replace`'s to check)."""
    if markers.find(text, where):
        return text
    return mark(text, locate(text, contents, where))


def locate(text: str, contents: Mapping[str, str], where: str = "the template") -> list[Span]:
    """Where each block sits; :class:`AdoptError` names every block it cannot place."""
    found: dict[str, Span] = {}
    misses: list[str] = []
    names = list(contents)
    claims = _claim_spans(text, names, found, misses)
    _transcript_spans(text, names, found, misses)
    _area_spans(text, names, claims, found, misses)
    _inline_spans(text, contents, found, misses)
    misses += [f"{name} (no \"Example Response (HTTP …)\" label above its step's answer)" for name in names
               if name not in found and kind_of(name) == STATUS and not any(m.startswith(_step(name)) for m in misses)]
    if misses:
        raise AdoptError(f"{where}: cannot place {len(misses)} block(s): " + "; ".join(misses))
    return sorted(found.values(), key=lambda span: span.start)


def mark(text: str, spans: Iterable[Span]) -> str:
    """``text`` with each span between its markers (spans sorted, none overlapping)."""
    pieces, position = [], 0
    for span in spans:
        body = text[span.start:span.end]
        pieces += [text[position:span.start], _begin(span.name, text[:span.start], body), body,
                   _end(body, text[span.end:])]
        position = span.end
    pieces.append(text[position:])
    return "".join(pieces)


def outside(text: str, where: str = "the template") -> list[str]:
    """The template's text outside its blocks, piece by piece (markers left out): what a
    render may never change."""
    pieces, position = [], 0
    for span in sorted(markers.find(text, where).values(), key=lambda s: s.start):
        pieces.append(markers.without(text[position:span.start]))
        position = span.end
    pieces.append(markers.without(text[position:]))
    return pieces


#: How many of our cases a release may lack (new cases not in it yet) for :func:`compare_prose` to find them.
NEW_CASES_AT_MOST = 2


@dataclass(frozen=True)
class ProseComparison:
    """How our page stands to a release's file: the verdict, the lines ours adds, and the
    cases whose blocks the release has no place for (new cases, not released yet)."""

    prose: Prose
    added: tuple[str, ...] = ()
    new_cases: tuple[str, ...] = ()


Fitting = tuple[tuple[str, ...], str]


def fittings(theirs: str, contents: Mapping[str, str], where: str = "the template") -> Iterator[Fitting]:
    """Each way ``theirs`` takes our blocks, the fewest cases left out first (new cases, not
    released yet, have no place in it): the cases left out, and the file adopted without them.
    The blocks are placed by position, so which cases are left out matters."""
    cases = list(dict.fromkeys(_case(name) for name in contents))
    for size in range(NEW_CASES_AT_MOST + 1):
        for left_out in itertools.combinations(cases, size):
            try:
                yield left_out, adopt(theirs, {n: t for n, t in contents.items() if _case(n) not in left_out}, where)
            except AdoptError:
                continue


def new_cases(theirs: str, contents: Mapping[str, str], where: str = "the template") -> tuple[str, ...]:
    """The cases of ``contents`` that ``theirs`` has no place for (the fewest that let it be adopted)."""
    return next((left_out for left_out, _ in fittings(theirs, contents, where)), ())


def compare_prose(ours: str, theirs: str, where: str = "the template") -> ProseComparison:
    """How ``ours`` (a page with markers) differs from ``theirs`` (a release's file, marked or
    not) outside the blocks: the release's file adopted with our blocks, leaving out the
    new cases it has no place for, then compared line by line."""
    mine = "".join(outside(ours, where)).splitlines(keepends=True)
    for left_out, marked in fittings(theirs, markers.contents(ours, where), where):
        release = "".join(outside(marked, where)).splitlines(keepends=True)
        operations = difflib.SequenceMatcher(None, release, mine, autojunk=False).get_opcodes()
        if any(tag in ("replace", "delete") for tag, *_ in operations):
            continue
        added = tuple(line for tag, _, _, start, end in operations if tag == "insert" for line in mine[start:end])
        return ProseComparison(Prose.AHEAD if added else Prose.SAME, added, left_out)
    return ProseComparison(Prose.CHANGED)


# ------------------------------------------------------------------ markers that keep the HTML
def _begin(name: str, before: str, body: str) -> str:
    """The begin marker: ``{#-`` where it strips what the block's first tag stripped, or nothing."""
    strips = not before[-1:].isspace() or body.startswith(_STRIPPING)
    return markers.begin(name) if strips else markers.begin(name).replace("{#-", "{#", 1)


def _end(body: str, after: str) -> str:
    """The end marker: ``{#-`` where it strips what the next tag would strip, or nothing."""
    strips = not body[-1:].isspace() or after.startswith(_STRIPPING)
    return markers.END if strips else markers.END.replace("{#-", "{#", 1)


# ------------------------------------------------------------------ finding the blocks
def _step(name: str) -> str:
    return name.rsplit("/", 1)[0]


def _case(name: str) -> str:
    return name.split("/", 1)[0]


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _claim_spans(text: str, names: list[str], found: dict[str, Span], misses: list[str]) -> list[tuple[int, str]]:
    """The Endpoint lines, their Token Required answers and Query Parameters lines; returns
    each placed step's Endpoint offset (for the areas below it)."""
    lines = list(_ENDPOINT.finditer(text))
    steps = [_step(n) for n in names if kind_of(n) == ENDPOINT]
    placed: list[tuple[int, str]] = []
    for index, step in enumerate(steps):
        if index >= len(lines):
            misses.append(f"{step}/{ENDPOINT} (the page has {len(lines)} \"Endpoint:\" line(s), this is step"
                          f" {index + 1})")
            continue
        line = lines[index]
        found[f"{step}/{ENDPOINT}"] = Span(f"{step}/{ENDPOINT}", line.start(1), line.end(1))
        placed.append((line.start(), step))
        stop = lines[index + 1].start() if index + 1 < len(lines) else len(text)
        for kind, label in _CLAIM_LABELS.items():
            if f"{step}/{kind}" in names:
                _claim_answer(text, f"{step}/{kind}", label, (line.end(), stop), found, misses)
    return placed


def _claim_answer(text: str, name: str, label: str, window: tuple[int, int], found: dict[str, Span],
                  misses: list[str]) -> None:
    """The answer after ``label``'s ``</strong>``, up to ``</p>``, trimmed, inside ``window``."""
    pattern = re.compile(re.escape(label) + r".*?</strong>\s*(.*?)\s*</p>", re.S)
    match = pattern.search(text, *window)
    if match is None or not match.group(1):
        misses.append(f"{name} (no \"{label}\" line between line {_line(text, window[0])} and line"
                      f" {_line(text, window[1])})")
        return
    found[name] = Span(name, match.start(1), match.end(1))


def _area_kind(label: str) -> str | None:
    """The block kind a preformatted area's label announces, or None."""
    for kind, words in _ANSWER_LABELS:
        if words in label:
            return kind
    plain = re.sub(r"\{\{.*?\}\}", "", label).strip()
    return next((name for name, language in REGISTRY.items() if plain.startswith(language.label)), None)


def _area_spans(text: str, names: list[str], claims: list[tuple[int, str]], found: dict[str, Span],
                misses: list[str]) -> None:
    """Each preformatted area, by its case (the last Endpoint line above it) and its label's kind."""
    wanted: dict[tuple[str, str], list[str]] = {}
    for name in names:
        if kind_of(name) not in (*INLINE_KINDS, TRANSCRIPT):
            wanted.setdefault((_case(name), kind_of(name)), []).append(name)
    seen: dict[tuple[str, str], int] = {}
    taken = {span.start for span in found.values()}
    for area in _PRE.finditer(text):
        if area.start(1) in taken:  # a transcript's
            continue
        above = [step for offset, step in claims if offset < area.start()]
        labels = list(_LABEL.finditer(text, 0, area.start()))
        kind = _area_kind(labels[-1].group(1)) if labels else None
        if not above or kind is None:
            misses.append(f"the preformatted area at line {_line(text, area.start())} (no case's Endpoint line"
                          " or no cURL, Python or Example Response label above it)")
            continue
        key = (_case(above[-1]), kind)
        index = seen[key] = seen.get(key, -1) + 1
        candidates = wanted.get(key, [])
        if index >= len(candidates):
            misses.append(f"the preformatted area at line {_line(text, area.start())} ({kind} of {key[0]}):"
                          f" the case has {len(candidates)} {kind} block(s)")
            continue
        name = candidates[index]
        found[name] = Span(name, area.start(1), area.end(1))
        if kind in (RESPONSE, HEADERS) and f"{_step(name)}/{STATUS}" in names:
            _status_span(text, labels[-1], f"{_step(name)}/{STATUS}", found, misses)
    for key, candidates in wanted.items():
        misses += [f"{name} (the page has {seen.get(key, -1) + 1} {key[1]} area(s) under {key[0]}'s Endpoint lines)"
                   for name in candidates[seen.get(key, -1) + 1:]]


def _transcript_spans(text: str, names: list[str], found: dict[str, Span], misses: list[str]) -> None:
    """Each transcript: the n-th preformatted area with a ``[1]:`` prompt."""
    wanted = [name for name in names if kind_of(name) == TRANSCRIPT]
    areas = [area for area in _PRE.finditer(text) if _PROMPT.search(area.group(1))]
    for name, area in zip(wanted, areas, strict=False):
        found[name] = Span(name, area.start(1), area.end(1))
    misses += [f"{name} (the page has {len(areas)} preformatted area(s) with a \"[1]:\" prompt)"
               for name in wanted[len(areas):]]


def _status_span(text: str, label: re.Match, name: str, found: dict[str, Span], misses: list[str]) -> None:
    status = _STATUS.search(label.group(1))
    if status is None:
        misses.append(f"{name} (no \"(HTTP …)\" in the label at line {_line(text, label.start())})")
        return
    start = label.start(1) + status.start(1)
    found[name] = Span(name, start, start + len(status.group(1)))


def _inline_spans(text: str, contents: Mapping[str, str], found: dict[str, Span], misses: list[str]) -> None:
    """Each inline example: the first ``<code>NAME=…</code>``."""
    for name, source in contents.items():
        if kind_of(name) != INLINE:
            continue
        parameter = source.split("=", 1)[0]
        match = re.search(r"<code>(" + re.escape(parameter) + r"=[^<]*)</code>", text)
        if match is None:
            misses.append(f"{name} (no <code>{parameter}=…</code> on the page)")
            continue
        found[name] = Span(name, match.start(1), match.end(1))
