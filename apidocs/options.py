"""The options `apidocs` and `apidocs render` share: where the cases and cassettes are,
and the settings a run reads with them (a flag overrides its variable)."""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path

from apidocs.loader import HERE


def add_cases_dir(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--cases-dir", type=Path, default=HERE, help="folder of case scripts (default: cases/)")


def add_cassettes(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--cassettes", type=Path, default=None,
                        help="cassette folder (default: $DOCS_CASSETTES or cassettes/)")


def load_settings(mode: str, args: argparse.Namespace, read_only: bool = False):
    """The run's :class:`core.settings.Settings`, with ``--cassettes`` over ``DOCS_CASSETTES``."""
    from core import settings

    loaded = settings.load(mode, read_only=read_only)
    return replace(loaded, cassettes=args.cassettes) if args.cassettes else loaded
