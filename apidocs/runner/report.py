"""Reports of a run a maintainer can act on: JUnit XML for CI, Markdown and HTML to read.

For every step that failed or drifted they say: the case, the step, the language, the
request that was sent (secrets masked: ``Authorization: Bearer <TOKEN>``), what was
expected and what came back (status, and in a live run a field diff against the
recorded answer that ignores volatile values), and which page block goes stale, named
``case/step/kind`` as the page template names it. Which blocks a step has and which of
them a problem concerns is the catalogue's answer (:mod:`apidocs.core.blocks`), from the
problem's kind, never from its words. A passing run says what was checked.

``summary.json`` holds the verdict; ``apidocs report DIR`` prints it and exits 1 when a
step failed or drifted — CI uses it to fail on drift even when every snippet
still "works".
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from apidocs.core.errors import ApidocsError
from apidocs.core.files import check_folder, write_atomically
from apidocs.core.messages import apidocs_command
from apidocs.runner.analysis import StepReport, analyse, meta_of, summary, verdict
from apidocs.runner.masking import masker_for
from apidocs.runner.writers import html_report, junit, markdown

FILES = ("junit.xml", "report.md", "report.html", "summary.json")
#: left beside the reports by ``apidocs render --check --theme-repo DIR --patch``: what makes
#: the theme repository's own files the verified pages (absent when they are)
THEME_PATCH = "theme.patch"
#: left beside the reports by ``apidocs links --report DIR``: every link of the served pages
LINKS = "links.json"


@dataclass(frozen=True)
class Reports:
    """The report files' texts, secrets already masked, and the run's verdict."""

    texts: dict[str, str]  # file name (:data:`FILES`) → text
    ok: bool  # false on a failure, drift, missing data or skip (summary.json's "ok")


def build_reports(reports: list[StepReport], settings, ledger=None, left_out=()) -> Reports:
    """JUnit XML, Markdown, HTML and a JSON summary of a run, from its analysed steps
    (:class:`apidocs.runner.analysis.Analysis`: the same the console printed).

    ``ledger``: the published test records a live run removed or left behind;
    ``left_out``: the cases a read-only run did not run.
    """
    mask = masker_for(settings)
    meta = meta_of(settings, reports)
    meta["left_out"] = [f"{case.name}/{step.name}" for case in left_out for step in case.steps]
    meta["published_removed"] = list(getattr(ledger, "removed", []))
    meta["published_left_behind"] = list(getattr(ledger, "left_behind", []))
    texts = {
        "junit.xml": junit(reports, meta),
        "report.md": markdown(reports, meta),
        "report.html": html_report(reports, meta),
        "summary.json": json.dumps(summary(reports, meta), indent=2) + "\n",
    }
    return Reports({name: mask(texts[name], markup=name.endswith((".xml", ".html"))) for name in FILES}, meta["ok"])


def save_reports(directory: Path, reports: Reports) -> list[Path]:
    """Write ``reports`` into ``directory`` (each file atomically); return the paths."""
    directory = Path(directory)
    check_folder(directory, "the reports")
    paths = [directory / name for name in FILES]
    for path in paths:
        write_atomically(path, reports.texts[path.name])
    return paths


def write_reports(directory: Path, results: list, settings, ledger=None, left_out=()) -> list[Path]:
    """The step results of a run that is over, analysed (:func:`apidocs.runner.analysis.analyse`),
    then :func:`build_reports` and :func:`save_reports` in one."""
    return save_reports(directory, build_reports(analyse(results, settings, ledger), settings, ledger, left_out))


def saved_verdict(directory: Path) -> tuple[list[str], bool]:
    """The verdict of the report a run wrote into ``directory`` (``apidocs report DIR``):
    its lines, and whether the run was clean."""
    path = directory / "summary.json"
    if not path.is_file():
        raise ApidocsError(f"no {path}: did the run write its report (--report {directory})?")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        lines = ([verdict(data)] + [f"stale: {name}" for name in data.get("stale_blocks", [])]
                 + [f"next for {entry['step']} ({entry['outcome']}): {entry['next']}"
                    for entry in data.get("failing", []) if entry.get("next")])
    except (ValueError, KeyError, TypeError) as exc:
        raise ApidocsError(f"{path}: not a report summary ({type(exc).__name__}: {exc})") from None
    more = [line for line in (theme_verdict(directory / THEME_PATCH), links_verdict(directory / LINKS)) if line]
    return lines + more, bool(data.get("ok")) and not more


def links_verdict(report: Path) -> str | None:
    """The line that fails the report when ``apidocs links --report`` found a broken link, or None."""
    try:
        data = json.loads(report.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ApidocsError(f"cannot read {report}: {exc}") from None
    broken = data.get("broken") if isinstance(data, dict) else None
    if not isinstance(broken, list) or data.get("ok", True) and not broken:
        return None
    return (f"ACTION NEEDED — {len(broken)} broken link(s) on the served pages:"
            f" see {report.with_name('links.md')} ({apidocs_command('links')} names the page and the link)")


def theme_verdict(patch: Path) -> str | None:
    """The line that fails the report when the theme's own files are not the verified pages, or None."""
    try:
        text = patch.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise ApidocsError(f"cannot read {patch}: {exc}") from None
    files = [line.split(" b/", 1)[1] for line in text.splitlines() if line.startswith("diff --git ")]
    return (f"ACTION NEEDED — {len(files)} file(s) of the theme repository are not the verified pages"
            f" ({', '.join(files)}): run `git apply {patch}` at the repository's root and commit (ci/README.md)")
