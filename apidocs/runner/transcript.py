"""Run a transcript step (:class:`apidocs.core.model.Transcript`): its cells, for real, in
the package's venv (:mod:`apidocs.runner.venvs`), by the kernel (:mod:`apidocs.runner.kernel`),
with the bridge (:mod:`apidocs.runner.bridge`) sending the package's requests to the
capture proxy, which forwards them as it forwards every snippet's (cassette or instance).
A run gets only the parts of the bridge it needs: none against a host the package knows
whose DOIs doi.org resolves (a production repository), where the run is a reader's.

The step passes when every cell ran, every answer the case gives on stdin was asked for,
and the last cell returned the path of a file holding the bytes the repository sent (when
the package's requests did not pass the proxy, the runner fetches that file through it).
Otherwise the problem says what happened in the reader's terms: the record has one file
(no menu), no file, the package does not know the host, a prompt found no answer.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
from pathlib import Path
from urllib.parse import quote, urlsplit

import requests

from apidocs.core import project
from apidocs.core.errors import ApidocsError
from apidocs.core.model import Bridge, Case, Transcript
from apidocs.core.problems import Kind, Problem
from apidocs.core.settings import Settings
from apidocs.core.transcript import CODE, cells
from apidocs.runner import bridge, venvs
from apidocs.runner.capture import CaptureProxy, Exchange
from apidocs.runner.execute import ProcessResult
from apidocs.runner.placeholders import materialise, substitutions
from apidocs.runner.results import CellRun, StepRun

KERNEL = Path(__file__).with_name("kernel.py")


def run_transcript(case: Case, step: Transcript, bound: dict[str, str], proxy: CaptureProxy, settings: Settings,
                   workdir: Path) -> StepRun:
    """Run ``step``'s cells once, in the chain whose values are ``bound``."""
    python = venvs.interpreter(project.cases() / step.requirements)
    run = StepRun("python", table=substitutions(case, proxy.base_url, None, bound))
    code = cells(materialise(step.text, run.table), f"{case.name}/{step.name}")
    workdir.mkdir(parents=True, exist_ok=True)
    known = known_hosts(python, step.bridge)
    bridged = bridge_of(step, bound, proxy, known)
    job = {"cells": [{"kind": c.kind, "shell": c.is_shell, "source": c.source} for c in code], "bridge": bridged,
           "choose": list(step.choose)}
    (workdir / "job.json").write_text(json.dumps(job), encoding="utf-8")
    first = len(proxy.exchanges)
    timeout = settings.policy.timeout * 2 + 10
    run.process, outcome = _kernel(python, workdir, step.stdin, timeout)
    run.exchanges = proxy.exchanges[first:]
    if outcome is None:
        run.problems.append(Problem(Kind.REQUEST, f"the cells did not run to the end: {run.process.tail()}"))
        return run
    tmp = str(workdir / "tmp")
    run.cells = [CellRun(_normalised(c["output"], tmp) or "", _normalised(c["value"], tmp)) for c in outcome["cells"]]
    run.problems += transcript_problems(step, outcome, run.exchanges, len([c for c in code if c.kind == CODE]),
                                        known)
    if not run.problems and step.returns_download:
        value = outcome["cells"][-1]["value"]
        if not (bridged or {}).get("hosts"):  # the package went to the repository itself: fetch its file
            run.exchanges += _fetched_again(value, proxy, settings.policy.timeout)
        run.problems += _download_problems(value, run.exchanges)
    return run


