"""Faults of the theme's own text, outside our blocks: findings for the theme.

Our pages are the theme's files with the blocks rendered in; outside the blocks we change
nothing, not even a fault (the release is the page readers get). So a fault there is
reported, as a finding for the theme, by ``apidocs lint``, and left in ``page/``. Each
rule is a pattern and what is wrong with what it matches: one registry, no branches.
Pure functions: text in, findings out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Iterable

from apidocs.core.content import PackageLink
from apidocs.render import markers


@dataclass(frozen=True)
class Rule:
    """A fault a theme template can have outside the blocks."""

    pattern: re.Pattern[str]
    problem: str


@dataclass(frozen=True)
class ThemeFinding:
    """One fault, where it is: ``page/<page>.html:56: …``."""

    where: str
    line: int
    problem: str
    text: str



RULES = (
    # a reader of the German page gets an English tooltip (the page's other buttons use _())
    Rule(re.compile(r'data-tooltip="(?!\{\{)[^"]+"'), "a tooltip that is not translatable (wrap it in _())"),
    # "Endpoint::" on the page: the colon is already in the translated label
    Rule(re.compile(r'\{\{ _\("[^"]*:"\) \}\}:'), "a label with its colon twice"),
)


def theme_findings(text: str, where: str) -> list[ThemeFinding]:
    """Every rule's matches in ``text`` outside its blocks, in page order."""
    inside = [(span.start, span.end) for span in markers.find(text, where).values()]
    found = [(match.start(), rule.problem, match.group(0)) for rule in RULES for match in rule.pattern.finditer(text)
             if not any(start <= match.start() < end for start, end in inside)]
    return [ThemeFinding(where, text.count("\n", 0, offset) + 1, problem, matched)
            for offset, problem, matched in sorted(found)]


def link_findings(text: str, where: str, links: Iterable[PackageLink],
                  project_urls: Callable[[PackageLink], list[str]]) -> list[ThemeFinding]:
    """Every package link of ``text`` (of ``links``, the docs project's) its package's metadata
    does not name (``project_urls`` reads them, only for a page that has such a link)."""
    found = []
    for link in links:
        for match in link.pattern.finditer(text):
            named = project_urls(link)
            if match.group(1).rstrip("/") not in {url.rstrip("/") for url in named}:
                problem = (f"links {link.package}'s code at {match.group(1)}, but the package's metadata names"
                           f" {', '.join(named) or 'no project URL'}")
                found.append(ThemeFinding(where, text.count("\n", 0, match.start()) + 1, problem, match.group(0)))
    return found


def summary(findings: list[ThemeFinding]) -> list[str]:
    """One line for each fault in each file, with the lines it is on (a fault repeated on
    every copy button is one finding, not twenty)."""
    lines: dict[tuple[str, str, str], list[int]] = {}
    for finding in findings:
        lines.setdefault((finding.where, finding.problem, finding.text), []).append(finding.line)
    return [f"{where}:{','.join(map(str, at))}: {problem}: {text}" for (where, problem, text), at in lines.items()]
