"""Parsers for setting values: text in, a checked value out, or :class:`Invalid` saying why.

Pure functions, one per kind of setting, so each setting is checked where it is read
(:func:`apidocs.core.settings.load`) and a typo stops the run before any request: a URL
without a scheme would otherwise surface as a ``requests`` traceback in the middle of a
run, a zero timeout as a ``ValueError`` deep in urllib3, ``inf`` as an overflow.
"""

from __future__ import annotations

import math
from typing import Callable
from urllib.parse import urlsplit

#: The longest wait any setting may ask for: longer is a typo, not a slow server.
MAX_SECONDS = 86400.0
TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("0", "false", "no", "off")
URL_SCHEMES = ("http", "https")


class Invalid(ValueError):
    """A setting's value cannot be used; the message says why (the caller names the setting)."""


def api_url(value: str) -> str:
    """An http(s) API base with a host and a valid port, without a trailing slash."""
    if any(char.isspace() for char in value):
        raise Invalid("a URL cannot contain spaces")
    if "://" not in value:
        raise Invalid(f"no scheme: write http://{value} or https://{value}")
    try:
        parts = urlsplit(value)
    except ValueError as exc:  # e.g. an unclosed "[" of an IPv6 host: "Invalid IPv6 URL"
        raise Invalid(f"not a valid URL: {exc}") from None
    if parts.scheme.lower() not in URL_SCHEMES:
        raise Invalid(f"the scheme {parts.scheme}:// is not supported: use http:// or https://")
    if not parts.hostname:
        raise Invalid("no host name")
    try:
        port = parts.port
    except ValueError:
        port = -1
    if port is not None and not 1 <= port <= 65535:
        raise Invalid("the port must be a number from 1 to 65535")
    if parts.query or parts.fragment:
        raise Invalid("an API base has no query (?) or fragment (#): the runner appends paths to it")
    return value.rstrip("/")


def seconds(value: str, allow_zero: bool = False) -> float:
    """A finite number of seconds, positive (or also 0 with ``allow_zero``), at most a day."""
    try:
        number = float(value)
    except ValueError:
        raise Invalid("not a number of seconds") from None
    if not math.isfinite(number):
        raise Invalid("must be a finite number of seconds")
    if number < 0 or (number == 0 and not allow_zero):
        raise Invalid(f"must be {'0 or more' if allow_zero else 'more than 0'} seconds")
    if number > MAX_SECONDS:
        raise Invalid(f"must be at most {MAX_SECONDS:g} seconds (a day)")
    return number


def count(value: str, most: int) -> int:
    """A whole number from 0 to ``most``."""
    try:
        number = int(value)
    except ValueError:
        raise Invalid("not a whole number") from None
    if not 0 <= number <= most:
        raise Invalid(f"must be from 0 to {most}")
    return number


def flag(value: str) -> bool:
    """A yes/no setting: only the usual words count, anything else is an error, not "no"."""
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise Invalid(f"not a yes/no value: use one of {', '.join(TRUE_WORDS)} or {', '.join(FALSE_WORDS)}")


def choice(options: tuple[str, ...]) -> Callable[[str], str]:
    """A parser accepting exactly one of ``options``."""

    def parse(value: str) -> str:
        if value not in options:
            raise Invalid(f"choose one of {', '.join(options)}")
        return value

    return parse
