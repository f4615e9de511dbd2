"""Reports of a run a maintainer can act on: JUnit XML for CI, Markdown and HTML to read.

For every step that failed or drifted they say: the case, the step, the language, the
request that was sent (secrets masked: ``Authorization: Bearer <TOKEN>``), what was
expected and what came back (status, and in a live run a field diff against the
recorded answer that ignores volatile values), and which page block goes stale, named
``case/step/kind`` as the page template names it. Which blocks a step has and which of
them a problem concerns is the catalogue's answer (:mod:`apidocs.core.blocks`), from the
problem's kind, never from its words. A passing run says what was checked.

``summary.json`` holds the verdict; ``python -m apidocs.runner.report DIR`` prints it and exits
1 when a step failed or drifted — CI uses it to fail on drift even when every snippet
still "works".
"""

from __future__ import annotations

import datetime
import html
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from apidocs.core.blocks import blocks_of, stale_blocks
from apidocs.core.errors import ApidocsError
from apidocs.core.files import check_folder, write_atomically
from apidocs.core.languages import label, ordered
from apidocs.core.model import Action, Snippet
from apidocs.core.problems import Problem
from apidocs.core.settings import ROLES, replay_token
from apidocs.runner.drift import Finding, StepDrift, run_drift

FILES = ("junit.xml", "report.md", "report.html", "summary.json")
OUTCOMES = ("passed", "failed", "drift", "data", "skipped")
DATA_NOTE = ("data missing, not drift: the instance lacks records this check relies on;"
             " run `apidocs provision` against it (cases/fixtures.toml declares them)")


# ----------------------------------------------------------------- masking
class Masker:
    """Removes every secret from text that goes into a report."""

    def __init__(self, secrets: Iterable[str]) -> None:
        self.secrets = sorted({s for s in secrets if s and len(s) >= 4}, key=len, reverse=True)

    def __call__(self, text: str, markup: bool = False) -> str:
        """``text`` without secrets; ``markup``: the text is XML/HTML (stand-ins are escaped)."""
        token, secret = ("&lt;TOKEN&gt;", "&lt;SECRET&gt;") if markup else ("<TOKEN>", "<SECRET>")
        for value in self.secrets:
            text = text.replace(value, token)
        text = re.sub(r"(?i)(bearer\s+)(?!<TOKEN>|&lt;TOKEN&gt;)[^\s\"',<&]+", lambda m: m.group(1) + token, text)
        text = re.sub(r"(?i)(access_token=)(?!<TOKEN>|&lt;TOKEN&gt;)[^&\s\"'<]+", lambda m: m.group(1) + token, text)
        return re.sub(r"(?i)((?:session|csrftoken|cookie)[=:]\s*)(?!<SECRET>|&lt;SECRET&gt;)[^;\s\"'<&]+",
                      lambda m: m.group(1) + secret, text)


def masker_for(settings) -> Masker:
    tokens = dict(getattr(settings, "tokens", {}) or {})
    return Masker([*tokens.values(), *(replay_token(role) for role in ROLES)])


# ----------------------------------------------------------------- analysis
@dataclass
class LanguageReport:
    language: str
    request: list[str]  # request line, headers, body (masked later)
    expected: str
    got: str
    recorded: str  # the recorded status in a live run ("" otherwise)
    problems: list[Problem]
    drift: list[Finding] = field(default_factory=list)
    context: list[Finding] = field(default_factory=list)
    stopped_by: str = ""  # the earlier step its chain stopped at ("": it ran)

    @property
    def skipped(self) -> bool:
        return bool(self.stopped_by)

    @property
    def label(self) -> str:
        return label(self.language)


@dataclass
class StepReport:
    case: str
    step: str
    kind: str  # snippet | action
    outcome: str  # passed | failed | drift | data | skipped
    languages: list[LanguageReport]
    problems: list[Problem]  # across languages
    stale: list[str]  # page blocks, case/step/kind
    checked: str  # what a pass means for this step
    note: str = ""
    unverified: list[str] = field(default_factory=list)  # blocks of a step that did not run
    seconds: float = 0.0  # how long the step took

    @property
    def id(self) -> str:
        return f"{self.case}/{self.step}"


