"""What a link check found, and how it is told: each served page with its links, what each
link's target answered, which links are broken, and the external links (checked or only
listed) as console lines, Markdown (``links.md``) and JSON (``links.json``).

Pure: :mod:`apidocs.entry.commands.links` fetches the pages and targets, and writes the files.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Iterable

from apidocs.core.messages import apidocs_command
from apidocs.render.links import Answer, Expected, Found, Target, made_links, placed, target_of


@dataclass(frozen=True)
class Link:
    """A link of a served page: as its HTML has it, where it leads, and whether our template
    made it (None: the page's links could not be matched with the template's)."""

    found: Found
    target: Target
    ours: bool | None


@dataclass(frozen=True)
class ServedPage:
    """One of our pages as the app served it, with the links on it."""

    name: str
    url: str
    #: our template of it, as the user reads its path
    template: str
    answer: Answer
    #: the ``url_for`` endpoints the template uses (:func:`apidocs.render.links.url_for_endpoints`)
    endpoints: tuple[str, ...]
    #: each endpoint → the links it made on the page; None when the page's links were not matched
    made: dict[str, tuple[str, ...]] | None = None
    links: tuple[Link, ...] = ()
    #: links that lead nowhere a request can check (``#``, ``mailto:``…)
    without_target: int = 0

    @property
    def problem(self) -> str | None:
        """Why the page itself fails: it must answer 200 with HTML. Flask answers 500 when a
        ``url_for`` names no route of the app, so a 200 means every endpoint was built."""
        if self.answer.status == 200 and self.answer.document is not None:
            return None
        status = self.answer.status
        why = self.answer.problem() or ("not an HTML page" if status == 200 else f"HTTP {status}")
        if status == 500:
            why += (f" (a url_for naming no route of the app makes a 500; {self.template} uses"
                    f" {', '.join(self.endpoints)})")
        return why


def served_page(name: str, url: str, template: str, endpoints: list[str], expected: list[Expected],
                answer: Answer, app: str) -> ServedPage:
    """The page ``url`` answered with ``answer``: its links classified, and matched with its
    template's (``expected``: :func:`apidocs.render.links.template_anchors`)."""
    page = ServedPage(name, url, template, answer, tuple(endpoints))
    document = answer.document
    if page.problem or document is None:
        return page
    positions = placed(expected, document)
    ours = set(positions or ())
    targets = [(index, found, target_of(found.value, url, app)) for index, found in enumerate(document.links)]
    links = tuple(Link(found, target, index in ours if positions is not None else None)
                  for index, found, target in targets if target)
    made = made_links(expected, document, positions) if positions is not None else None
    return ServedPage(name, url, template, answer, tuple(endpoints), made, links, len(targets) - len(links))


@dataclass(frozen=True)
class Broken:
    """A link that fails (or a page that does), named as a reader finds it."""

    page: str
    link: str
    problem: str
    internal: bool


@dataclass(frozen=True)
class LinkCheck:
    """A check of every page's links against the app at ``app``."""

    app: str
    pages: tuple[ServedPage, ...]
    #: what each target URL answered: every internal one, the external ones when they were checked
    answers: dict[str, Answer]
    external_checked: bool
    seconds: float

    def answer(self, link: Link | None) -> Answer | None:
        return self.answers.get(link.target.url) if link else None

    def problem(self, link: Link) -> str | None:
        answer = self.answer(link)
        return answer.problem(link.target.fragment) if answer else None

    def broken_links(self) -> list[Broken]:
        """Every link whose target failed, in page order."""
        return [Broken(page.name, link.found.html(), problem, link.target.internal)
                for page in self.pages for link in page.links if (problem := self.problem(link))]

    def broken(self) -> list[Broken]:
        """Every page that failed, then every link that did: what fails the check."""
        return [Broken(page.name, page.url, page.problem, True) for page in self.pages if page.problem] + \
            self.broken_links()

    def external(self) -> dict[str, list[tuple[ServedPage, Link]]]:
        """Each external URL → where it is linked (page, link), in page order."""
        return {url: [(page, link) for page in self.pages for link in page.links if link.target.url == url]
                for url in target_urls(self.pages, internal=False)}

    def notes(self) -> dict[str, str]:
        """Each internal URL whose answer has a note (where its redirects end, when that fails)."""
        return {url: answer.note for url in target_urls(self.pages, internal=True)
                if (answer := self.answers.get(url)) and answer.note}

    def unreachable(self) -> list[str]:
        """The external URLs checked that gave no answer at all (no status)."""
        return [url for url in self.external() if (answer := self.answers.get(url)) and answer.status is None]


