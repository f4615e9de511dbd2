"""Run a transcript's cells as a notebook kernel would, in the package's own venv.

Started by :mod:`apidocs.runner.transcript` as ``<venv>/bin/python -I kernel.py JOB RESULT``:
JOB (JSON) holds the cells and the bridge (:mod:`apidocs.runner.bridge`), RESULT gets,
for each code cell, what it printed and the repr of its value, as Jupyter shows them.

What a notebook does, it does: a cell's last expression is its value (``None`` shows
nothing); ``input()`` and ``getpass()`` show their prompt and read a line from stdin,
and the answer typed shows after the prompt (``getpass``'s does not). A ``pip install``
cell (``pip``, ``%pip`` or ``!pip``) runs pip in this interpreter, offline (``--no-index``):
the venv already holds what it installs, so it checks the cell names a package the venv
was made with.
When stdin has no answer left, ``input()`` and ``getpass()`` stop the cell at once
(:class:`InputEnded`, which no ``except Exception`` in the package can swallow): a run
never waits for a reader who is not there. Standard library only (and ``requests``,
through the bridge).
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import getpass
import importlib.util
import io
import json
import re
import shlex
import subprocess
import sys
from pathlib import Path


class InputEnded(BaseException):
    """A cell asked for input and stdin had no answer left."""

    def __init__(self, prompt: str) -> None:
        super().__init__(prompt)
        self.prompt = prompt


def _ask(prompt: str, echo: bool, stands_for: str | None = None) -> str:
    """The next stdin answer, or the number the menu gives ``stands_for`` where it offers it."""
    line = sys.stdin.readline()
    number = _menu_number(stands_for) if stands_for and line else None
    sys.stdout.write(prompt)
    if not line:
        raise InputEnded(prompt)
    answer = number or line.rstrip("\n")
    sys.stdout.write((answer if echo else "") + "\n")
    return answer


#: A numbered menu's line as the cells print it: ``  2) temperature_2024.csv``.
MENU_LINE = re.compile(r"^\s*(\d+)\)\s+(.+?)\s*$", re.MULTILINE)


def _menu_number(item: str) -> str | None:
    """The number the menu printed last by the running cell gives ``item`` (None: not on it)."""
    printed = sys.stdout.getvalue() if isinstance(sys.stdout, io.StringIO) else ""
    numbers = {name: number for number, name in MENU_LINE.findall(printed)}  # later menus win
    return numbers.get(item)


def _answers(asked: list[str], choose: list[str]) -> None:
    """``input()`` and ``getpass()`` answered from stdin, the prompts kept in ``asked``. The
    n-th ``input()`` answer stands for ``choose``'s n-th item, when there is one: where the
    menu offers that item, the number it gives it is typed instead (on a record that is not
    the fixture, as on production, the stdin answer stands)."""
    inputs = iter(choose)

    def ask_input(prompt: object = "") -> str:
        asked.append(str(prompt))
        return _ask(str(prompt), echo=True, stands_for=next(inputs, None))

    def ask_secret(prompt: str = "Password: ", stream=None) -> str:
        asked.append(str(prompt))
        return _ask(str(prompt), echo=False)

    builtins.input = ask_input
    getpass.getpass = ask_secret


def _pip(source: str) -> tuple[str, str | None]:
    """A ``pip install`` cell, run offline in this interpreter."""
    words = shlex.split(source.lstrip("%!"))[2:]
    done = subprocess.run([sys.executable, "-m", "pip", "install", "--no-index", "--disable-pip-version-check",
                           *words], capture_output=True, text=True, stdin=subprocess.DEVNULL)
    error = None if done.returncode == 0 else (done.stderr.strip().splitlines() or ["pip failed"])[-1]
    return done.stdout + done.stderr, error


def _python(source: str, namespace: dict) -> dict:
    """Run a Python cell: what it printed, the repr of its value (or None), its error (or
    None) and the prompt stdin had no answer for (or None)."""
    tree = ast.parse(source, "<cell>")
    tail = tree.body[-1] if tree.body else None
    last = tail if isinstance(tail, ast.Expr) else None  # its value is the cell's result
    if last is not None:
        tree.body.pop()
    printed = io.StringIO()
    value = error = unanswered = None
    with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
        try:
            exec(compile(tree, "<cell>", "exec"), namespace)
            if last is not None:
                result = eval(compile(ast.Expression(last.value), "<cell>", "eval"), namespace)
                value = None if result is None else repr(result)
        except InputEnded as ended:
            unanswered, error = ended.prompt, "stdin has no answer left"
        except Exception as exc:  # the cell's error is the result, as a notebook shows it
            error = f"{type(exc).__name__}: {exc}"
    return {"output": printed.getvalue(), "value": value, "error": error, "unanswered": unanswered}


def _bridge(job: dict, log: list[str]) -> None:
    if not job.get("bridge"):
        return
    spec = importlib.util.spec_from_file_location("apidocs_bridge", Path(__file__).with_name("bridge.py"))
    assert spec is not None and spec.loader is not None  # a .py file next to this one
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.install(job["bridge"]["resolves"], job["bridge"]["hosts"], log)


def run(job: dict) -> dict:
    asked: list[str] = []
    log: list[str] = []
    _answers(asked, list(job.get("choose", [])))
    _bridge(job, log)
    namespace: dict = {"__name__": "__main__"}
    results = []
    for cell in job["cells"]:
        if cell["kind"] != "code":
            continue
        if cell["shell"]:
            output, error = _pip(cell["source"])
            entry = {"output": output, "value": None, "error": error, "unanswered": None}
        else:
            entry = _python(cell["source"], namespace)
        results.append(entry)
        if entry["error"]:
            break
    return {"cells": results, "asked": asked, "requests": log, "bridged": bool(job.get("bridge"))}


if __name__ == "__main__":
    job_path, result_path = sys.argv[1:3]
    outcome = run(json.loads(Path(job_path).read_text(encoding="utf-8")))
    Path(result_path).write_text(json.dumps(outcome), encoding="utf-8")