def analyse(results: list, settings) -> list[StepReport]:
    """One :class:`StepReport` a step, drift included in a live run."""
    live = getattr(settings, "mode", "") == "live"
    same_records = not getattr(settings, "fixtures_missing", ())
    drifts: dict = run_drift(results, Path(settings.cassettes), same_records) if live else {}
    reports = []
    for result in results:
        step = result.step
        languages = []
        stale: dict[str, None] = {}
        data = result.data_missing  # the instance lacks data: not the page's fault, nothing stale
        for language in result.runs:
            run = result.runs[language]
            found: StepDrift | None = drifts.get((result.case, step.name, language))
            report = LanguageReport(
                language=language,
                request=_request_lines(run),
                expected=f"HTTP {step.expect.status}",
                got=_got(run),
                recorded=f"HTTP {found.recorded.status}" if found and found.recorded else "",
                problems=list(run.problems),
                drift=found.drift if found and not data else [],
                context=found.context if found and not data else [],
                stopped_by=run.stopped_by,
            )
            languages.append(report)
            for problem in run.problems:
                stale.update(dict.fromkeys(stale_blocks(result.case, step, problem, language)))
            for finding in report.drift:
                stale.update(dict.fromkeys(finding.blocks))
        for problem in result.problems:
            stale.update(dict.fromkeys(stale_blocks(result.case, step, problem)))
        has_drift = any(lang.drift for lang in languages)
        outcome = "drift" if result.outcome == "passed" and has_drift else result.outcome
        note = ""
        if isinstance(step, Action) and not step.inline and outcome in ("failed", "drift"):
            note = "a runner action the page does not show: the steps after it in this case were not verified"
        if outcome == "data":
            note = DATA_NOTE
        unpaired = _unpaired(drifts, result) if live and not result.skipped else ""
        # an upstream server (DAMAP) answered on one side only: nothing was compared
        upstream = next((f.sentence() for lang in languages for f in lang.context if f.kind == "upstream"), "")
        reports.append(StepReport(
            case=result.case, step=step.name, kind="snippet" if isinstance(step, Snippet) else "action",
            outcome=outcome, languages=languages, problems=list(result.problems), stale=list(stale),
            checked=_joined(_checked(step, live and not (unpaired or upstream), result.waiting), unpaired),
            note=_joined(note, unpaired, upstream),
            unverified=[b.name for b in blocks_of(result.case, step)] if outcome == "skipped" else [],
            seconds=result.seconds,
        ))
    return reports


def _unpaired(drifts: dict, result) -> str:
    """Why a live step was compared with no recorded answer ("" when every language was)."""
    found = [drifts.get((result.case, result.step.name, language)) for language in result.runs]
    if all(f is not None and f.recorded is not None for f in found):
        return ""
    why = next((f.unpaired for f in found if f is not None and f.unpaired), "")
    return f"no recorded answer to compare with ({why or 're-record the cassette'})"


def _joined(*notes: str) -> str:
    return "; ".join(note for note in notes if note)


def _request_lines(run) -> list[str]:
    exchange = run.response
    if exchange is None:
        return []
    view = run.request
    lines = [run.request_line()]
    for key, value in exchange.headers.items():
        lower = key.lower()
        if lower == "authorization":
            lines.append("Authorization: Bearer <TOKEN>")
        elif lower in ("content-type",) and exchange.body:
            lines.append(f"{key}: {value}")
    if view is not None and view.body is not None:
        body = view.body if isinstance(view.body, str) else json.dumps(view.body, sort_keys=True)
        lines.append(body if len(body) <= 600 else body[:599] + "…")
    elif view is None and exchange.body:
        lines.append(f"<{len(exchange.body)} bytes>")
    return lines


def _got(run) -> str:
    exchange = run.response
    if run.skipped:
        return "not run (an earlier step failed)"
    if exchange is None:
        return "no request sent"
    if exchange.error and not exchange.status:
        return exchange.error
    return f"HTTP {exchange.status}"


