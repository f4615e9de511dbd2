"""``apidocs preview``: a headless Chromium screenshot of the whole of each page as the app
serves it (preview/<page>.png), when the instance answers and serves this clone's page/;
otherwise each page rendered to HTML through a stand-in base template, then its screenshot.

Every page's HTML comes first, then the screenshots: a machine without Chromium still gets
every page's HTML before the one-line error."""

from __future__ import annotations

import os
from pathlib import Path

from apidocs.core import project, settings
from apidocs.core.content import pages
from apidocs.core.exits import ExitCode
from apidocs.core.messages import apidocs_command
from apidocs.core.pages import Page
from apidocs.core.settings import Mode
from apidocs.entry.console import Console
from apidocs.entry.options import PreviewOptions
from apidocs.render.preview import screenshot, screenshot_url, served_url, write_html
from apidocs.render.served import instance_templates, served_instead


def main(options: PreviewOptions, console: Console) -> int:
    """The app's pages are taken only when it serves every page and, as far as its templates
    folder tells, this clone's."""
    out = options.out or project.root() / "preview"
    app = None if options.template or options.no_screenshot else app_origin(options.app)
    if app:
        served = [(page, served_url(app, page)) for page in pages().values()]
        templates = served_templates(app)
        if (elsewhere := not_this_clone(app, served, templates)) is None:
            shots = [(page, url) for page, url in served if url]
            return screenshot_served(shots, out, templates is not None, console)
        console.say(f"preview: {elsewhere}: the stand-in base template instead")
    files = [options.template] if options.template else [page.path for page in pages().values()]
    written = [write_html(template, out) for template in files]
    for html in written:
        console.say(f"preview: {html}")
    for html in [] if options.no_screenshot else written:
        shot = screenshot(html, html.with_suffix(".png"))
        console.say(f"screenshot: {html.with_suffix('.png')} ({shot.width}×{shot.height} px)")
    return ExitCode.PASSED


def screenshot_served(served: list[tuple[Page, str]], out: Path, known: bool, console: Console) -> int:
    """Each served page's screenshot; ``known``: whether its templates were seen to be this clone's."""
    out.mkdir(parents=True, exist_ok=True)
    unseen = "" if known else "; its templates are not visible from here: maybe not this clone's page/"
    for page, url in served:
        png = out / f"{page.path.stem}.png"
        shot = screenshot_url(url, png)
        console.say(f"screenshot: {png} ({shot.width}×{shot.height} px, served by {url}{unseen})")
    return ExitCode.PASSED


def not_this_clone(app: str, served: list[tuple[Page, str | None]], templates: Path | None) -> str | None:
    """Why screenshots of ``app`` would not show this clone's pages, or None: a page it does
    not serve, or (its ``templates`` folder known) a page it takes from elsewhere."""
    if not all(url for _, url in served):
        return f"{app} does not serve every page"
    instead = [what for page, _ in served if templates and (what := served_instead(templates, page))]
    if not instead:
        return None
    install = apidocs_command(f"install-pages {templates}")
    return (f"{app} serves {', '.join(instead)}, not this clone's page/ ({install}"
            " would serve this clone's, to every checkout using that instance)")


def served_templates(app: str) -> Path | None:
    """The templates folder of the instance at ``app``, when that is the instance of the env
    file settings fall back to (``.instance/env``, or ``$DOCS_INSTANCE_ENV``); else None."""
    env_file = settings.instance_env_file(dict(os.environ))
    api_url = settings.read_env_file(env_file).get("DOCS_API_URL", "")
    templates = instance_templates(env_file)
    return templates if api_url and settings.app_of(api_url) == app.rstrip("/") and templates.is_dir() else None


def app_origin(given: str | None) -> str | None:
    """The app to take the served pages from: --app, else $DOCS_API_URL's origin (read as
    every run reads it: the environment, else the instance env file), or None."""
    if given:
        return None if given == "none" else given
    return settings.load(Mode.REPLAY).app_url or None
