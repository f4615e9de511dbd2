"""Run a transcript step (:class:`apidocs.core.model.Transcript`): its cells, for real, in
the package's venv (:mod:`apidocs.runner.venvs`), by the kernel (:mod:`apidocs.runner.kernel`),
with the bridge (:mod:`apidocs.runner.bridge`) sending the package's requests to the
capture proxy, which forwards them as it forwards every snippet's (cassette or instance).

The step passes when every cell ran, every answer the case gives on stdin was asked for,
and the last cell returned the path of a file holding the bytes the repository sent.
Otherwise the problem says what happened in the reader's terms: the record has one file
(no menu), no file, the package does not know the host, a prompt found no answer.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

from apidocs.core import project
from apidocs.core.model import Case, Transcript
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
    job = {"cells": [{"kind": c.kind, "shell": c.is_shell, "source": c.source} for c in code],
           "bridge": bridge_of(step, bound, proxy), "choose": list(step.choose)}
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
    run.problems += transcript_problems(step, outcome, run.exchanges, len([c for c in code if c.kind == CODE]))
    if not run.problems and step.returns_download:
        run.problems += _download_problems(outcome["cells"][-1]["value"], run.exchanges)
    return run


def bridge_of(step: Transcript, bound: dict[str, str], proxy: CaptureProxy) -> dict | None:
    """The bridge for this run: the record's DOI resolves to its landing page on the stand-in
    host, whose requests go to the proxy (None: the step asks for none)."""
    if step.bridge is None:
        return None
    host = step.bridge.host
    doi, landing = bound.get(step.bridge.doi, ""), bound.get(step.bridge.landing, "")
    return {"resolves": bridge.resolution(doi, landing, host) if doi and landing else {},
            "hosts": {host: urlsplit(proxy.base_url).netloc}}


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


def _files_listed(exchanges: list[Exchange]) -> int | None:
    """How many files the package found in the record (its ``GET …/files``), or None."""
    for exchange in exchanges:
        if urlsplit(exchange.path).path.endswith("/files") and exchange.status == 200:
            try:
                return len(exchange.json().get("entries") or [])
            except (ValueError, AttributeError):
                return None
    return None


def transcript_problems(step: Transcript, outcome: dict, exchanges: list[Exchange], code_cells: int) -> list[Problem]:
    """What went wrong in the cells, in the reader's terms (pure: from the kernel's outcome
    and what the proxy saw)."""
    ran = outcome["cells"]
    failed = next(((n, c) for n, c in enumerate(ran, 1) if c["error"]), None)
    files = _files_listed(exchanges)
    record = "" if files is None else f" (the record has {files} file{'' if files == 1 else 's'})"
    transport = [e.error for e in exchanges if e.error]
    if transport:
        kind = Kind.UNRECORDED if any(e.unrecorded for e in exchanges) else Kind.TRANSPORT
        return [Problem(kind, transport[0])]
    if failed is not None:
        number, cell = failed
        if cell["unanswered"] is not None:
            return [Problem(Kind.REQUEST, f"cell [{number}] asked {cell['unanswered']!r} and stdin had no answer"
                                          f" left{record}; the case answers {step.stdin!r}")]
        return [Problem(Kind.REQUEST, f"cell [{number}] failed: {cell['error']}{record}")]
    if len(ran) != code_cells:
        return [Problem(Kind.REQUEST, f"{len(ran)} of {code_cells} cells ran")]
    last = ran[-1]
    if step.returns_download and last["value"] is None and not exchanges:
        went = outcome["requests"][-1] if outcome["requests"] else "nowhere"
        return [Problem(Kind.REQUEST, f"cell [{len(ran)}] returned None without a word and sent no request to"
                                      f" the repository: the package knows no repository at"
                                      f" {urlsplit(went).netloc or went} (its KNOWN_INSTANCES)")]
    answers = [*step.choose, *step.stdin.splitlines()]
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
