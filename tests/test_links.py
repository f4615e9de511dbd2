"""The links of our pages (`apidocs links`), offline: the pure functions on the real page
templates, then the command against a loopback app that serves our templates rendered
through the stand-in base (every ``url_for`` made into a path of its own), with one thing
broken at a time, and against loopback "other sites" for ``--external``."""

from __future__ import annotations

import json
import re

import pytest
from conftest import LoopbackServer, assert_one_line, run_cli
from test_bad_input import closed_port

from apidocs.core.content import pages
from apidocs.render import links, preview
from apidocs.render.errors import RenderError

#: the docs project's pages (cases/project.toml)
PAGES = pages()

HTML = {"Content-Type": "text/html; charset=utf-8"}


def made_path(endpoint: str, **_values) -> str:
    """What the loopback app's ``url_for`` makes: a path of the endpoint's own."""
    return f"/made/{endpoint}"


def served_copy(name: str) -> str:
    """Our template of page ``name`` as the loopback app serves it."""
    return preview.render_html(PAGES[name].path, url_for=made_path)


def endpoints(name: str) -> list[str]:
    return links.url_for_endpoints(PAGES[name].path.read_text(encoding="utf-8"))


# ------------------------------------------------------------------ the pure functions
@pytest.mark.parametrize("name", PAGES)
def test_the_endpoints_are_those_the_template_calls_when_rendered(name):
    called: list[str] = []
    preview.render_html(PAGES[name].path, url_for=lambda endpoint, **_: called.append(endpoint) or "#")
    assert called, f"page/{name}.html calls no url_for: this test has nothing to compare"
    assert endpoints(name) == list(dict.fromkeys(called))


def test_a_url_for_in_a_comment_or_in_text_is_no_endpoint():
    source = PAGES["api"].path.read_text(encoding="utf-8")
    added = (source + '{# url_for("commented.out") #}<pre>url_for("in.text")</pre>'
             '{% set extra = url_for("added.endpoint", record_id=1) %}')
    assert links.url_for_endpoints(added) == [*links.url_for_endpoints(source), "added.endpoint"]


def test_a_template_that_is_not_jinja_is_one_line_naming_it():
    with pytest.raises(RenderError, match=r"^copy\.html:1: not valid Jinja"):
        links.url_for_endpoints("{% if %}", "copy.html")


@pytest.mark.parametrize("name", PAGES)
def test_every_link_and_id_of_a_page_is_found(name):
    html = served_copy(name)
    document = links.parse(html)
    assert [f.value for f in document.links if f.tag == "a"] == re.findall(r'<a\b[^>]*?\shref="?([^" >]*)', html)
    assert set(re.findall(r'\sid="([^"]+)"', html)) <= document.ids


def test_a_link_is_read_as_a_browser_reads_it():
    document = links.parse('<p id=top><a href=#top name="anchor">A &amp;\n <b>B</b></a>'
                           '<link rel="stylesheet" href="/s.css"><script src="/s.js"></script><div href="#">x</div>')
    assert document.links == (links.Found("a", "#top", "A & B"), links.Found("link", "/s.css"),
                              links.Found("script", "/s.js"))
    assert document.ids == {"top", "anchor"}


def frame(body: str) -> str:
    """A page as an app's base template serves it: links of its own around the page's body."""
    return f'<a href="/">Home</a><a href="/help">here</a>{body}<a href="/terms">here</a>'


@pytest.mark.parametrize("name", PAGES)
def test_each_url_for_is_matched_with_the_link_it_made(name):
    expected = links.template_anchors(PAGES[name].path)
    served = links.parse(frame(served_copy(name)))
    positions = links.placed(expected, served)
    assert positions is not None
    assert [served.links[p].value for p in positions] == [f.value for f in links.parse(served_copy(name)).links
                                                          if f.tag == "a"]
    made = links.made_links(expected, served, positions)
    assert made and set(made) <= set(endpoints(name))
    assert made == {endpoint: (made_path(endpoint),) for endpoint in made}


def test_a_served_page_unlike_the_template_is_not_matched():
    expected = links.template_anchors(PAGES["api"].path)
    literal = next(e for e in expected if e.made_by is None)
    changed = served_copy("api").replace(f'href="{literal.href}"', 'href="/elsewhere"', 1)
    assert links.placed(expected, links.parse(frame(changed))) is None