def known_hosts(python: Path, declared: Bridge | None) -> frozenset[str]:
    """The hosts the package in the venv of ``python`` knows, where the bridge ``declared`` says
    it lists them (a dict's keys, read from its module's source, which is not imported); none
    when it says nothing."""
    if declared is None or declared.known_hosts is None:
        return frozenset()
    module, name = declared.known_hosts
    found = sorted(python.parent.parent.glob(f"lib/python*/site-packages/{module}"))
    try:
        tree = ast.parse(found[0].read_text(encoding="utf-8")) if found else None
    except (OSError, SyntaxError, ValueError):
        tree = None
    table = next((node.value for node in (tree.body if tree else ()) if isinstance(node, ast.Assign)
                  and any(isinstance(t, ast.Name) and t.id == name for t in node.targets)), None)
    if not isinstance(table, ast.Dict):
        raise ApidocsError(f"cannot read the hosts the package knows ({name} in {module} of the venv"
                           f" {python.parent.parent}): its version no longer has that table")
    return frozenset(key.value for key in table.keys if isinstance(key, ast.Constant) and isinstance(key.value, str))


def bridge_of(step: Transcript, bound: dict[str, str], proxy: CaptureProxy, known: frozenset[str]) -> dict | None:
    """The bridge for this run (:func:`bridge.plan`): the host part when the package does not
    know the instance the proxy forwards to, the resolver part when doi.org does not resolve
    the record's DOI; None: the run needs none (or the step declares none)."""
    if step.bridge is None:
        return None
    doi, doi_link, landing = (bound.get(name, "") for name in (step.bridge.doi, step.bridge.doi_link,
                                                                step.bridge.landing))
    return bridge.plan(doi, doi_link, landing, urlsplit(proxy.upstream_origin).netloc, known,
                       urlsplit(proxy.base_url).netloc, step.bridge.host)


def _fetched_again(value: str | None, proxy: CaptureProxy, timeout: float) -> list[Exchange]:
    """The file the package says it downloaded (``…/<record id>/<key>``), fetched through the
    proxy, where its own requests did not pass (a run without the bridge's host part)."""
    try:
        path = Path(ast.literal_eval(value or ""))
    except (ValueError, SyntaxError, TypeError):
        return []
    first = len(proxy.exchanges)
    with requests.Session() as session:
        session.trust_env = False  # to the proxy on loopback, never through an environment's proxy
        try:
            session.get(f"{proxy.base_url}/records/{quote(path.parent.name)}/files/{quote(path.name)}/content",
                        timeout=timeout)
        except requests.RequestException:
            pass  # the proxy keeps the exchange and its error
    return proxy.exchanges[first:]


def _kernel(python: Path, workdir: Path, stdin: str, timeout: float) -> tuple[ProcessResult, dict | None]:
    """Run the kernel on ``workdir/job.json``, in a session of its own (no terminal to ask on)."""
    (workdir / "tmp").mkdir(exist_ok=True)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(workdir), "LANG": "C.UTF-8",
           "TMPDIR": str(workdir / "tmp"), "PIP_NO_INDEX": "1", "PIP_CONFIG_FILE": os.devnull}
    result = workdir / "result.json"
    try:
        done = subprocess.run([str(python), "-I", str(KERNEL), str(workdir / "job.json"), str(result)],
                              cwd=workdir, env=env, input=stdin, capture_output=True, text=True, timeout=timeout,
                              start_new_session=True)
    except subprocess.TimeoutExpired:
        return ProcessResult(124, "", f"the cells did not finish within {timeout:g} s", workdir), None
    process = ProcessResult(done.returncode, done.stdout, done.stderr, workdir)
    if done.returncode != 0 or not result.is_file():
        return process, None
    return process, json.loads(result.read_text(encoding="utf-8"))


def _normalised(text: str | None, tmp: str) -> str | None:
    """The run's temp folder as a reader's (``/tmp``): the volatile rules do the rest."""
    return None if text is None else text.replace(tmp, "/tmp")


def _files_listed(exchanges: list[Exchange]) -> str:
    """What the record holds, as the package found it (its ``GET …/files``): `` (the record
    has 3 files)``, or nothing when it did not look."""
    for exchange in exchanges:
        if urlsplit(exchange.path).path.endswith("/files") and exchange.status == 200:
            try:
                listing = exchange.json()
            except ValueError:
                return ""
            if not isinstance(listing, dict):
                return ""
            if listing.get("enabled") is False:
                return " (the record has no files: a metadata-only record, its files not enabled)"
            files = len(listing.get("entries") or [])
            return f" (the record has {files} file{'' if files == 1 else 's'})"
    return ""


