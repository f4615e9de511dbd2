"""``apidocs lint [CASE...]``: every snippet linted with its placeholders filled in (ruff for
Python, shellcheck for cURL), as ``make verify`` does; then the theme's own faults."""

from __future__ import annotations

from pathlib import Path

from apidocs.core import content, project
from apidocs.core.content import PackageLink
from apidocs.core.exits import ExitCode
from apidocs.core.messages import shown
from apidocs.entry.console import Console
from apidocs.entry.loader import load_cases
from apidocs.entry.options import LintOptions, cases_folder
from apidocs.render.findings import link_findings, summary, theme_findings
from apidocs.runner.lint import lint_cases
from apidocs.runner.venvs import interpreter, project_urls


def main(options: LintOptions, console: Console) -> int:
    folder = cases_folder(options.cases_dir)
    findings, count = lint_cases(load_cases(options.cases, folder=folder), Path(shown(folder / "snippets")))
    for finding in findings:
        console.say(f"  FAIL {finding.line()}", "\n".join(f"       {message}" for message in finding.messages))
    console.say(f"lint: {count} snippets, {len(findings)} with findings (ruff for Python, shellcheck for cURL)")
    console.say(*theme_lint())
    return ExitCode.passed(not findings)


def theme_lint() -> list[str]:
    """The theme's own faults outside our blocks: reported for the theme, never fixed in
    page/ (our pages are the release's) and never failing the lint."""
    declared = content.of_project()
    lines = []
    for page in declared.pages.values():
        text, where = page.path.read_text(encoding="utf-8"), shown(page.path)
        found = theme_findings(text, where) + link_findings(text, where, declared.package_links, package_urls)
        lines += [f"  theme finding (left as {declared.theme.name} ships it): {line}" for line in summary(found)]
    return lines


def package_urls(link: PackageLink) -> list[str]:
    """The package's metadata, from the venv its transcript runs in."""
    return project_urls(interpreter(project.cases() / link.requirements), link.package)