@pytest.mark.parametrize(("value", "target"), [
    ("/help", links.Target("http://app.test:8080/help", "", True)),
    ("other#part", links.Target("http://app.test:8080/pages/other", "part", True)),
    ("#part", links.Target("http://app.test:8080/pages/page", "part", True)),
    ("http://APP.test:8080/x", links.Target("http://APP.test:8080/x", "", True)),
    ("http://app.test/x", links.Target("http://app.test/x", "", False)),
    ("https://app.test:8080/x", links.Target("https://app.test:8080/x", "", False)),
    ("https://elsewhere.test/doc#s", links.Target("https://elsewhere.test/doc", "s", False)),
    ("#", None), ("", None), ("mailto:someone@app.test", None), ("javascript:void(0)", None),
])
def test_where_a_link_leads(value, target):
    assert links.target_of(value, "http://app.test:8080/pages/page", "http://app.test:8080") == target


PAGE_WITH_TOP = links.Answer(200, document=links.Document((), frozenset({"top"})))


@pytest.mark.parametrize(("answer", "fragment", "problem"), [
    (links.Answer(200), "", None),
    (links.Answer(302, moved_to="http://app.test/login"), "", None),
    (links.Answer(404), "", "HTTP 404"),
    (links.Answer(error="could not connect: Connection refused"), "", "could not connect: Connection refused"),
    (PAGE_WITH_TOP, "top", None),
    (PAGE_WITH_TOP, "gone", "no element with id 'gone' on that page"),
    (links.Answer(200), "unread", None),  # another site's page is not read for its ids
])
def test_what_breaks_a_link(answer, fragment, problem):
    assert answer.problem(fragment) == problem


# ------------------------------------------------------------------ the command, against loopback apps
class App(LoopbackServer):
    """An app serving our pages (the stand-in's rendering, :func:`served_copy`) and every
    path a ``url_for`` made; ``pages``, ``answers`` and ``once`` (answered once, then as
    before) change what it says."""

    Answer = tuple[int, dict[str, str], bytes]

    def __init__(self) -> None:
        self.pages = {PAGES[name].served_at: served_copy(name) for name in PAGES}
        self.answers: dict[str, App.Answer] = {}
        self.once: dict[str, App.Answer] = {}
        self.hits: dict[str, int] = {}
        super().__init__(lambda method, path, headers, body: self.answer(path))

    def answer(self, path: str) -> App.Answer:
        self.hits[path] = self.hits.get(path, 0) + 1
        if path in self.once:
            return self.once.pop(path)
        if path in self.answers:
            return self.answers[path]
        if path in self.pages:
            return 200, HTML, self.pages[path].encode()
        return (200, HTML, b"<html></html>") if path.startswith("/made/") else (404, HTML, b"not found")

    @property
    def origin(self) -> str:
        return self.url.removesuffix("/api")


@pytest.fixture
def app():
    server = App()
    yield server
    server.close()


def external_links(name: str) -> list[str]:
    """The links to other sites on our template of page ``name`` (served by any app)."""
    return [f.value for f in links.parse(served_copy(name)).links
            if (target := links.target_of(f.value, "http://app.test/", "http://app.test")) and not target.internal]


def test_every_link_of_our_pages_answers(app, tmp_path):
    done = run_cli("links", "--app", app.origin, "--report", str(tmp_path))
    assert done.returncode == 0, done.stdout + done.stderr
    for name in PAGES:
        assert f"page {name}: {app.origin}{PAGES[name].served_at}: HTTP 200" in done.stdout
        for endpoint in endpoints(name):
            assert f'url_for("{endpoint}") → /made/{endpoint} (HTTP 200)' in done.stdout
        for url in external_links(name):
            assert f"  {url} — on " in done.stdout
    assert "listed, not checked: --external checks them" in done.stdout
    report = json.loads((tmp_path / "links.json").read_text())
    assert report["ok"] and not report["broken"]
    assert [page["name"] for page in report["pages"]] == list(PAGES)
    assert "**Broken: none.**" in (tmp_path / "links.md").read_text()


def test_a_broken_internal_link_fails_naming_page_and_link(app):
    broken = made_path(endpoints("api")[-1])
    app.answers[broken] = (404, HTML, b"not found")
    done = run_cli("links", "--app", app.origin)
    assert done.returncode == 1, done.stdout + done.stderr
    assert f'BROKEN page api: <a href="{broken}"> → HTTP 404' in done.stdout
    assert "Traceback" not in done.stdout + done.stderr


def test_a_fragment_without_its_element_is_broken(app):
    fragment = next(e.href for e in links.template_anchors(PAGES["api"].path) if e.href.startswith("#"))
    page = PAGES["api"].served_at
    app.pages[page] = app.pages[page].replace(f'id="{fragment[1:]}"', "")
    done = run_cli("links", "--app", app.origin)
    assert done.returncode == 1, done.stdout
    assert f"BROKEN page api: <a href=\"{fragment}\"> → no element with id '{fragment[1:]}' on that page" in done.stdout


