"""``apidocs ARGS`` in a fork of a process that has imported the tool already.

Most tests run the command only to read what it prints, its exit code and the files it
writes; a new interpreter that imports the tool again (vcrpy, PyYAML, requests: 0.3 s a
run) proves nothing there. multiprocessing's forkserver is started once per test process
with the tool preloaded, and forks a single-threaded child per run: the child gets its own
environment, working directory, stdout and stderr, and whatever a run changes (the ``cases``
package, the language registry, signal handlers) dies with it. Tests about signals from
outside (``test_exit_codes.py``, ``test_any_instance.py``), the console script's help
(``test_readme.py``) and the installed wheel (``test_wheel.py``) start the real command.

This module is imported by the forkserver, so it imports nothing of pytest.
"""

from __future__ import annotations

import importlib.util
import multiprocessing
import os
import subprocess
import sys
import tempfile
from pathlib import Path

#: Imported once by the forkserver, so that no child imports them again.
PRELOAD = ["forked_cli", "apidocs.entry.cli", "apidocs.entry.commands.run", "apidocs.entry.commands.render",
           "apidocs.runner.engine",
           "apidocs.runner.capture", "apidocs.runner.report", "apidocs.render.page", "vcr", "yaml", "requests"]


def _exists(name: str) -> bool:
    """``name`` can be imported; its parent packages are imported to know (the forkserver
    preloads them anyway), the module itself is not."""
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:  # a parent package is missing
        return False


# The forkserver skips a preload name it cannot import without a word (every run would then
# import it again): a name that no longer exists is an error here.
_missing = [name for name in PRELOAD if name != "forked_cli" and not _exists(name)]
if _missing:
    raise ImportError(f"forked_cli.PRELOAD names modules that do not exist: {', '.join(_missing)}")

_context = multiprocessing.get_context("forkserver")
_context.set_forkserver_preload(PRELOAD)


def child(argv: list[str], env: dict[str, str], cwd: str, out: str, err: str) -> None:
    """The forked run: as a process started with ``env`` in ``cwd`` would see it, its output
    to the files ``out`` and ``err``; exits with the command's code."""
    from apidocs.entry.cli import main

    os.environ.clear()
    os.environ.update(env)
    os.chdir(cwd)
    sys.argv = argv
    for fd, path in ((1, out), (2, err)):
        with open(path, "wb") as file:
            os.dup2(file.fileno(), fd)
    sys.stdout = open(1, "w", encoding="utf-8", closefd=False)  # lives as long as the child
    sys.stderr = open(2, "w", encoding="utf-8", closefd=False)
    try:
        code = main(argv[1:])
    except SystemExit as exc:  # argparse's usage errors and --help
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def run(argv: list[str], env: dict[str, str], cwd: Path, timeout: float) -> subprocess.CompletedProcess:
    """Run ``argv`` (the command's name first) in a forked child; what ``subprocess.run``
    with ``capture_output=True, text=True`` would give."""
    with tempfile.TemporaryDirectory(prefix="apidocs-fork-") as folder:
        out, err = os.path.join(folder, "stdout"), os.path.join(folder, "stderr")
        process = _context.Process(target=child, args=(argv, env, str(cwd), out, err))
        process.start()
        process.join(timeout)
        if process.exitcode is None:
            process.kill()
            process.join()
            raise subprocess.TimeoutExpired(argv, timeout)
        return subprocess.CompletedProcess(argv, process.exitcode, _read(out), _read(err))


def _read(path: str) -> str:
    with open(path, encoding="utf-8") as file:
        return file.read()
