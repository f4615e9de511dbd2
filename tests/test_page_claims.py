"""The claims beside each snippet (its Endpoint and Token Required lines, the search's
Query Parameters line) come from the case step and its verified run: a wrong one typed
into a copy of a page fails `make verify` naming the block, and the lines keep the
messages every catalogue translates."""

from __future__ import annotations

import re

import jinja2
import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract
from babel.messages.mofile import write_mo
from babel.support import Translations
from conftest import assert_one_line, run_cli
from test_damap_page import THEME_MESSAGES
from test_render_strings import SEED_MESSAGES

from apidocs.core.content import pages
from apidocs.render import markers, template
from apidocs.render.blocks import TOKEN_ANSWERS
from apidocs.render.preview import environment

#: the docs project's pages (cases/project.toml)
PAGES = pages()

#: How a maintainer might get each claim wrong, from the claim the page has.
WRONG = {
    "endpoint": lambda claim: ("PUT" if not claim.startswith("PUT") else "GET") + claim[claim.index(" "):],
    "token": lambda claim: TOKEN_ANSWERS[claim == TOKEN_ANSWERS[False]],
    "query": lambda claim: claim + ", <code>extra</code>",
}


def wrong_claims(page: str) -> dict[str, str]:
    """The first block of each claim kind on ``page``, with a wrong claim in it."""
    firsts: dict[str, str] = {}
    for name, span in markers.find(template(page).read_text(encoding="utf-8")).items():
        firsts.setdefault(span.kind, name)
    contents = markers.contents(template(page).read_text(encoding="utf-8"))
    return {name: WRONG[kind](contents[name]) for kind, name in firsts.items() if kind in WRONG}


def test_every_wrong_claim_fails_verify_naming_its_block(project_copy):
    """Every wrong claim at once, in a copy of every page: one verify run (a replay of every
    case) must name each claim's block, and its diff must put back each claim the case makes."""
    before, wrong = {}, {}
    for page in PAGES.values():
        path = project_copy / "page" / page.template
        before[page.template] = text = path.read_text(encoding="utf-8")
        if not (claims := wrong_claims(page.name)):  # a page without snippet steps (the VRC page's transcript)
            continue
        wrong[page.template] = claims
        path.write_text(markers.replace(text, {**markers.contents(text), **wrong[page.template]}), encoding="utf-8")
    assert wrong and all(len(claims) >= 2 for claims in wrong.values())
    done = run_cli("verify", "--check-pages", "--project", str(project_copy))
    assert_one_line(done, code=1)
    for page, claims in wrong.items():
        stale = next(line for line in done.stderr.splitlines() if f"page/{page} differs" in line)
        assert f"in {len(claims)} block(s) (" in stale and all(name in stale for name in claims), done.stderr
    removed = {line[1:] for line in done.stdout.splitlines() if line.startswith("-") and not line.startswith("---")}
    added = {line[1:] for line in done.stdout.splitlines() if line.startswith("+") and not line.startswith("+++")}
    now = {line for page in before for line in (project_copy / "page" / page).read_text(encoding="utf-8").splitlines()}
    assert removed and added and removed <= now
    assert added <= {line for text in before.values() for line in text.splitlines()}  # each claim put back


def babel_messages(page: str) -> set:
    """The msgids Babel's Jinja extractor (as the theme's `pybabel extract` runs it) finds in ``page``."""
    with open(template(page), "rb") as source:
        found = extract("jinja2.ext:babel_extract", source, options={"extensions": "jinja2.ext.i18n"})
        return {msgid(message) for _, message, _, _ in found}


def msgid(message: str | tuple) -> str:
    """A message's msgid (a plural or a call with keywords is a tuple whose first item it is)."""
    return message[0] if isinstance(message, tuple) else message


@pytest.mark.parametrize(("page", "today"), [("api", SEED_MESSAGES), ("damap", THEME_MESSAGES)])
def test_babel_extracts_every_message_of_today(page, today):
    assert {msgid(message) for message in today} <= babel_messages(page)


GERMAN = {"Endpoint:": "Endpunkt:", "Token Required:": "Token erforderlich:", "No": "Nein",
          'Yes — generate one <a href="%(token_link)s">here</a>.':
              'Ja — erstellen Sie einen <a href="%(token_link)s">hier</a>.'}


@pytest.mark.parametrize("page", ["api", "damap"])
def test_a_german_catalogue_translates_the_rendered_claims(tmp_path, page):
    catalogue = Catalog(locale="de")
    for msgid, msgstr in GERMAN.items():
        catalogue.add(msgid, msgstr)
    with open(tmp_path / "messages.mo", "wb") as mo:
        write_mo(mo, catalogue)
    with open(tmp_path / "messages.mo", "rb") as mo:
        translations = Translations(mo)
    env: jinja2.Environment = environment(template(page))
    env.install_gettext_translations(translations, newstyle=True)
    html = re.sub(r"\s*(</?strong>)\s*", r"\1", env.get_template(template(page).name).render())  # the theme's layout
    assert "Token erforderlich:</strong>Ja — erstellen Sie einen <a href=" in html
    if page == "api":
        assert "Token erforderlich:</strong>Nein</p>" in html