def test_a_page_that_does_not_render_fails_naming_its_endpoints(app):
    app.answers[PAGES["damap"].served_at] = (500, HTML, b"Internal Server Error")
    done = run_cli("links", "--app", app.origin)
    assert done.returncode == 1, done.stdout
    line = next(line for line in done.stdout.splitlines() if line.startswith("FAIL page damap"))
    assert "HTTP 500" in line and all(endpoint in line for endpoint in endpoints("damap"))


def test_a_redirect_to_a_failing_page_is_a_note_not_a_broken_link(app):
    """The app's redirects are mostly to its login: where they end says nothing of the link."""
    made = made_path(endpoints("api")[0])
    app.answers[made] = (302, {"Location": "/login/?next=x"}, b"")
    app.answers["/login/?next=x"] = (500, HTML, b"no login service here")
    done = run_cli("links", "--app", app.origin)
    assert done.returncode == 0, done.stdout
    assert f"{app.origin}{made} → 302: it leads on to {app.origin}/login/?next=x, which answers HTTP 500" in done.stdout


def test_a_429_is_asked_again_after_its_retry_after(app):
    made = made_path(endpoints("api")[0])
    app.once[made] = (429, {"Retry-After": "0"}, b"")
    done = run_cli("links", "--app", app.origin)
    assert done.returncode == 0, done.stdout
    assert app.hits[made] == 2


def test_the_app_down_is_one_line():
    done = run_cli("links", "--app", f"http://127.0.0.1:{closed_port()}")
    assert_one_line(done, "does not answer", "Connection refused", "--app")


@pytest.mark.parametrize(("args", "env", "words"), [
    (["--app", "127.0.0.1:5000"], {}, ["--app='127.0.0.1:5000'", "no scheme"]),
    ([], {}, ["no app to check", "DOCS_API_URL"]),
    (["--app", "http://127.0.0.1:1"], {"DOCS_TIMEOUT": "0"}, ["DOCS_TIMEOUT"]),
])
def test_a_bad_setting_is_one_line(args, env, words):
    done = run_cli("links", *args, env=env)
    assert_one_line(done, *words)


def test_an_unwritable_report_folder_is_found_before_the_check(app, tmp_path):
    (tmp_path / "file").write_text("")
    done = run_cli("links", "--app", app.origin, "--report", str(tmp_path / "file"))
    assert_one_line(done, "cannot write the link report", "not a folder")
    assert not app.hits


@pytest.fixture
def other_site():
    """Another site (another origin: its own port): /ok answers, anything else is gone."""
    server = LoopbackServer(lambda method, path, headers, body: (200, HTML, b"ok") if path == "/ok"
                            else (404, HTML, b"gone"))
    yield server.url.removesuffix("/api")
    server.close()


def test_external_links_are_listed_and_with_external_checked(app, other_site, tmp_path):
    dead = f"http://127.0.0.1:{closed_port()}/"
    app.pages[PAGES["api"].served_at] = (f'<a href="{other_site}/ok">fine</a><a href="{other_site}/moved">gone</a>'
                                         f'<a href="{dead}">dead</a>')
    listed = run_cli("links", "--app", app.origin)
    assert listed.returncode == 0, listed.stdout
    checked = run_cli("links", "--app", app.origin, "--external", "--report", str(tmp_path))
    assert checked.returncode == 1, checked.stdout + checked.stderr
    for done in (listed, checked):
        assert all(f"{url} " in done.stdout for url in (f"{other_site}/ok", f"{other_site}/moved", dead))
    assert f"  {other_site}/ok → HTTP 200 — on api" in checked.stdout
    assert f"  FAILED {other_site}/moved → HTTP 404 — on api" in checked.stdout
    assert f"  FAILED {dead} → could not connect: Connection refused — on api" in checked.stdout
    external = {entry["url"]: entry for entry in json.loads((tmp_path / "links.json").read_text())["external"]}
    assert external[f"{other_site}/moved"]["problem"] == "HTTP 404"
    assert f"| {other_site}/moved | api |" in (tmp_path / "links.md").read_text()


def test_no_network_for_the_external_links_is_said_in_one_line_after_the_report(app, tmp_path):
    """No other site answers (a proxy nobody listens on stands for a machine without network):
    every external link is named as failed, the report is written, and the last word is one
    line, exit 2: the check could not run in full."""
    nowhere = f"http://127.0.0.1:{closed_port()}"
    env = {"HTTPS_PROXY": nowhere, "HTTP_PROXY": nowhere}
    done = run_cli("links", "--app", app.origin, "--external", "--report", str(tmp_path), env=env)
    wanted = {url for name in PAGES for url in external_links(name)}
    assert_one_line(done, f"none of the {len(wanted)} external links could be reached")
    assert all(f"  FAILED {url} → could not connect through the proxy" in done.stdout for url in wanted)
    assert "0 broken" in done.stdout  # the app itself was asked directly, not through the proxy
    assert json.loads((tmp_path / "links.json").read_text())["external_checked"]