def _checked(step, compared: bool, waiting: str = "") -> str:
    parts = [f"HTTP {step.expect.status}"]
    if step.expect.fields:
        parts.append(f"{len(step.expect.fields)} documented field(s) and their types")
    if step.expect.checks:
        parts.append(f"{len(step.expect.checks)} documented effect(s)")
    if waiting:  # the answer comes from an upstream server that did not answer (DAMAP): say what waits
        parts = [f"{waiting} ({' and '.join(parts)})"]
    if isinstance(step, Snippet):
        shown = ", ".join(label(language) for language in step.languages)
        parts.insert(0, f"{shown} ran as shown and sent the same request, to the Endpoint line")
        if step.saves:
            parts.append(f"saved {step.saves} with the response's bytes")
    else:
        parts.insert(0, "runner request")
    if compared:
        parts.append("compared with the recorded answer (no drift)")
    return "; ".join(parts)


# ----------------------------------------------------------------- writing
@dataclass(frozen=True)
class Reports:
    """The report files' texts, secrets already masked, and the run's verdict."""

    texts: dict[str, str]  # file name (:data:`FILES`) → text
    ok: bool  # false on a failure, drift, missing data or skip (summary.json's "ok")


def build_reports(results: list, settings, ledger=None, left_out=()) -> Reports:
    """JUnit XML, Markdown, HTML and a JSON summary of a run.

    ``ledger``: the published test records a live run removed or left behind;
    ``left_out``: the cases a read-only run did not run.
    """
    reports = analyse(results, settings)
    mask = masker_for(settings)
    meta = _meta(settings, reports)
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
    """:func:`build_reports` and :func:`save_reports` in one."""
    return save_reports(directory, build_reports(results, settings, ledger, left_out))


def _meta(settings, reports: list[StepReport]) -> dict:
    mode = getattr(settings, "mode", "replay")
    counts = {k: sum(1 for r in reports if r.outcome == k) for k in OUTCOMES}
    return {
        "mode": mode,
        "target": "committed cassettes" if mode == "replay" else getattr(settings, "api_url", ""),
        "instance": getattr(settings, "instance_version", "") or "",
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "counts": counts,
        "ok": counts["passed"] == len(reports) and bool(reports),
    }


def summary(reports: list[StepReport], meta: dict) -> dict:
    return {
        **meta,
        "steps": len(reports),
        "stale_blocks": sorted({b for r in reports for b in r.stale}),
        "unverified_blocks": sorted({b for r in reports for b in r.unverified}),
        "failing": [
            {"step": r.id, "outcome": r.outcome, "stale": r.stale,
             "problems": [f"{lang.label}: {p}" for lang in r.languages for p in lang.problems]
                         + [p.message for p in r.problems],
             "drift": sorted({f"{lang.label}: {f.sentence()}" for lang in r.languages for f in lang.drift})}
            for r in reports if r.outcome != "passed"
        ],
    }


def _verdict(meta: dict) -> str:
    c = meta["counts"]
    line = f"{c['passed']} passed, {c['failed']} failed, {c['drift']} drifted, {c['skipped']} skipped"
    if c.get("data"):
        line += f", {c['data']} data missing (run `apidocs provision`)"
    return ("OK — " if meta["ok"] else "ACTION NEEDED — ") + line


def _details(report: StepReport) -> list[str]:
    """Plain lines describing a failing or drifting step (shared by all formats)."""
    lines = []
    for lang in report.languages:
        if lang.skipped:
            lines.append(f"{lang.label}: not run (its chain stopped at {lang.stopped_by})")
            continue
        if not (lang.problems or lang.drift):
            continue
        lines.append(f"{lang.label}:")
        lines.append("  request sent:")
        lines += [f"    {line}" for line in lang.request] or ["    (none)"]
        recorded = f", recorded {lang.recorded}" if lang.recorded else ""
        lines.append(f"  expected {lang.expected}{recorded}; got {lang.got}")
        lines += [f"  - {problem}" for problem in lang.problems]
        lines += [f"  - drift: {finding.sentence()}" for finding in lang.drift]
        if lang.context:
            lines.append("  field diff against the recording (context, volatile fields ignored):")
            lines += [f"    · {finding.sentence()}" for finding in lang.context[:25]]
            if len(lang.context) > 25:
                lines.append(f"    · … {len(lang.context) - 25} more")
    lines += [f"across languages: {problem}" for problem in report.problems]
    if report.note:
        lines.append(f"note: {report.note}")
    if report.unverified:
        lines.append(f"not verified in this run: {', '.join(report.unverified)}")
    return lines