def target_urls(pages: Iterable[ServedPage], internal: bool) -> list[str]:
    """Every internal (or every external) target of the pages' links, each once, in page order."""
    return list(dict.fromkeys(link.target.url for page in pages for link in page.links
                              if link.target.internal == internal))


#: What the notes are (:meth:`LinkCheck.notes`), after their number.
NOTES_SAY = ("internal URLs answer below 400 (not broken) and redirect to an answer that fails (a reader who is signed"
             " in is not sent there)")
#: Who wrote a link, as the report says it (``Link.ours``).
AUTHOR = {True: "{template}", False: "the theme's base template", None: "unknown (page not matched)"}


def author(page: ServedPage, link: Link) -> str:
    return AUTHOR[link.ours].format(template=page.template)


def said(answer: Answer | None, fragment: str = "") -> str:
    """A target's answer in a few words: its problem, its status, or that it was not asked."""
    if answer is None:
        return "not checked"
    if problem := answer.problem(fragment):
        return problem
    return f"HTTP {answer.status}" + (f" → {answer.moved_to}" if answer.moved_to else "")


def endpoint_rows(check: LinkCheck, page: ServedPage) -> list[tuple[str, str, str]]:
    """(``url_for("endpoint")``, the link it made, what that answered) for each endpoint of the page."""
    if page.made is None:
        return [(f'url_for("{endpoint}")', "", "built (the page answered 200); its link not found: the served"
                 f" page's links are not {page.template}'s") for endpoint in page.endpoints]
    by_value = {link.found.value: link for link in page.links}
    made = [(endpoint, href, by_value.get(href)) for endpoint in page.endpoints for href in page.made.get(endpoint, ())]
    return [(f'url_for("{endpoint}")', href, said(check.answer(link), link.target.fragment) if link
             else "leads nowhere a request can check") for endpoint, href, link in made] + [
        (f'url_for("{endpoint}")', "", "built (the page answered 200), not used in a link")
        for endpoint in page.endpoints if endpoint not in page.made]


def counts(page: ServedPage) -> str:
    internal = sum(link.target.internal for link in page.links)
    return (f"{len(page.links) + page.without_target} links: {internal} internal,"
            f" {len(page.links) - internal} external, {page.without_target} without a target")


def console_lines(check: LinkCheck) -> list[str]:
    """What ``apidocs links`` prints: each page (its url_for links, its broken links), the
    external links, and a summary."""
    lines = []
    broken = check.broken_links()
    for page in check.pages:
        if page.problem:
            lines.append(f"FAIL page {page.name}: {page.url}: {page.problem}")
            continue
        lines.append(f"page {page.name}: {page.url}: HTTP 200, so every url_for of {page.template} built; "
                     + counts(page))
        lines += [f"  {call} → {href or '-'} ({answer})" for call, href, answer in endpoint_rows(check, page)]
        lines += [f"  BROKEN page {b.page}: {b.link} → {b.problem}" for b in broken if b.page == page.name
                  and b.internal]
    if notes := check.notes():
        lines.append(f"notes: {len(notes)} {NOTES_SAY}:")
        lines += [f"  {url} → {check.answers[url].status}: {note}" for url, note in notes.items()]
    external = check.external()
    heading = "checked" if check.external_checked else "listed, not checked: --external checks them"
    lines.append(f"external links: {len(external)} ({heading})")
    for url, places in external.items():
        where = ", ".join(dict.fromkeys(f"{page.name} ({author(page, link)})" for page, link in places))
        answer = check.answers.get(url)
        verdict = f" → {said(answer)}" if answer else ""
        lines.append(f"  {'FAILED ' if answer and answer.problem() else ''}{url}{verdict} — on {where}")
    lines.append(summary(check))
    return lines


