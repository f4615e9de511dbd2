"""The page as an output of the verified cases.

``render`` replays every case (:mod:`apidocs.render.verified`), turns each step and its recorded
response into the text of a page block (:mod:`apidocs.render.blocks`, pure), and writes those
texts between the named markers of the page template (:mod:`apidocs.render.markers`,
:mod:`apidocs.render.page`). It also writes a notebook of the Python snippets
(:mod:`apidocs.render.notebook`) and an HTML preview with a screenshot (:mod:`apidocs.render.preview`).
"""

from pathlib import Path

from apidocs.core import content


def template(page: str) -> Path:
    """Our template of ``page`` (a name of a page the docs project declares)."""
    return content.page(page).path

