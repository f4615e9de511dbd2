"""The page as readers get it (screenshots of the app's served pages), or, offline, as HTML
through a stand-in for InvenioRDM's base template, plus a screenshot.

When an app serves the pages (the reference instance: ``make instance``), ``apidocs preview``
screenshots each page where the app serves it (``cases/project.toml``): the theme, its built
CSS, the reader's page; but only this clone's pages (an instance may serve another checkout's:
:mod:`apidocs.render.served`). The stand-in stays for a machine without an instance (the offline
tests and a quick look at a template while it is edited): it needs no app, no assets,
no database, and renders the template from the working tree alone. A screenshot holds the
whole page, however long (:mod:`apidocs.render.devtools`).

    apidocs preview [--template page/<page>.html] [--out preview/] [--no-screenshot]

Every page the docs project declares by default, or the one ``--template``: each
page's HTML is written first, then each screenshot (only they need Chromium).

The stand-in gives the page what Invenio would: ``config`` (the settings the docs project
declares, ``cases/project.toml``), ``url_for``, ``webpack``,
``_`` / ``{% trans %}`` (``jinja2.ext.i18n`` with null translations, new-style gettext as
Flask-Babel installs it) and HTML autoescaping. The screenshot is taken by headless
Chromium (Debian's ``chromium``).
"""

from __future__ import annotations

import urllib.request
from pathlib import Path

import jinja2
from markupsafe import Markup

from apidocs.core import content
from apidocs.core.files import check_file, write_atomically
from apidocs.render.devtools import Capture, capture
from apidocs.render.errors import RenderError

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-quic", "--no-first-run", "--disable-component-update", "--disable-sync")
#: the screenshots' width (a reader's window); their height is the page's
WIDTH = 1280
#: the stand-in base template, which the pages extend through ``config.BASE_TEMPLATE``
BASE_TEMPLATE = "preview_base.html"

BASE = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>{{ _("API Documentation") }} (preview)</title>
  <style>
    body { font-family: sans-serif; margin: 0; color: #222; }
    .preview-banner { background: #fff3cd; padding: .5em 1em; font-size: .9em; }
    .ui.container { max-width: 1100px; margin: 0 auto; padding: 1em; }
    .code-container { position: relative; margin: .5em 0 1.2em; }
    pre.code-block { background: #f4f6f8; border: 1px solid #d4d8dd; border-radius: 4px; padding: 1em 4.5em 1em 1em;
                     overflow-x: auto; font-size: 13px; line-height: 1.35; position: relative; margin: 0; }
    .copy-btn { position: absolute; top: .5em; right: .5em; cursor: pointer; border: 1px solid #aab;
                background: #fff; border-radius: 3px; padding: .25em .6em; font-size: 12px; }
    .copy-btn .copy.icon::before { content: "Copy"; font-style: normal; }
    .copy-btn .check.icon::before { content: "Copied"; font-style: normal; }
  </style>
</head>
<body>
  <div class="preview-banner">Preview of {{ preview_of }} in a stand-in base template (not the site's theme).</div>
  {%- block page_hero %}{% endblock %}
  {%- block page_body %}{% endblock %}
  {%- block javascript %}
  <script>
    if (!window.apidocsCopy) {
      window.apidocsCopy = true;
      document.addEventListener("DOMContentLoaded", () => {
        document.querySelectorAll(".code-block").forEach((block) => {
          const button = block.querySelector(".copy-btn");
          if (!button) return;
          button.addEventListener("click", () => {
            const copy = block.cloneNode(true);
            copy.querySelectorAll(".copy-btn").forEach((b) => b.remove());
            navigator.clipboard.writeText(copy.textContent.trim()).then(() => {
              button.querySelector("i").classList.replace("copy", "check");
            });
          });
        });
      });
    }
  </script>
  {%- endblock %}
</body>
</html>
"""


class _Webpack:
    """``webpack["bundle.js"]``: the stand-in base already carries the copy script."""

    def __getitem__(self, name: str) -> Markup:
        return Markup(f"<!-- webpack bundle {name} (stand-in) -->")


def environment(template: Path, **stand_ins) -> jinja2.Environment:
    """The stand-in's Jinja environment for ``template``; ``stand_ins`` replace its globals
    (``url_for``, ``config``: :mod:`apidocs.render.links` marks what the app would make)."""
    loader = jinja2.DictLoader({
        BASE_TEMPLATE: BASE,
        template.name: template.read_text(encoding="utf-8"),
    })
    env = jinja2.Environment(loader=loader, autoescape=True, extensions=["jinja2.ext.i18n"],
                             undefined=jinja2.StrictUndefined)
    env.install_null_translations(newstyle=True)  # type: ignore[attr-defined]  # added by the i18n extension
    config = _Config(content.of_project().config, BASE_TEMPLATE=BASE_TEMPLATE)
    env.globals.update(config=config, url_for=lambda endpoint, **_: f"#{endpoint}", webpack=_Webpack(),
                       preview_of=template.name)
    env.globals.update(stand_ins)
    return env


class _Config(dict):
    """Flask's config: a dict; a missing key reads as None (``config.NAME or "#"``)."""

    def __getattr__(self, name: str):
        return self.get(name)


def render_html(template: Path, **stand_ins) -> str:
    """``template`` rendered through the stand-in base (with ``stand_ins`` for its globals)."""
    try:
        return environment(template, **stand_ins).get_template(template.name).render()
    except jinja2.TemplateSyntaxError as exc:
        raise RenderError(f"{template}:{exc.lineno}: not valid Jinja: {exc.message}") from None
    except jinja2.UndefinedError as exc:
        raise RenderError(f"{template}: uses something the stand-in base does not provide: {exc.message}") from None


def screenshot(html: Path, png: Path, timeout: float = 120) -> Capture:
    """The whole of a local HTML file (the stand-in's page), as ``png``."""
    return screenshot_url(html.resolve().as_uri(), png, timeout)


def served_url(app: str, page) -> str | None:
    """Where ``app`` serves ``page``, if it answers there with 200 (else None: the stand-in)."""
    url = f"{app.rstrip('/')}{page.served_at}"
    try:
        with urllib.request.urlopen(url, timeout=30) as answer:
            return url if answer.status == 200 else None
    except OSError:
        return None


def screenshot_url(url: str, png: Path, timeout: float = 120) -> Capture:
    """The whole page at ``url`` (the served page, or a file's), :data:`WIDTH` wide, as ``png``."""
    if not Path(CHROMIUM).exists():
        raise RenderError(f"{CHROMIUM} is not installed (apt-get install chromium): no screenshot")
    check_file(png, "the screenshot")
    shot = capture(CHROMIUM, CHROMIUM_FLAGS, url, WIDTH, timeout)
    write_atomically(png, shot.png)
    return shot


def write_html(template: Path, out: Path) -> Path:
    """``template`` rendered through the stand-in base, as ``out/<its name>``."""
    out.mkdir(parents=True, exist_ok=True)
    html = out / template.name
    write_atomically(html, render_html(template))
    return html
