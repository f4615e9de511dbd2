"""``apidocs install-pages TEMPLATES_DIR``: every page's template linked into an instance's
templates/ folder at the theme's path, where the app finds it before the theme's."""

from __future__ import annotations

from apidocs.core.exits import ExitCode
from apidocs.entry.console import Console
from apidocs.entry.options import InstallPagesOptions
from apidocs.render.served import install_pages


def main(options: InstallPagesOptions, console: Console) -> int:
    for link in install_pages(options.templates):
        console.say(f"install-pages: {link} -> {link.resolve()}")
    return ExitCode.PASSED
