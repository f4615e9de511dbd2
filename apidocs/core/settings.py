"""All configuration in one place: environment variables (README, "Configuration").

| variable              | meaning                                                         | default |
|-----------------------|-----------------------------------------------------------------|---------|
| DOCS_MODE             | replay (offline, cassettes), live, or record: pytest plugin only | replay  |
| DOCS_API_URL          | the API base for live/record, e.g. https://host/api             | from .instance/env |
| DOCS_API_TOKEN        | depositor's personal access token (trusted-user)                | from .instance/env |
| DOCS_CURATOR_TOKEN    | curator's token (reviewer role): accepts curation requests      | from .instance/env |
| DOCS_ADMIN_TOKEN      | optional, administration-access: removes records a run published| from .instance/env |
| DOCS_DISPOSABLE       | yes if live runs may create drafts and publish records there    | from .instance/env |
| DOCS_INSTANCE_VERSION | what the instance runs, stored in recorded cassettes            | from .instance/env |
| DOCS_CASSETTES        | the cassette folder (``--cassettes`` overrides it)              | cassettes/ |
| DOCS_TIMEOUT          | seconds to wait for one HTTP answer                             | 30 |
| DOCS_RETRY_AFTER_MAX  | longest wait honoured for a 429's Retry-After, seconds          | 30 |
| DOCS_RETRIES          | how often a 429 is retried (after its Retry-After), 0 to 10      | 3 |
| DOCS_INSTANCE_ENV     | the file live runs read defaults from                           | .instance/env |
| DOCS_CACHE            | where render keeps rendered page blocks (apidocs.render.cache)          | .apidocs-cache/ |
| DOCS_PROJECT          | the docs project folder (``--project``; apidocs.core.project)   | from the cwd |

Each value is checked as it is read (:mod:`apidocs.core.validate`), so a typo is one line
before any request, not a traceback in the middle of a run.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from enum import StrEnum
from functools import partial
from pathlib import Path
from typing import Any, Callable

from apidocs.core import project, validate
from apidocs.core.errors import ApidocsError, SettingError
from apidocs.core.validate import Invalid


@dataclass(frozen=True)
class ForwardPolicy:
    """How patient the proxy is with the server it forwards to."""

    timeout: float = 30.0
    #: 429 answers are retried after their Retry-After, at most this often ...
    max_retries: int = 3
    #: ... and never waiting longer than this many seconds at a time.
    max_retry_after: float = 30.0
    #: a read-only run: the proxy refuses to forward anything but GET, HEAD and OPTIONS.
    read_only: bool = False


#: More retries than this would keep a nightly job waiting for a server that is not coming back.
MAX_RETRIES = 10

class Mode(StrEnum):
    """How a run reaches the API. The values are what users type (``DOCS_MODE``, the
    commands, ``--apidocs-mode``) and what reports say, so they are compared as the enum."""

    #: offline: every answer comes from the committed cassettes
    REPLAY = "replay"
    #: against an instance (``DOCS_API_URL``): nothing is recorded, answers are compared with the cassettes
    LIVE = "live"
    #: against an instance, and every answer recorded into the cassettes
    RECORD = "record"

    @property
    def online(self) -> bool:
        """The run sends to an instance (and needs its URL and tokens)."""
        return self is not Mode.REPLAY


#: role → the variable holding its token; snippets and actions use depositor and curator,
#: the admin only removes the records a live run published.
ROLES = {"depositor": "DOCS_API_TOKEN", "curator": "DOCS_CURATOR_TOKEN", "admin": "DOCS_ADMIN_TOKEN"}


@dataclass(frozen=True)
class Settings:
    mode: Mode = Mode.REPLAY
    api_url: str = ""
    tokens: dict[str, str] = field(default_factory=dict)
    #: role → where its token was read (``environment`` or the env file), for a refused token's message
    token_origins: dict[str, str] = field(default_factory=dict)
    disposable: bool = False
    instance_version: str = ""
    cassettes: Path = field(default_factory=lambda: project.root() / "cassettes")
    #: rendered page blocks, reused while their inputs are byte for byte the same (apidocs.render.cache)
    cache: Path = field(default_factory=lambda: project.root() / ".apidocs-cache")
    policy: ForwardPolicy = ForwardPolicy()

    @property
    def online(self) -> bool:
        return self.mode.online

    @property
    def read_only(self) -> bool:
        return self.policy.read_only

    @property
    def app_url(self) -> str:
        """Where the app serves its pages (``apidocs preview``, ``apidocs links``): the API URL
        without its ``/api``; empty when no API URL is set."""
        return app_of(self.api_url)

    def token(self, role: str) -> str:
        """The token for ``role``; replay uses stand-ins (cassettes hold no real ones)."""
        if not self.online:
            return replay_token(role)
        value = self.tokens.get(role, "")
        if not value:
            raise ApidocsError(f"{ROLES[role]} is not set: a {self.mode} run needs the {role}'s access token")
        return value



def replay_token(role: str) -> str:
    """The stand-in token a replay sends for ``role`` (cassettes hold no real ones)."""
    return f"replay-{role}-token"


def read_env_file(path: Path) -> dict[str, str]:
    """KEY=VALUE lines (the instance's .instance/env); a missing file is empty."""
    if not path.exists():
        return {}
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SettingError(f"DOCS_INSTANCE_ENV={str(path)!r}: cannot read it: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise SettingError(f"DOCS_INSTANCE_ENV={str(path)!r}: not UTF-8 text") from None
    values = {}
    for line in text.splitlines():
        key, sep, value = line.strip().partition("=")
        if sep and not key.startswith("#"):
            values[key.strip().removeprefix("export ").strip()] = value.strip().strip("'\"")
    return values


@dataclass(frozen=True)
class Source:
    """Where a setting comes from: the environment, else the env file, else its default.

    A variable set to an empty value counts as not set, and an empty value in the
    environment also hides the env file's: ``DOCS_DISPOSABLE= apidocs live`` must not
    write because ``.instance/env`` says 1.
    """

    env: dict[str, str]
    file_values: dict[str, str]
    file: Path

    def origin(self, key: str) -> str:
        """Where ``key`` is read, as messages name it: ``environment``, or the env file's path."""
        return "environment" if key in self.env else str(self.file)

    def get(self, key: str, parse: Callable[[str], Any] = str, default: Any = "") -> Any:
        """``key``'s value checked by ``parse``; a bad value is a :class:`SettingError` naming both."""
        value = self.env[key] if key in self.env else self.file_values.get(key, "")
        if not value.strip():
            return default
        try:
            return parse(value)
        except Invalid as exc:
            raise SettingError(f"{key}={value!r} ({self.origin(key)}): {exc}") from None


def instance_env_file(env: dict[str, str]) -> Path:
    """The file settings fall back to: ``$DOCS_INSTANCE_ENV``, else the project's ``.instance/env``."""
    return Path(env.get("DOCS_INSTANCE_ENV") or project.root(env) / ".instance" / "env")


def load(mode: Mode | None = None, environ: dict[str, str] | None = None, read_only: bool = False) -> Settings:
    """Settings from the environment, falling back to the reference instance's env file.

    Every value is checked here, before any request (:mod:`apidocs.core.validate`). A live run
    is read-only when asked (``--read-only``) or when no token is set at all: it then
    runs only the steps that need no token and sends no write.
    """
    env = dict(os.environ if environ is None else environ)
    env_file = instance_env_file(env)
    source = Source(env, read_env_file(env_file), env_file)
    mode = mode or Mode(source.get("DOCS_MODE", validate.choice(tuple(Mode)), Mode.REPLAY))
    tokens = {role: source.get(var) for role, var in ROLES.items()}
    read_only = read_only or (mode is Mode.LIVE and not any(tokens.values()))
    if read_only and mode is not Mode.LIVE:
        raise ApidocsError(f"a {mode} run cannot be read-only: only live runs can")
    settings = Settings(
        mode=mode,
        api_url=source.get("DOCS_API_URL", validate.api_url),
        tokens=tokens,
        token_origins={role: source.origin(var) for role, var in ROLES.items()},
        disposable=source.get("DOCS_DISPOSABLE", validate.flag, False),
        instance_version=source.get("DOCS_INSTANCE_VERSION"),
        cassettes=Path(source.get("DOCS_CASSETTES", default=str(project.root(env) / "cassettes"))),
        cache=Path(source.get("DOCS_CACHE", default=str(project.root(env) / ".apidocs-cache"))),
        policy=ForwardPolicy(
            timeout=source.get("DOCS_TIMEOUT", validate.seconds, ForwardPolicy.timeout),
            max_retry_after=source.get("DOCS_RETRY_AFTER_MAX", partial(validate.seconds, allow_zero=True),
                                       ForwardPolicy.max_retry_after),
            max_retries=source.get("DOCS_RETRIES", partial(validate.count, most=MAX_RETRIES),
                                   ForwardPolicy.max_retries),
            read_only=read_only,
        ),
    )
    if settings.online and not settings.api_url:
        raise ApidocsError(f"DOCS_API_URL is not set (not in the environment, nor in {env_file}): a {mode} run needs"
                           " an instance: `make instance` starts the reference instance; for another, set"
                           " DOCS_INSTANCE_ENV to its env file, or DOCS_API_URL and its tokens")
    return settings


def app_of(api_url: str) -> str:
    """The app an API URL belongs to: ``http://host:5000/api`` → ``http://host:5000``."""
    return api_url.rstrip("/").removesuffix("/api")
