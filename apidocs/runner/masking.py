"""Secrets out of everything a run writes for people to read (reports, console details):
tokens, ``Authorization`` values, ``access_token`` parameters and session cookies."""

from __future__ import annotations

import re
from typing import Iterable

from apidocs.core.settings import ROLES, Settings, replay_token


class Masker:
    """Removes every secret from text that goes into a report."""

    def __init__(self, secrets: Iterable[str]) -> None:
        self.secrets = sorted({s for s in secrets if s and len(s) >= 4}, key=len, reverse=True)

    def __call__(self, text: str, markup: bool = False) -> str:
        """``text`` without secrets; ``markup``: the text is XML/HTML (stand-ins are escaped)."""
        token, secret = ("&lt;TOKEN&gt;", "&lt;SECRET&gt;") if markup else ("<TOKEN>", "<SECRET>")
        for value in self.secrets:
            text = text.replace(value, token)
        text = re.sub(r"(?i)(bearer\s+)(?!<TOKEN>|&lt;TOKEN&gt;)[^\s\"',<&]+", lambda m: m.group(1) + token, text)
        text = re.sub(r"(?i)(access_token=)(?!<TOKEN>|&lt;TOKEN&gt;)[^&\s\"'<]+", lambda m: m.group(1) + token, text)
        return re.sub(r"(?i)((?:session|csrftoken|cookie)[=:]\s*)(?!<SECRET>|&lt;SECRET&gt;)[^;\s\"'<&]+",
                      lambda m: m.group(1) + secret, text)


def masker_for(settings: Settings) -> Masker:
    return Masker([*settings.tokens.values(), *(replay_token(role) for role in ROLES)])
