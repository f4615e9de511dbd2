"""``apidocs ARGS`` run in the test's own process, as a process started with only the given
environment in the given folder would run it.

Most tests run the command only to read what it says, its exit code and the files it
writes; a new interpreter (or a fork) proves nothing there. The command writes to the
streams it is given (:class:`apidocs.entry.console.Console`), so its output is the
command's alone. What a run reads or changes of the process is set before it and put back
after it (:func:`isolated`): the environment, the working folder, the caches of what it
read from the docs project, the ``cases`` package it imported, the languages a cases folder
registered. Tests of signals from outside (``test_exit_codes.py``, ``test_any_instance.py``),
of the console script's help (``test_readme.py``), of what a fresh interpreter imports
(``test_one_pass.py``) and of the installed wheel (``test_wheel.py``) start the real command.
"""

from __future__ import annotations

import contextlib
import io
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Iterator

from apidocs.core import content, fixtures, languages
from apidocs.entry import cli, loader

#: What a cases folder is imported as (:func:`apidocs.entry.loader.bind_package`), and its case scripts.
CONTENT_MODULES = (loader.PACKAGE, f"{loader.PACKAGE}.", "_apidocs_case_")
#: What a process reads once and keeps: a fresh process reads it again.
CACHES = (content.declared, fixtures.declared, loader.load_languages, languages._installed)


class Overran(BaseException):
    """The command ran past its time (a BaseException: nothing in the tool catches it for its own)."""


def run(argv: list[str], env: dict[str, str], cwd: Path, timeout: float) -> subprocess.CompletedProcess:
    """``apidocs ARGV`` in this process; what ``subprocess.run`` with ``capture_output=True,
    text=True`` would give (:class:`subprocess.TimeoutExpired` after ``timeout`` seconds)."""
    out, err = io.StringIO(), io.StringIO()
    with isolated(env, cwd):
        try:
            with deadline(timeout):
                code = cli.main(argv, out=out, err=err)
        except Overran:
            raise subprocess.TimeoutExpired(["apidocs", *argv], timeout, out.getvalue(), err.getvalue()) from None
    return subprocess.CompletedProcess(["apidocs", *argv], code, out.getvalue(), err.getvalue())


@contextlib.contextmanager
def isolated(env: dict[str, str], cwd: Path) -> Iterator[None]:
    """Only ``env`` in the environment, ``cwd`` the working folder, nothing the docs project
    declared remembered; all as it was afterwards."""
    environ, folder = dict(os.environ), os.getcwd()
    registry = dict(languages.REGISTRY)
    modules = {name: module for name, module in sys.modules.items() if name.startswith(CONTENT_MODULES)}
    os.environ.clear()
    os.environ.update(env)
    os.chdir(cwd)
    _forget()
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(environ)
        os.chdir(folder)
        languages.REGISTRY.clear()
        languages.REGISTRY.update(registry)
        for name in [name for name in sys.modules if name.startswith(CONTENT_MODULES)]:
            del sys.modules[name]
        sys.modules.update(modules)
        _forget()


def _forget() -> None:
    for cached in CACHES:
        cached.cache_clear()


@contextlib.contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Raise :class:`Overran` where the command is after ``seconds`` (its clean-up still runs)."""
    def overran(signum: int, frame: object) -> None:
        raise Overran()

    previous = signal.signal(signal.SIGALRM, overran)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
