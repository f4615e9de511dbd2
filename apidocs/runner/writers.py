"""The report files, each from the analysed steps (:mod:`apidocs.runner.analysis`):
Markdown to read, HTML (a Jinja2 template, ``templates/report.html``), JUnit XML for CI."""

from __future__ import annotations

import functools
import html
import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING, Iterable

from apidocs.core.languages import label, ordered
from apidocs.runner.analysis import (
    LanguageReport,
    StepReport,
    details,
    next_command,
    produced_by,
    stale_blocks_of,
    todo,
    unverified_of,
    verdict,
)
from apidocs.runner.results import Outcome, by_case

if TYPE_CHECKING:
    import jinja2


def markdown(reports: list[StepReport], meta: dict) -> str:
    out = [f"# API page verification — {meta['mode']} run", "",
           f"- target: {meta['target']}" + (f" ({meta['instance']})" if meta["instance"] else ""),
           f"- date: {meta['date']}", f"- produced by: {produced_by(meta)}", f"- **{verdict(meta)}**", ""]
    stale = stale_blocks_of(reports)
    if stale:
        out += ["## Page blocks that went stale", ""] + [f"- `{b}`" for b in stale] + [""]
    unverified = unverified_of(reports)
    if unverified:
        out += ["## Page blocks not verified (an earlier step failed)", ""] + [f"- `{b}`" for b in unverified] + [""]
    out += _housekeeping_markdown(meta)
    languages = _languages(reports)
    out += ["## Steps", "",
            f"| case | step | kind | {' | '.join(label(n) for n in languages)} | outcome | stale blocks |",
            "|---" * (len(languages) + 5) + "|"]
    for r in reports:
        by_language = _cells(r)
        cells = [by_language.get(name, "") for name in languages]
        out.append(f"| {r.case} | {r.step} | {r.kind} | {' | '.join(cells)} "
                   f"| {r.outcome} | {', '.join(f'`{b}`' for b in r.stale)} |")
    out.append("")
    bad = [r for r in reports if r.outcome is not Outcome.PASSED]
    if bad:
        out += ["## What went wrong", ""]
        for r in bad:
            out += [f"### {r.case} › {r.step} — {r.outcome}", ""]
            if r.snippets:
                out += [f"Snippets: {', '.join(f'`{path}`' for path in r.snippets)}", ""]
            if r.stale:
                out += [f"Stale: {', '.join(f'`{b}`' for b in r.stale)}", ""]
            if r.next:
                out += [f"Next: {next_command(r.next, r.case)}", ""]
            out += ["```text", *details(r), "```", ""]
    out += ["## What was checked", ""]
    passed = [f"- {r.case} › {r.step}: {r.checked}" for r in reports if r.outcome is Outcome.PASSED]
    out += passed or ["- nothing passed"]
    return "\n".join(out) + "\n"


HOUSEKEEPING = (
    ("left_out", "Left out (read-only run: these steps need a token)"),
    ("published_left_behind", "Published test records left behind (set DOCS_ADMIN_TOKEN to remove them)"),
    ("published_removed", "Published test records removed (tombstoned, out of search)"),
)


def _housekeeping(meta: dict) -> list[tuple[str, list[str]]]:
    """(heading, items) for the steps a read-only run left out and the test records a live
    run published (what became of them); only the sections that have items."""
    return [(heading, meta[key]) for key, heading in HOUSEKEEPING if meta.get(key)]


def _housekeeping_markdown(meta: dict) -> list[str]:
    return [line for heading, items in _housekeeping(meta)
            for line in (f"## {heading}", "", *(f"- `{item}`" for item in items), "")]


def _languages(reports: list[StepReport]) -> list[str]:
    """The languages the run had, in the registry's order: one table column each."""
    return ordered({lang.language for r in reports for lang in r.languages})


def _cells(report: StepReport) -> dict[str, str]:
    return {lang.language: _cell(lang) for lang in report.languages}


def _cell(lang: LanguageReport) -> str:
    if lang.skipped:
        return Outcome.SKIPPED.value
    mark = "fail" if lang.problems else (Outcome.DRIFT.value if lang.drift else "ok")
    return f"{mark} ({lang.got})" if lang.got.startswith("HTTP") else f"{mark}"


@functools.cache
def _template() -> jinja2.Template:
    """The HTML report's template, a file of this package (``templates/report.html``), built
    on first use: importing this module (``apidocs report``) neither imports Jinja2 nor
    compiles it. Every value it shows is escaped as :func:`html.escape` does (``&quot;``, as
    the Markdown and the masking of secrets in markup expect), not as MarkupSafe does (``&#34;``)."""
    import jinja2

    return jinja2.Environment(loader=jinja2.PackageLoader("apidocs.runner", "templates"), keep_trailing_newline=True,
                              finalize=lambda value: html.escape(str(value))).get_template("report.html")


def html_report(reports: list[StepReport], meta: dict) -> str:
    return _template().render(
        meta=meta, verdict=verdict(meta), reports=reports, languages=_languages(reports), label=label,
        cells_of=_cells, details=details, next_command=next_command, housekeeping=_housekeeping(meta),
        produced_by=produced_by,
        stale=stale_blocks_of(reports),
        failing=[r for r in reports if r.outcome is not Outcome.PASSED],
        passed=[r for r in reports if r.outcome is Outcome.PASSED],
    )


def _seconds(times: Iterable[float]) -> str:
    """JUnit's time attribute: seconds, to the millisecond."""
    return f"{sum(times):.3f}"


def junit(reports: list[StepReport], meta: dict) -> str:
    root = ET.Element("testsuites", name=f"apidocs {meta['mode']}", tests=str(len(reports)),
                      failures=str(sum(meta["counts"][o] for o in Outcome if o.bad)),
                      skipped=str(meta["counts"][Outcome.SKIPPED]), errors="0")
    for case, steps in by_case(reports).items():
        suite = ET.SubElement(
            root, "testsuite", name=case, tests=str(len(steps)), errors="0", time=_seconds(r.seconds for r in steps),
            failures=str(sum(1 for r in steps if r.outcome.bad)),
            skipped=str(sum(1 for r in steps if r.outcome is Outcome.SKIPPED)),
        )
        properties = ET.SubElement(suite, "properties")
        ET.SubElement(properties, "property", name="mode", value=meta["mode"])
        ET.SubElement(properties, "property", name="target", value=meta["target"])
        ET.SubElement(properties, "property", name="tool", value=meta["tool"])
        if meta["commit"]:
            ET.SubElement(properties, "property", name="commit", value=meta["commit"])
        for r in steps:
            case_el = ET.SubElement(suite, "testcase", classname=case, name=r.step, time=_seconds([r.seconds]))
            if r.outcome is Outcome.SKIPPED:
                ET.SubElement(case_el, "skipped", message="an earlier step of this case failed")
            elif r.outcome.bad:
                first = (next((f"{lang.label}: {p}" for lang in r.languages for p in lang.problems), None)
                         or next((f"{lang.label}: drift: {f.sentence()}"
                                  for lang in r.languages for f in lang.drift), None)
                         or (r.problems[0].message if r.problems else r.outcome))
                stale = f" — stale: {', '.join(r.stale)}" if r.stale else ""
                next_one = f" — next: {next_command(r.next, r.case)}" if r.next else ""
                failure = ET.SubElement(case_el, "failure", type=r.outcome, message=first + stale + next_one)
                failure.text = "\n".join(todo(r) + details(r))
            else:
                ET.SubElement(case_el, "system-out").text = f"checked: {r.checked}"
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
