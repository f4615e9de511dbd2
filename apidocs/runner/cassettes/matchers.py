"""How a request finds its recording: vcrpy's matchers, and the one it lacks."""

from __future__ import annotations

MATCH_ON = ("method", "scheme", "host", "port", "path", "query", "body", "auth_presence")


def auth_presence(r1, r2) -> None:
    """Requests match only if both carry an Authorization header, or neither does."""
    has1 = any(k.lower() == "authorization" for k in r1.headers)
    has2 = any(k.lower() == "authorization" for k in r2.headers)
    if has1 != has2:
        raise AssertionError(
            f"Authorization header {'present' if has1 else 'missing'}, recorded request "
            f"{'had' if has2 else 'had none'}"
        )
