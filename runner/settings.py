"""All configuration in one place: environment variables, overridden by CLI flags.

| variable              | meaning                                                         | default |
|-----------------------|-----------------------------------------------------------------|---------|
| DOCS_MODE             | replay (offline, cassettes), live, or record                    | replay  |
| DOCS_API_URL          | the API base for live/record, e.g. https://host/api             | from .instance/env |
| DOCS_API_TOKEN        | depositor's personal access token (trusted-user)                | from .instance/env |
| DOCS_CURATOR_TOKEN    | curator's token (reviewer role): accepts curation requests      | from .instance/env |
| DOCS_ADMIN_TOKEN      | optional, administration-access: removes records a run published| from .instance/env |
| DOCS_DISPOSABLE       | 1 if live runs may create drafts and publish records there      | from .instance/env |
| DOCS_INSTANCE_VERSION | what the instance runs, stored in recorded cassettes            | from .instance/env |
| DOCS_CASSETTES        | the cassette folder                                             | cassettes/ |
| DOCS_TIMEOUT          | seconds to wait for one HTTP answer                             | 30 |
| DOCS_RETRY_AFTER_MAX  | longest wait honoured for a 429's Retry-After, seconds          | 30 |
| DOCS_INSTANCE_ENV     | the file live runs read defaults from                           | .instance/env |
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ApidocsError

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


ROOT = Path(__file__).resolve().parent.parent
MODES = ("replay", "live", "record")
#: role → the variable holding its token; snippets and actions use depositor and curator,
#: the admin only removes the records a live run published.
ROLES = {"depositor": "DOCS_API_TOKEN", "curator": "DOCS_CURATOR_TOKEN", "admin": "DOCS_ADMIN_TOKEN"}


@dataclass(frozen=True)
class Settings:
    mode: str = "replay"
    api_url: str = ""
    tokens: dict[str, str] = field(default_factory=dict)
    disposable: bool = False
    instance_version: str = ""
    cassettes: Path = ROOT / "cassettes"
    policy: ForwardPolicy = ForwardPolicy()
    #: fixtures (cases/fixtures.py) a live run did not find on the target: too few search
    #: hits then mean "data missing", not a wrong page. Empty: the data is all there.
    fixtures_missing: tuple[str, ...] = ()

    @property
    def online(self) -> bool:
        return self.mode in ("live", "record")

    @property
    def read_only(self) -> bool:
        return self.policy.read_only

    def token(self, role: str) -> str:
        """The token for ``role``; replay uses stand-ins (cassettes hold no real ones)."""
        if not self.online:
            return f"replay-{role}-token"
        value = self.tokens.get(role, "")
        if not value:
            raise ApidocsError(f"{ROLES[role]} is not set: a {self.mode} run needs the {role}'s access token")
        return value



def read_env_file(path: Path) -> dict[str, str]:
    """KEY=VALUE lines (the instance's .instance/env); a missing file is empty."""
    if not path.is_file():
        return {}
    values = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        key, sep, value = line.strip().partition("=")
        if sep and not key.startswith("#"):
            values[key.strip().removeprefix("export ").strip()] = value.strip().strip("'\"")
    return values


def load(mode: str | None = None, environ: dict[str, str] | None = None, read_only: bool = False) -> Settings:
    """Settings from the environment, falling back to the reference instance's env file.

    A live run is read-only when asked (``--read-only``) or when no token is set at all:
    it then runs only the steps that need no token and sends no write.
    """
    env = dict(os.environ if environ is None else environ)
    defaults = read_env_file(Path(env.get("DOCS_INSTANCE_ENV", ROOT / ".instance" / "env")))
    get = lambda key, default="": env.get(key) or defaults.get(key) or default  # noqa: E731
    mode = mode or get("DOCS_MODE", "replay")
    if mode not in MODES:
        raise ApidocsError(f"unknown mode {mode!r}: choose one of {', '.join(MODES)}")
    tokens = {role: get(var) for role, var in ROLES.items()}
    read_only = read_only or (mode == "live" and not any(tokens.values()))
    if read_only and mode != "live":
        raise ApidocsError(f"a {mode} run cannot be read-only: only live runs can")
    try:
        policy = ForwardPolicy(timeout=float(get("DOCS_TIMEOUT", "30")),
                               max_retry_after=float(get("DOCS_RETRY_AFTER_MAX", "30")), read_only=read_only)
    except ValueError:
        raise ApidocsError("DOCS_TIMEOUT and DOCS_RETRY_AFTER_MAX must be numbers of seconds") from None
    settings = Settings(
        mode=mode,
        api_url=get("DOCS_API_URL").rstrip("/"),
        tokens=tokens,
        disposable=get("DOCS_DISPOSABLE") in ("1", "true", "yes"),
        instance_version=get("DOCS_INSTANCE_VERSION"),
        cassettes=Path(get("DOCS_CASSETTES", str(ROOT / "cassettes"))),
        policy=policy,
    )
    if settings.online and not settings.api_url:
        raise ApidocsError(f"DOCS_API_URL is not set: a {mode} run needs an instance (try `make instance`)")
    return settings
