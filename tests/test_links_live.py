"""`apidocs links` against the reference instance: our pages as its app serves them. Green
as they are; red, naming the page and the link, when a copy of a page has a broken internal
link (served by a loopback proxy in front of the app, so nothing of the instance changes)."""

from __future__ import annotations

import json

import pytest
import requests
from conftest import LoopbackServer, run_cli

from apidocs.core.content import pages
from apidocs.render import links

#: the docs project's pages (cases/project.toml)
PAGES = pages()

pytestmark = pytest.mark.live

#: What a broken copy of a link gets appended: a path the app has no route for.
NO_SUCH_PAGE = "apidocs-no-such-page"


@pytest.fixture(scope="module")
def app(instance_env) -> str:
    return instance_env["DOCS_API_URL"].removesuffix("/api")


def endpoints(name: str) -> list[str]:
    return links.url_for_endpoints(PAGES[name].path.read_text(encoding="utf-8"))


def test_every_link_of_our_served_pages_answers(app, tmp_path):
    done = run_cli("links", "--report", str(tmp_path), env={"DOCS_API_URL": f"{app}/api"}, timeout=600)
    print(done.stdout)
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads((tmp_path / "links.json").read_text())
    assert report["ok"] and not report["broken"]
    for page in report["pages"]:
        assert page["status"] == 200
        assert set(page["made"]) == set(endpoints(page["name"])), "every url_for of the template made a link"
        made = {href for hrefs in page["made"].values() for href in hrefs}
        answered = [link for link in page["links"] if link["value"] in made]
        assert answered and all(link["internal"] and link["status"] < 400 for link in answered)
    assert [page["name"] for page in report["pages"]] == list(PAGES)


class BrokenCopy(LoopbackServer):
    """The app, through a loopback proxy, except that the api page's links made by one
    ``url_for`` point to a path the app has no route for."""

    def __init__(self, app: str, href: str) -> None:
        self.app, self.href = app, href
        super().__init__(lambda method, path, headers, body: self.forward(method, path, headers))

    def forward(self, method: str, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        sent = {key: value for key, value in headers.items() if key.lower() not in ("host", "accept-encoding")}
        answer = requests.request(method, self.app + path, headers=sent, allow_redirects=False, timeout=60)
        body = answer.content
        if path == PAGES["api"].served_at:
            body = body.replace(f'href="{self.href}"'.encode(), f'href="{self.href}{NO_SUCH_PAGE}"'.encode())
        return answer.status_code, dict(answer.headers), body


def made_on_the_served_page(app: str, name: str, endpoint: str) -> str:
    """The link ``url_for(endpoint)`` made on page ``name`` as the app serves it."""
    served = links.parse(requests.get(app + PAGES[name].served_at, timeout=60).text)
    expected = links.template_anchors(PAGES[name].path)
    positions = links.placed(expected, served)
    assert positions is not None, f"the app's {name} page is not page/{name}.html"
    return links.made_links(expected, served, positions)[endpoint][0]


def test_a_broken_internal_link_on_a_copy_of_a_page_fails_naming_page_and_link(app):
    endpoint = endpoints("api")[-1]
    href = made_on_the_served_page(app, "api", endpoint)
    proxy = BrokenCopy(app, href)
    try:
        done = run_cli("links", "--app", proxy.url.removesuffix("/api"), timeout=600)
    finally:
        proxy.close()
    print(done.stdout)
    assert done.returncode == 1, done.stdout + done.stderr
    assert f'BROKEN page api: <a href="{href}{NO_SUCH_PAGE}"> → HTTP 404' in done.stdout
    assert f'url_for("{endpoint}") → {href}{NO_SUCH_PAGE} (HTTP 404)' in done.stdout
    assert "BROKEN page damap" not in done.stdout