def markdown(reports: list[StepReport], meta: dict) -> str:
    out = [f"# API page verification — {meta['mode']} run", "",
           f"- target: {meta['target']}" + (f" ({meta['instance']})" if meta["instance"] else ""),
           f"- date: {meta['date']}", f"- **{_verdict(meta)}**", ""]
    stale = sorted({b for r in reports for b in r.stale})
    if stale:
        out += ["## Page blocks that went stale", ""] + [f"- `{b}`" for b in stale] + [""]
    unverified = sorted({b for r in reports for b in r.unverified})
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
    bad = [r for r in reports if r.outcome != "passed"]
    if bad:
        out += ["## What went wrong", ""]
        for r in bad:
            out += [f"### {r.case} › {r.step} — {r.outcome}", ""]
            if r.stale:
                out += [f"Stale: {', '.join(f'`{b}`' for b in r.stale)}", ""]
            out += ["```text", *_details(r), "```", ""]
    out += ["## What was checked", ""]
    out += [f"- {r.case} › {r.step}: {r.checked}" for r in reports if r.outcome == "passed"] or ["- nothing passed"]
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
        return "skipped"
    mark = "fail" if lang.problems else ("drift" if lang.drift else "ok")
    return f"{mark} ({lang.got})" if lang.got.startswith("HTTP") else f"{mark}"


def html_report(reports: list[StepReport], meta: dict) -> str:
    e = html.escape
    colour = {"passed": "#1a7f37", "failed": "#cf222e", "drift": "#9a6700", "data": "#0969da", "skipped": "#6e7781"}
    rows = []
    languages = _languages(reports)
    for r in reports:
        by_language = _cells(r)
        cells = "".join(f"<td>{e(by_language.get(name, ''))}</td>" for name in languages)
        rows.append(
            f"<tr><td>{e(r.case)}</td><td>{e(r.step)}</td><td>{e(r.kind)}</td>{cells}"
            f"<td style='color:{colour[r.outcome]};font-weight:bold'>{e(r.outcome)}</td>"
            f"<td>{'<br>'.join(f'<code>{e(b)}</code>' for b in r.stale)}</td></tr>"
        )
    sections = []
    for r in (r for r in reports if r.outcome != "passed"):
        stale = ", ".join(f"<code>{e(b)}</code>" for b in r.stale)
        sections.append(
            f"<section id='{e(r.id)}'><h3>{e(r.case)} › {e(r.step)} — {e(r.outcome)}</h3>"
            + (f"<p>Stale: {stale}</p>" if stale else "")
            + f"<pre>{e(chr(10).join(_details(r)))}</pre></section>"
        )
    checked = "".join(f"<li>{e(r.case)} › {e(r.step)}: {e(r.checked)}</li>" for r in reports if r.outcome == "passed")
    stale_all = sorted({b for r in reports for b in r.stale})
    verdict_colour = colour["passed"] if meta["ok"] else colour["failed"]
    stale_items = "".join(f"<li><code>{e(b)}</code></li>" for b in stale_all)
    stale_html = f"<h2>Page blocks that went stale</h2><ul>{stale_items}</ul>" if stale_all else ""
    housekeeping_html = "".join(
        f"<h2>{e(heading)}</h2><ul>" + "".join(f"<li><code>{e(item)}</code></li>" for item in items) + "</ul>"
        for heading, items in _housekeeping(meta))
    language_headings = "".join(f"<th>{e(label(n))}</th>" for n in languages)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>API page verification — {e(meta['mode'])}</title>
