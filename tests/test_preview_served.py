"""Whose pages `apidocs preview` screenshots: an instance's templates folder links some
checkout's page/ files (`apidocs install-pages`); when they are not this clone's, the
preview says so in one line and shows this clone's pages through the stand-in instead.
Offline: temp folders of symlinks, and a loopback app standing in for the instance."""

from __future__ import annotations

import importlib.util
import struct
from pathlib import Path

import pytest
from conftest import ROOT, LoopbackServer, run_cli

from apidocs.core.content import pages
from apidocs.render import preview
from apidocs.render.served import install_pages, instance_templates, served_instead

#: the docs project's pages (cases/project.toml)
PAGES = pages()

#: A served page longer than the window: its screenshot must reach the bottom.
HEIGHT = 7321
TALL_PAGE = f'<!DOCTYPE html><body style="margin:0"><div style="height:{HEIGHT}px">served</div></body>'.encode()


def other_checkout(root: Path) -> Path:
    """A second clone's page/ folder, holding a copy of every page."""
    for page in PAGES.values():
        (root / "page").mkdir(parents=True, exist_ok=True)
        (root / "page" / page.template).write_bytes(page.path.read_bytes())
    return root / "page"


def link(templates: Path, page, target: Path) -> None:
    (templates / page.theme_template).parent.mkdir(parents=True, exist_ok=True)
    (templates / page.theme_template).symlink_to(target)


def test_links_to_this_clones_pages_serve_them(tmp_path):
    install_pages(tmp_path)
    assert [served_instead(tmp_path, page) for page in PAGES.values()] == [None] * len(PAGES)


def test_links_to_another_checkout_name_its_files(tmp_path):
    other = other_checkout(tmp_path / "other")
    for page in PAGES.values():
        link(tmp_path / "templates", page, other / page.template)
    assert [served_instead(tmp_path / "templates", page) for page in PAGES.values()] == [
        str((other / page.template).resolve()) for page in PAGES.values()]


def test_no_link_a_file_or_a_broken_link_is_not_this_clones_page(tmp_path):
    api, damap = PAGES["api"], PAGES["damap"]
    assert served_instead(tmp_path, api) == f"invenio-theme-tuw's own {api.theme_template}"
    link(tmp_path, damap, tmp_path / "gone.html")
    assert served_instead(tmp_path, damap) == f"a broken link to {tmp_path / 'gone.html'}"
    (tmp_path / api.theme_template).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / api.theme_template).write_bytes(api.path.read_bytes())
    assert served_instead(tmp_path, api) == f"a file of its own at {tmp_path / api.theme_template}"


def test_the_templates_folder_is_where_the_reference_instance_keeps_it():
    spec = importlib.util.spec_from_file_location("reference_instance", ROOT / "instance" / "layout.py")
    instance = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(instance)
    assert instance_templates(instance.ENVFILE) == instance.TEMPLATES


@pytest.fixture
def app():
    """An instance's app: every page served, tall."""
    server = LoopbackServer(lambda method, path, headers, body: (200, {"Content-Type": "text/html"}, TALL_PAGE))
    yield server
    server.close()


def instance(root: Path, api_url: str) -> Path:
    """An instance folder as the reference instance lays it out: its env file, app/templates."""
    (root / "app" / "templates").mkdir(parents=True)
    (root / "env").write_text(f"DOCS_API_URL={api_url}\n", encoding="utf-8")
    return root / "env"


def png_height(png: Path) -> int:
    return struct.unpack(">II", png.read_bytes()[16:24])[1]


@pytest.fixture
def chromium():
    if not Path(preview.CHROMIUM).exists():
        pytest.skip("chromium is not installed")


def test_an_instance_serving_another_checkouts_pages_is_named_and_the_stand_in_shown(tmp_path, app, chromium):
    env_file = instance(tmp_path / "instance", app.url)
    other = other_checkout(tmp_path / "other")
    for page in PAGES.values():
        link(tmp_path / "instance" / "app" / "templates", page, other / page.template)
    done = run_cli("preview", "--out", str(tmp_path / "out"), env={"DOCS_INSTANCE_ENV": str(env_file)})
    assert done.returncode == 0, done.stderr
    first, *rest = done.stdout.splitlines()
    app_origin = app.url.removesuffix("/api")
    assert first.startswith(f"preview: {app_origin} serves {other.resolve() / 'api.html'}, ")
    assert f"apidocs install-pages {tmp_path / 'instance' / 'app' / 'templates'}`" in first
    assert first.endswith(": the stand-in base template instead")
    for page in PAGES.values():
        html = tmp_path / "out" / page.template
        assert f"preview: {html}" in rest
        assert "stand-in base template" in html.read_text(encoding="utf-8")
    assert "served by" not in done.stdout


def test_an_instance_serving_this_clones_pages_is_screenshot_whole(tmp_path, app, chromium):
    env_file = instance(tmp_path / "instance", app.url)
    install_pages(tmp_path / "instance" / "app" / "templates")
    done = run_cli("preview", "--out", str(tmp_path / "out"), env={"DOCS_INSTANCE_ENV": str(env_file)})
    assert done.returncode == 0, done.stderr
    origin = app.url.removesuffix("/api")
    for page in PAGES.values():
        png = tmp_path / "out" / f"{page.name}.png"
        assert png_height(png) == HEIGHT
        assert (f"screenshot: {png} ({preview.WIDTH}×{HEIGHT} px, served by {origin}{page.served_at})"
                in done.stdout.splitlines())
    assert not (tmp_path / "out" / "api.html").exists()  # the stand-in was not needed


def test_an_app_whose_templates_are_not_visible_is_screenshot_with_a_warning(tmp_path, app, chromium):
    origin = app.url.removesuffix("/api")
    done = run_cli("preview", "--app", origin, "--out", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == len(PAGES)
    for page, line in zip(PAGES.values(), lines, strict=True):
        assert line.startswith(f"screenshot: {tmp_path / 'out' / page.name}.png ({preview.WIDTH}×{HEIGHT} px,"
                               f" served by {origin}{page.served_at}; ")
        assert line.endswith("its templates are not visible from here: maybe not this clone's page/)")
