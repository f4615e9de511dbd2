"""Each command's options, typed: what the CLI parsed, handed to the command (and what
``update`` hands to the commands it runs), never an ``argparse.Namespace``; and the options
the commands share (where the cases and cassettes are), with the settings a run reads with
them (a flag overrides its variable)."""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Callable, TypeVar

from apidocs.core import project, settings
from apidocs.core.settings import Mode, Settings

if TYPE_CHECKING:
    from _typeshed import DataclassInstance


#: The commands that run the cases, each in its mode.
RUN_COMMANDS = {"verify": Mode.REPLAY, "live": Mode.LIVE, "record": Mode.RECORD}


@dataclass(frozen=True)
class RunOptions:
    """``apidocs verify|live|record [CASE...]``: the command is the mode."""

    mode: Mode
    cases: list[str] = field(default_factory=list)
    cases_dir: Path | None = None
    cassettes: Path | None = None
    report: Path | None = None
    check_pages: bool = False
    read_only: bool = False


@dataclass(frozen=True)
class UpdateOptions:
    cases: list[str] = field(default_factory=list)
    cases_dir: Path | None = None
    cassettes: Path | None = None


@dataclass(frozen=True)
class RenderOptions:
    check: bool = False
    page: str | None = None
    into: Path | None = None
    source: Path | None = None  # --from
    theme_repo: Path | None = None
    patch: Path | None = None
    notebook: Path | None = None
    api_url: str | None = None
    cases_dir: Path | None = None
    cassettes: Path | None = None
    no_cache: bool = False


@dataclass(frozen=True)
class LintOptions:
    cases: list[str] = field(default_factory=list)
    cases_dir: Path | None = None


@dataclass(frozen=True)
class ReportOptions:
    directory: Path = Path("reports")


@dataclass(frozen=True)
class PreviewOptions:
    template: Path | None = None
    out: Path | None = None
    no_screenshot: bool = False
    app: str | None = None


@dataclass(frozen=True)
class LinksOptions:
    app: str | None = None
    external: bool = False
    report: Path | None = None


@dataclass(frozen=True)
class InstallPagesOptions:
    templates: Path


@dataclass(frozen=True)
class NoOptions:
    """``apidocs list``, ``apidocs provision``: nothing to choose."""


Parsed = TypeVar("Parsed", bound="DataclassInstance")


def options_of(kind: type[Parsed], args: argparse.Namespace) -> Parsed:
    """The typed options ``kind`` (a dataclass above) from what argparse parsed."""
    return kind(**{each.name: getattr(args, each.name) for each in fields(kind)})


def plain(docstring: str) -> str:
    """A module docstring as ``--help`` shows it: its RST literals as plain text, without the
    double backticks a terminal would show as they are."""
    return docstring.replace("``", "")


def add_project(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--project", type=Path, default=None, metavar="DIR",
                        help="the docs project (cases/, page/, cassettes/; default: $DOCS_PROJECT, else the"
                             " nearest folder at or above the working directory that holds cases/ and page/)")


def in_project(folder: Path | None, command: Callable[[], int]) -> int:
    """``command`` run in the docs project: ``--project`` overrides ``DOCS_PROJECT`` for this
    run (and the processes it starts). Call it inside :meth:`apidocs.entry.console.Console.guarded`:
    a folder that is not a project is one line naming the flag, as it was given."""
    if folder:
        os.environ[project.VARIABLE] = str(project.checked(str(folder), f"--project {str(folder)!r}"))
    return command()


def add_cases_dir(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--cases-dir", type=Path, default=None,
                        help="folder of case scripts (default: the docs project's cases/)")


def add_cassettes(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--cassettes", type=Path, default=None,
                        help="cassette folder (default: $DOCS_CASSETTES or cassettes/)")


def load_settings(mode: Mode, cassettes: Path | None, read_only: bool = False) -> Settings:
    """The run's :class:`apidocs.core.settings.Settings`, with ``--cassettes`` over ``DOCS_CASSETTES``."""
    loaded = settings.load(mode, read_only=read_only)
    return replace(loaded, cassettes=cassettes) if cassettes else loaded


def cases_folder(given: Path | None) -> Path:
    """``--cases-dir``, else the docs project's ``cases/``."""
    return given or project.cases()

