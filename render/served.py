"""Our pages as the app serves them: installed into an instance's ``templates/`` folder.

invenio-app makes the instance folder the app's root path, so a template at
``<instance>/templates/<the page's theme template>`` is found before the theme's own
(``cases/project.toml`` says why its ``semantic-ui/`` prefix): the app then serves our
rendered page where the theme's view serves it (``Page.served_at``). Each is a symlink to
the page in ``page/``, so what ``apidocs render`` writes (temp file + rename) is what
the app serves next (with ``TEMPLATES_AUTO_RELOAD``, as the reference instance sets it).

One instance may serve one checkout's pages to every checkout that uses it (a worktree
with ``DOCS_INSTANCE_ENV`` pointing at another clone's ``.instance/env``):
:func:`served_instead` tells, from the links, whose page the app serves.
"""

from __future__ import annotations

import os
from pathlib import Path

from apidocs.core import content
from apidocs.core.pages import Page
from apidocs.render.errors import RenderError


def install_pages(templates: Path) -> list[Path]:
    """Link every page's template at its theme path under ``templates``; returns the links."""
    links = []
    for page in content.pages().values():
        link = templates / page.theme_template
        if link.is_symlink() and Path(os.readlink(link)) == page.path:
            links.append(link)
            continue
        try:
            link.parent.mkdir(parents=True, exist_ok=True)
            tmp = link.with_name(f".{link.name}.tmp{os.getpid()}")
            tmp.unlink(missing_ok=True)
            tmp.symlink_to(page.path)
            os.replace(tmp, link)  # never half a file: the old link or the new one
        except OSError as exc:
            raise RenderError(f"cannot install {page.template} at {link}: {exc.strerror}") from None
        links.append(link)
    return links


def instance_templates(env_file: Path) -> Path:
    """The templates folder of the instance whose settings are ``env_file``: the reference
    instance keeps both in one folder (``instance/instance.py``: ``env`` and ``app/templates``)."""
    return env_file.parent / "app" / "templates"


def served_instead(templates: Path, page: Page) -> str | None:
    """What the app serves for ``page`` when it is not this clone's ``page/`` file, or None
    when it is: the file its link under ``templates`` points at, a copy, or the theme's own."""
    link = templates / page.theme_template
    if not link.is_symlink():
        return f"a file of its own at {link}" if link.exists() else _theme_own(page)
    target = link.resolve()
    if target == page.path.resolve():
        return None
    return str(target) if target.exists() else f"a broken link to {target}"


def _theme_own(page: Page) -> str:
    """The theme's own template of ``page``, as the app finds it when we installed none."""
    return f"{content.of_project().theme.name}'s own {page.theme_template}"
