"""The preview: HTML through the stand-in base template, a Chromium screenshot of the whole
page, and every block visible with its copy button in a real browser (chromedriver, spoken
to with requests)."""

from __future__ import annotations

import socket
import struct
import subprocess
import tempfile
import time
from html import unescape
from pathlib import Path

import pytest
import requests

from apidocs.core import content
from apidocs.core.blocks import INLINE_KINDS, blocks_of
from apidocs.core.model import API_URL
from apidocs.entry.loader import load_cases
from apidocs.render import markers, preview, template
from apidocs.render.errors import RenderError

CHROMEDRIVER = Path("/usr/bin/chromedriver")
BLOCKS_SCRIPT = """
return Array.from(document.querySelectorAll("pre.code-block")).map((pre) => {
  pre.scrollIntoView({block: "center"});
  const box = pre.getBoundingClientRect();
  const style = getComputedStyle(pre);
  const button = pre.querySelector(".copy-btn");
  const copy = pre.cloneNode(true);
  copy.querySelectorAll(".copy-btn").forEach((b) => b.remove());
  let buttonInfo = null;
  if (button) {
    const b = button.getBoundingClientRect();
    const hit = document.elementFromPoint(b.left + b.width / 2, b.top + b.height / 2);
    buttonInfo = {width: b.width, height: b.height, onTop: button === hit || button.contains(hit),
                  inside: b.left >= box.left && b.right <= box.right && b.top >= box.top && b.bottom <= box.bottom};
  }
  return {text: copy.textContent.trim(), width: box.width, height: box.height,
          shown: style.display !== "none" && style.visibility === "visible" && style.opacity !== "0",
          button: buttonInfo};
});
"""


#: The window Chromium's --screenshot was given before the preview captured whole pages:
#: every page was cut there (the API page inside Case 4).
OLD_WINDOW_HEIGHT = 6000
#: In document coordinates: the bottom of the page's last code block, and the page's height.
PAGE_EXTENT_SCRIPT = """
const blocks = document.querySelectorAll("pre.code-block");
return {lastBlockBottom: blocks[blocks.length - 1].getBoundingClientRect().bottom + window.scrollY,
        height: document.documentElement.scrollHeight};
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    if not Path(preview.CHROMIUM).exists():
        pytest.skip("chromium is not installed")
    html = preview.write_html(template("api"), tmp_path_factory.mktemp("preview"))
    shot = preview.screenshot(html, html.with_suffix(".png"))
    return html, html.with_suffix(".png"), shot


def png_size(png: Path) -> tuple[int, int]:
    header = png.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", header[16:24])


def test_screenshot_is_a_png_of_the_whole_page(built):
    _, png, shot = built
    assert png_size(png) == (preview.WIDTH, shot.height)
    assert png.read_bytes() == shot.png
    assert png.stat().st_size > 50_000  # a page, not a blank image


def test_screenshot_reaches_past_the_old_window_to_the_last_block(built, browser):
    html, png, shot = built
    browser.go(html.resolve().as_uri())
    extent = browser.run(PAGE_EXTENT_SCRIPT)
    assert extent["height"] > OLD_WINDOW_HEIGHT  # else this test could not tell a whole page from a cut one
    assert png_size(png)[1] == extent["height"] > extent["lastBlockBottom"]


class WebDriver:
    """The few W3C WebDriver commands the test needs."""

    def __init__(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.process = subprocess.Popen([str(CHROMEDRIVER), f"--port={self.port}"],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.http = requests.Session()
        self.http.trust_env = False
        self.url = f"http://127.0.0.1:{self.port}"
        for _ in range(100):
            try:
                if self.http.get(f"{self.url}/status", timeout=1).json()["value"]["ready"]:
                    break
            except (requests.ConnectionError, ValueError, KeyError):
                pass
            time.sleep(0.1)
        self.profile = tempfile.TemporaryDirectory(prefix="apidocs-webdriver-")
        # the screenshot's layout: as wide, no scrollbar taking part of the width
        options = {"binary": preview.CHROMIUM, "args": [*preview.CHROMIUM_FLAGS, f"--window-size={preview.WIDTH},1000",
                                                         "--hide-scrollbars",
                                                         f"--user-data-dir={self.profile.name}"]}
        answer = self.http.post(f"{self.url}/session", timeout=60, json={
            "capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": options}}}).json()
        self.session = f"{self.url}/session/{answer['value']['sessionId']}"

    def go(self, url: str) -> None:
        self.http.post(f"{self.session}/url", json={"url": url}, timeout=60).raise_for_status()

    def run(self, script: str):
        answer = self.http.post(f"{self.session}/execute/sync", json={"script": script, "args": []}, timeout=60)
        answer.raise_for_status()
        return answer.json()["value"]

    def close(self) -> None:
        try:
            self.http.delete(self.session, timeout=30)
        finally:
            self.process.terminate()
            self.process.wait(timeout=30)
            self.profile.cleanup()


@pytest.fixture
def browser():
    if not CHROMEDRIVER.exists():
        pytest.skip("chromedriver is not installed")
    driver = WebDriver()
    yield driver
    driver.close()


def test_every_block_is_visible_with_its_copy_button(built, browser):
    html, _, _ = built
    browser.go(html.resolve().as_uri())
    found = browser.run(BLOCKS_SCRIPT)
    text = template("api").read_text(encoding="utf-8")
    names = [b.name for b in sorted(markers.find(text).values(), key=lambda b: b.start)
             if b.kind not in INLINE_KINDS]
    catalogue = [block for case in load_cases(page="api") for step in case.steps for block in blocks_of(case.name, step)
                 if block.kind not in INLINE_KINDS]
    assert len(found) == len(names) == len(catalogue)
    for name, block in zip(names, found, strict=True):
        assert block["shown"] and block["width"] > 300 and block["height"] > 20, name
        assert block["text"], name
        button = block["button"]
        assert button and button["width"] > 10 and button["height"] > 10 and button["onTop"] and button["inside"], name
    shown = markers.contents(text)[names[0]].strip().replace(API_URL, content.of_project().api_url)
    assert found[0]["text"] == unescape(shown)


def test_preview_renders_i18n_and_links(built):
    html, _, _ = built
    page = html.read_text(encoding="utf-8")
    assert "The TU Wien Research Data API provides programmatic access" in page
    assert 'Yes — generate one <a href="#invenio_oauth2server_settings.token_new">here</a>.' in page
    assert "{{" not in page and "{%" not in page and "apidocs:" not in page


def test_a_page_chromium_cannot_load_or_not_in_time_is_one_line(tmp_path, built):
    with socket.socket() as probe:  # a port nothing listens on any more
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}/"
    with pytest.raises(RenderError, match=r"^chromium could not load .*: net::ERR_CONNECTION_REFUSED$"):
        preview.screenshot_url(closed, tmp_path / "closed.png")
    html, _, _ = built
    with pytest.raises(RenderError, match=r"^chromium took longer than 0\.01 s to take the screenshot$"):
        preview.screenshot(html, tmp_path / "late.png", timeout=0.01)
    assert not list(tmp_path.iterdir())  # no screenshot, not half of one
