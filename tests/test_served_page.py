"""The page as readers get it: served by the reference instance's app (TU's theme, its built
assets, its copy buttons' JavaScript), read in a real Chromium through Selenium.

For each page and language (English, German by invenio-i18n's ``?ln=``), every code block's
copy button is clicked and the system clipboard read back (headless Chromium has one; the
origin is granted clipboard access). What lands there must be the verified snippet with the
instance's URL, byte for byte (the file's final newline aside: the theme's handler copies
``innerText.trim()``), and every other block (example responses) the rendered block of our
template. Then the copied Python and cURL are put back as the case's snippets and run
against the instance with `apidocs live`, which fills in the token and ids a reader would.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest
import requests
from conftest import ROOT, run_cli

from apidocs.core.blocks import INLINE_KINDS
from apidocs.core.content import pages
from apidocs.core.languages import REGISTRY, language
from apidocs.core.model import API_URL
from apidocs.render import markers, preview

#: the docs project's pages (cases/project.toml)
PAGES = pages()

pytestmark = pytest.mark.live

CHROMIUM, CHROMEDRIVER = preview.CHROMIUM, "/usr/bin/chromedriver"
#: the preview's flags (without them, Chromium waits for the network this machine does not have)
CHROMIUM_FLAGS = (*preview.CHROMIUM_FLAGS, "--window-size=1280,1000")
LANGUAGES = ("en", "de")
#: written before each click, so a button that copies nothing cannot pass with the last block's text
SENTINEL = "apidocs: nothing copied"
READ_CLIPBOARD = ("const done = arguments[arguments.length - 1];"
                  "navigator.clipboard.readText().then(done, (e) => done('apidocs: clipboard error ' + e));")
WRITE_CLIPBOARD = ("const done = arguments[arguments.length - 1];"
                   "navigator.clipboard.writeText(arguments[0]).then(() => done(true), () => done(false));")
ENDPOINT = re.compile(r'\{\{ _\("Endpoint:"\) \}\}\s*</strong>\s*<code>(.*?)</code>')
#: another site's API (staging, the nightly job's optional step): the same checks, read-only
SERVED_API_URL = os.environ.get("APIDOCS_SERVED_API_URL", "").rstrip("/")
TEMPLATE_ERRORS = ("Traceback", "TemplateSyntaxError", "UndefinedError", "Internal Server Error", "jinja2.")


@pytest.fixture(scope="module")
def site(request) -> tuple[str, str]:
    """(the app's origin, its API URL as pages show it): $APIDOCS_SERVED_API_URL's, else the
    reference instance's."""
    api_url = SERVED_API_URL or request.getfixturevalue("instance_env")["DOCS_API_URL"]
    return api_url.removesuffix("/api"), api_url


@pytest.fixture(scope="module")
def browser(site):
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is a test extra: pip install -e '.[test]'")
    from selenium.webdriver.chrome.service import Service

    for program in (CHROMIUM, CHROMEDRIVER):
        assert Path(program).exists(), f"{program} is missing: run `make system-deps`"
    profile = tempfile.mkdtemp(prefix="apidocs-served-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_script_timeout(10)
    driver.execute_cdp_cmd("Browser.grantPermissions", {
        "origin": site[0], "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]})
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


def expected_blocks(page, api_url: str) -> list[tuple[str, str]]:
    """(block name, the text its copy button must copy), in page order, from our template."""
    text = page.path.read_text(encoding="utf-8")
    found = sorted(markers.find(text).values(), key=lambda block: block.start)
    expected = []
    for block in (b for b in found if b.kind not in INLINE_KINDS):
        case, step, kind = block.name.split("/")
        if kind in REGISTRY:  # a snippet: the verified file itself
            shown = (ROOT / "cases" / "snippets" / case / f"{step}{language(kind).suffix}").read_text(encoding="utf-8")
        else:  # an example response: the block as rendered into our template (HTML: entities decoded)
            shown = html.unescape(text[block.start:block.end])
        expected.append((block.name, shown.replace(API_URL, api_url).strip()))
    return expected


def copy_every_block(driver) -> list[str]:
    """Click each code block's copy button; what the clipboard holds after each click."""
    from selenium.webdriver.common.by import By

    copied = []
    for block in driver.find_elements(By.CSS_SELECTOR, "pre.code-block"):
        assert driver.execute_async_script(WRITE_CLIPBOARD, SENTINEL), "the clipboard cannot be written"
        button = block.find_element(By.CSS_SELECTOR, ".copy-btn")
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
        button.click()
        for _ in range(20):  # the handler writes asynchronously
            text = driver.execute_async_script(READ_CLIPBOARD)
            if text != SENTINEL:
                break
        copied.append(text)
    return copied


@pytest.fixture(scope="module")
def served(browser, site) -> dict[tuple[str, str], dict]:
    """Each page in each language: its HTML (as the app sent it) and what each button copied."""
    origin, _ = site
    pages = {}
    for page in PAGES.values():
        for ln in LANGUAGES:
            url = f"{origin}{page.served_at}?ln={ln}"
            answer = requests.get(url, timeout=60)
            browser.get(url)
            pages[page.name, ln] = {"status": answer.status_code, "html": answer.text,
                                    "lang": browser.execute_script("return document.documentElement.lang"),
                                    "copied": copy_every_block(browser)}
    return pages


@pytest.mark.parametrize("ln", LANGUAGES)
@pytest.mark.parametrize("name", list(PAGES))
def test_served_without_template_error_in_the_language(served, name, ln):
    page = served[name, ln]
    assert page["status"] == 200
    assert page["lang"] == ln, f"the app served {name} in {page['lang']!r}, not {ln!r}"
    assert not [word for word in TEMPLATE_ERRORS if word in page["html"]]
    assert "apidocs:begin" not in page["html"]  # our markers are Jinja comments: never served


@pytest.mark.parametrize("ln", LANGUAGES)
@pytest.mark.parametrize("name", list(PAGES))
def test_every_copy_button_copies_the_verified_text(served, site, name, ln):
    expected = expected_blocks(PAGES[name], site[1])
    copied = served[name, ln]["copied"]
    assert len(copied) == len(expected), f"{len(copied)} code blocks served, our template has {len(expected)}"
    for (block, text), got in zip(expected, copied, strict=True):
        assert got == text, f"{block}: the copy button copied\n{got!r}\nnot\n{text!r}"


@pytest.mark.parametrize("name", [name for name, page in PAGES.items() if ENDPOINT.search(page.path.read_text())])
def test_endpoint_lines_are_the_templates(served, name):
    # the template's Endpoint lines, as the app shows them: Jinja drops the markers (comments)
    wanted = [re.sub(r"\{#.*?#\}", "", line) for line in ENDPOINT.findall(PAGES[name].path.read_text(encoding="utf-8"))]
    for ln in LANGUAGES:
        shown = re.findall(r"</strong>\s*<code>(.*?)</code>", served[name, ln]["html"])
        assert wanted and all(line in shown for line in wanted), (ln, wanted, shown)


def test_copied_snippets_work_when_pasted(served, site, cases_copy, request):
    """The English pages' copies, put back as the snippets (the instance's URL as the page's
    placeholder again, the final newline the file had), run live: each step must do what
    the case verified (status, fields, effect), Python and cURL alike. Against another
    site ($APIDOCS_SERVED_API_URL): read-only, the steps that need no token."""
    _, api_url = site
    for page in PAGES.values():
        for (block, _), got in zip(expected_blocks(page, api_url), served[page.name, "en"]["copied"], strict=True):
            case, step, kind = block.split("/")
            if kind in REGISTRY:
                target = cases_copy / "snippets" / case / f"{step}{language(kind).suffix}"
                target.write_text(got.replace(api_url, API_URL) + "\n", encoding="utf-8")
    if SERVED_API_URL:
        done = run_cli("live", "--read-only", "--cases-dir", str(cases_copy),
                       env={"DOCS_API_URL": SERVED_API_URL}, timeout=900)
    else:
        instance_env = request.getfixturevalue("instance_env")
        env = {key: value for key, value in instance_env.items() if key.startswith("DOCS_")}
        done = run_cli("live", "--cases-dir", str(cases_copy), env=env, timeout=900)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]


STYLESHEET = re.compile(r'<link[^>]*rel="stylesheet"[^>]*href="([^"]+)"|<link[^>]*href="([^"]+\.css)"')


def stylesheets(url: str) -> list[str]:
    answer = requests.get(url, timeout=30)
    assert answer.status_code == 200, url
    return sorted({a or b for a, b in STYLESHEET.findall(answer.text)})


@pytest.mark.parametrize("page", list(PAGES.values()), ids=list(PAGES))
def test_each_page_loads_the_stylesheets_of_the_themes_own_about_pages(page, instance_env):
    """Our pages are the release's: each loads what TU's untouched about page (served by the
    same app from the theme's own template) loads, the about pages' stylesheet included."""
    origin = instance_env["DOCS_API_URL"].removesuffix("/api")
    theirs = stylesheets(f"{origin}/tuw/about")
    assert any("invenio-theme-tuw-about" in href for href in theirs)
    assert stylesheets(origin + page.served_at) == theirs
    assert all(requests.get(origin + href, timeout=30).status_code == 200 for href in theirs)
