"""The options `apidocs` and `apidocs render` share: where the cases and cassettes are,
and the settings a run reads with them (a flag overrides its variable)."""

from __future__ import annotations

import argparse
import os
from dataclasses import replace
from pathlib import Path
from typing import Callable

from apidocs.core import project
from apidocs.core.settings import Mode


def plain(docstring: str) -> str:
    """A module docstring as ``--help`` shows it: its RST literals as plain text, without the
    double backticks a terminal would show as they are."""
    return docstring.replace("``", "")


def add_project(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--project", type=Path, default=None, metavar="DIR",
                        help="the docs project (cases/, page/, cassettes/; default: $DOCS_PROJECT, else the"
                             " nearest folder at or above the working directory that holds cases/ and page/)")


def in_project(args: argparse.Namespace, command: Callable[[], int]) -> int:
    """``command`` run in the docs project: ``--project`` overrides ``DOCS_PROJECT`` for this
    run (and the processes it starts). Call it inside :func:`apidocs.core.errors.one_line_errors`:
    a folder that is not a project is one line naming the flag, as it was given."""
    if getattr(args, "project", None):
        given = str(args.project)
        os.environ[project.VARIABLE] = str(project.checked(given, f"--project {given!r}"))
    return command()


def add_cases_dir(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--cases-dir", type=Path, default=None,
                        help="folder of case scripts (default: the docs project's cases/)")


def add_cassettes(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--cassettes", type=Path, default=None,
                        help="cassette folder (default: $DOCS_CASSETTES or cassettes/)")


def load_settings(mode: Mode, args: argparse.Namespace, read_only: bool = False):
    """The run's :class:`apidocs.core.settings.Settings`, with ``--cassettes`` over ``DOCS_CASSETTES``."""
    from apidocs.core import settings

    loaded = settings.load(mode, read_only=read_only)
    return replace(loaded, cassettes=args.cassettes) if args.cassettes else loaded