def transcript_problems(step: Transcript, outcome: dict, exchanges: list[Exchange], code_cells: int,
                        known: frozenset[str]) -> list[Problem]:
    """What went wrong in the cells, in the reader's terms (pure: from the kernel's outcome,
    what the proxy saw and the hosts the package knows)."""
    ran = outcome["cells"]
    failed = next(((n, c) for n, c in enumerate(ran, 1) if c["error"]), None)
    record = _files_listed(exchanges)
    transport = [e.error for e in exchanges if e.error]
    if transport:
        kind = Kind.UNRECORDED if any(e.unrecorded for e in exchanges) else Kind.TRANSPORT
        return [Problem(kind, transport[0])]
    if failed is not None:
        number, cell = failed
        if cell["unanswered"] is not None:
            return [Problem(Kind.REQUEST, f"cell [{number}] asked {cell['unanswered']!r} and stdin had no answer"
                                          f" left{record}; the case answers {step.stdin!r}")]
        asked_resolver = [url for url in outcome["requests"] if urlsplit(url).hostname == bridge.RESOLVER]
        if cell["error"].startswith("RecursionError") and len(asked_resolver) > 1:
            return [Problem(Kind.REQUEST, f"cell [{number}] failed: {cell['error']}, after asking doi.org"
                                          f" {len(asked_resolver)} times for {asked_resolver[0]}: doi.org does not"
                                          " resolve that DOI (404), and the package asks again")]
        return [Problem(Kind.REQUEST, f"cell [{number}] failed: {cell['error']}{record}")]
    if len(ran) != code_cells:
        return [Problem(Kind.REQUEST, f"{len(ran)} of {code_cells} cells ran")]
    last = ran[-1]
    went = urlsplit(outcome["requests"][-1]).netloc if outcome["requests"] else ""
    table = f"its {step.bridge.known_hosts[1]}" if step.bridge and step.bridge.known_hosts else "the hosts it knows"
    if step.returns_download and last["value"] is None and went and went not in known | {bridge.RESOLVER}:
        return [Problem(Kind.REQUEST, f"cell [{len(ran)}] returned None without a word: the package knows no"
                                      f" repository at {went} ({table}), where the DOI led it")]
    if (step.returns_download and last["value"] is None and outcome.get("bridged") and not outcome["requests"]
            and not exchanges):
        return [Problem(Kind.REQUEST, f"cell [{len(ran)}] returned None without a word and sent no request: the"
                                      f" package returns None for a URL whose host is not in {table}")]
    answers = step.stdin.splitlines()
    if len(outcome["asked"]) < len(answers):
        return [Problem(Kind.EFFECT, f"the case answers {len(answers)} prompt(s), the cells asked"
                                     f" {len(outcome['asked'])}{record}: no menu to choose from")]
    if step.returns_download and last["value"] is None:
        return [Problem(Kind.EFFECT, f"cell [{len(ran)}] returned None{record}: {last['output'].strip()}")]
    return []


def _download_problems(value: str, exchanges: list[Exchange]) -> list[Problem]:
    """The returned path names a file holding the bytes of the last file content the repository sent."""
    try:
        path = Path(ast.literal_eval(value))
    except (ValueError, SyntaxError, TypeError):
        return [Problem(Kind.EFFECT, f"the last cell returned {value}, not a path")]
    contents = [e for e in exchanges if urlsplit(e.path).path.endswith("/content") and e.status == 200]
    if not contents:
        return [Problem(Kind.EFFECT, "the last cell returned a path, but no file content was downloaded")]
    if not path.is_file() or path.read_bytes() != contents[-1].response_body:
        return [Problem(Kind.EFFECT, f"the last cell returned {value}, which does not hold the file it downloaded")]
    return []