<style>body{{font-family:sans-serif;margin:2em;max-width:80em}}table{{border-collapse:collapse}}
td,th{{border:1px solid #d0d7de;padding:.3em .6em;text-align:left;vertical-align:top}}
pre{{background:#f6f8fa;padding:1em;overflow-x:auto}}</style></head><body>
<h1>API page verification — {e(meta['mode'])} run</h1>
<p>Target: {e(meta['target'])}{e(' (' + meta['instance'] + ')') if meta['instance'] else ''} · {e(meta['date'])}</p>
<p style="color:{verdict_colour};font-weight:bold">{e(_verdict(meta))}</p>
{stale_html}
{housekeeping_html}
<h2>Steps</h2>
<table><tr><th>case</th><th>step</th><th>kind</th>{language_headings}<th>outcome</th><th>stale blocks</th></tr>
{''.join(rows)}</table>
{'<h2>What went wrong</h2>' + ''.join(sections) if sections else ''}
<h2>What was checked</h2><ul>{checked or '<li>nothing passed</li>'}</ul>
</body></html>
"""


def _seconds(times: Iterable[float]) -> str:
    """JUnit's time attribute: seconds, to the millisecond."""
    return f"{sum(times):.3f}"


def junit(reports: list[StepReport], meta: dict) -> str:
    root = ET.Element("testsuites", name=f"apidocs {meta['mode']}", tests=str(len(reports)),
                      failures=str(meta["counts"]["failed"] + meta["counts"]["drift"] + meta["counts"]["data"]),
                      skipped=str(meta["counts"]["skipped"]), errors="0")
    by_case: dict[str, list[StepReport]] = {}
    for r in reports:
        by_case.setdefault(r.case, []).append(r)
    for case, steps in by_case.items():
        suite = ET.SubElement(
            root, "testsuite", name=case, tests=str(len(steps)), errors="0", time=_seconds(r.seconds for r in steps),
            failures=str(sum(1 for r in steps if r.outcome in ("failed", "drift", "data"))),
            skipped=str(sum(1 for r in steps if r.outcome == "skipped")),
        )
        properties = ET.SubElement(suite, "properties")
        ET.SubElement(properties, "property", name="mode", value=meta["mode"])
        ET.SubElement(properties, "property", name="target", value=meta["target"])
        for r in steps:
            case_el = ET.SubElement(suite, "testcase", classname=case, name=r.step, time=_seconds([r.seconds]))
            if r.outcome == "skipped":
                ET.SubElement(case_el, "skipped", message="an earlier step of this case failed")
            elif r.outcome in ("failed", "drift", "data"):
                first = (next((f"{lang.label}: {p}" for lang in r.languages for p in lang.problems), None)
                         or next((f"{lang.label}: drift: {f.sentence()}"
                                  for lang in r.languages for f in lang.drift), None)
                         or (r.problems[0].message if r.problems else r.outcome))
                stale = f" — stale: {', '.join(r.stale)}" if r.stale else ""
                failure = ET.SubElement(case_el, "failure", type=r.outcome, message=first + stale)
                failure.text = "\n".join(([f"stale page blocks: {', '.join(r.stale)}"] if r.stale else [])
                                         + _details(r))
            else:
                ET.SubElement(case_el, "system-out").text = f"checked: {r.checked}"
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


# ----------------------------------------------------------------- CI gate
def saved_verdict(directory: Path) -> tuple[list[str], bool]:
    """The verdict of the report a run wrote into ``directory`` (``apidocs report DIR``):
    its lines, and whether the run was clean."""
    path = directory / "summary.json"
    if not path.is_file():
        raise ApidocsError(f"no {path}: did the run write its report (--report {directory})?")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        lines = [_verdict(data)] + [f"stale: {name}" for name in data.get("stale_blocks", [])]
    except (ValueError, KeyError, TypeError) as exc:
        raise ApidocsError(f"{path}: not a report summary ({type(exc).__name__}: {exc})") from None
    return lines, bool(data.get("ok"))