def summary(check: LinkCheck) -> str:
    """One line: pages, internal links checked and broken, external URLs listed or checked and failed."""
    internal = sum(link.target.internal for page in check.pages for link in page.links)
    broken = sum(b.internal for b in check.broken())
    external = check.external()
    failed = sum(bool(answer.problem()) for url in external if (answer := check.answers.get(url)))
    told = f"checked: {failed} failed" if check.external_checked else "listed"
    return (f"{len(check.pages)} pages, {internal} internal links ({len(target_urls(check.pages, True))} URLs)"
            f" checked: {broken} broken; {len(external)} external URLs {told}; in {check.seconds:.1f} s")


def as_json(check: LinkCheck) -> str:
    """``links.json``: every page, link and answer, for a job or a script to read."""
    def link_entry(link: Link) -> dict:
        answer = check.answer(link)
        return {"tag": link.found.tag, "value": link.found.value, "url": link.target.url,
                "fragment": link.target.fragment, "internal": link.target.internal, "ours": link.ours,
                "status": answer.status if answer else None, "problem": check.problem(link)}

    return json.dumps({
        "app": check.app, "ok": not check.broken(), "external_checked": check.external_checked,
        "seconds": round(check.seconds, 3),
        "pages": [{"name": page.name, "url": page.url, "template": page.template, "status": page.answer.status,
                   "problem": page.problem, "endpoints": list(page.endpoints),
                   "made": {e: list(hrefs) for e, hrefs in page.made.items()} if page.made is not None else None,
                   "without_target": page.without_target, "links": [link_entry(link) for link in page.links]}
                  for page in check.pages],
        "external": [{"url": url, "pages": list(dict.fromkeys(page.name for page, _ in places)),
                      "status": answer.status if (answer := check.answers.get(url)) else None,
                      "problem": answer.problem() if answer else None} for url, places in check.external().items()],
        "broken": [vars(b) for b in check.broken()],
        "notes": check.notes(),
    }, indent=2, ensure_ascii=False) + "\n"


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    cells = [header, tuple("---" for _ in header), *rows]
    return ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in cells]


def markdown(check: LinkCheck) -> str:
    """``links.md``: the verdict, the broken links, each url_for's link, the external links."""
    broken = check.broken()
    lines = ["# Links on our pages", "", f"App: {check.app}. {summary(check)}.", "",
             "**Broken: none.**" if not broken else f"**Broken: {len(broken)}.**", ""]
    if broken:
        lines += _table(("page", "link", "problem"), [(b.page, f"`{b.link}`", b.problem) for b in broken]) + [""]
    lines += ["## url_for endpoints", ""]
    lines += _table(("page", "endpoint", "link", "answer"),
                    [(page.name, f"`{call}`", f"`{href}`" if href else "", answer)
                     for page in check.pages if not page.problem for call, href, answer in endpoint_rows(check, page)])
    if notes := check.notes():
        lines += ["", "## Notes", "", f"{len(notes)} {NOTES_SAY}.", ""]
        lines += _table(("link", "answer", "note"),
                        [(url, said(check.answers[url]), note) for url, note in notes.items()])
    lines += ["", "## External links", "",
              f"Checked ({apidocs_command('links --external')})." if check.external_checked
              else f"Listed, not checked: {apidocs_command('links --external')} checks them.", ""]
    lines += _table(("link", "pages", "written in", "answer"), [
        (url, ", ".join(dict.fromkeys(page.name for page, _ in places)),
         ", ".join(dict.fromkeys(author(page, link) for page, link in places)),
         said(check.answers.get(url)))
        for url, places in check.external().items()])
    lines += ["", "## Pages", ""]
    lines += _table(("page", "URL", "answer", "links"),
                    [(page.name, page.url, page.problem or "HTTP 200", "" if page.problem else counts(page))
                     for page in check.pages])
    return "\n".join(lines) + "\n"
