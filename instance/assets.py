"""Build the app's front-end assets the way an InvenioRDM deployment does, once per version set.

    python3 instance/assets.py build     (run by instance.py; environment: invenio_env())

Without built assets the app cannot render a single UI page (Flask-WebpackExt reads
``static/dist/manifest.json`` for every page and the error page alike). The steps are
those of ``invenio-cli assets build``: ``invenio collect``, ``invenio webpack create``,
``npm install``, ``npm run build``. What an invenio-cli project would hold in its
``assets/`` folder is written here, never copied from a package into the repository:

- ``less/theme.config``: the Semantic UI theme selection, derived at build time from
  the installed invenio-theme's ``theme.config.example``, with ``@siteFolder`` pointing
  at TU Wien's site theme (``less/invenio_theme_tuw/theme``);
- ``templates/custom_fields/`` and ``templates/search/``: the (empty) folders the
  build's ``@templates`` alias expects.

The build is keyed on every distribution installed in the instance's venv (any of them
may bring webpack entries), node's and npm's versions and this file: a warm ``make
instance`` reuses it, a new theme or app version builds again.

Standard library only (runs with the machine's python3, like instance.py).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

#: CHANGED (registry): the npm registry this machine reaches serves warcio only up to
#: 2.4.11, and a previewer package asks for ^2.4.12 (``npm install`` fails ETARGET).
#: npm's ``overrides`` pins it; TU Wien's own build resolves it from npmjs.org.
NPM_OVERRIDES = {"warcio": "2.4.11"}
#: the installed invenio-theme's example (after ``webpack create``) and the line we change
THEME_CONFIG_EXAMPLE = Path("less/invenio_theme/theme.config.example")
SITE_FOLDER_KEY = "@siteFolder"
#: TU Wien's site theme (``globals/site.variables`` & co.), relative as the example's path is
TUW_SITE_FOLDER = "'../../less/invenio_theme_tuw/theme'"
TEMPLATE_FOLDERS = ("templates/custom_fields", "templates/search")


class BuildError(Exception):
    """A build step failed: one line naming it (its output is in the log)."""


def write_atomic(path: Path, text: str) -> None:
    """Temp file + rename, so a failed build never leaves half a file."""
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def tool_version(cmd: str) -> str:
    try:
        return subprocess.run([cmd, "--version"], capture_output=True, text=True, check=False).stdout.strip()
    except FileNotFoundError:
        return "missing"


def build_key(python: Path) -> str:
    """What the built assets depend on: the venv's distributions, node, npm and this recipe."""
    code = ("import importlib.metadata as m; print('\\n'.join(sorted("
            "f\"{d.metadata['Name'].lower()}=={d.version}\" for d in m.distributions())))")
    dists = subprocess.run([str(python), "-c", code], capture_output=True, text=True, check=True).stdout
    parts = [dists, tool_version("node"), tool_version("npm"), Path(__file__).read_text(encoding="utf-8")]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def is_current(stamp: Path, manifest: Path, key: str) -> bool:
    return manifest.is_file() and stamp.is_file() and stamp.read_text().strip() == key


def theme_config(example: str) -> str:
    """The example's theme selection with TU Wien's site folder; an unknown shape is an error."""
    lines = example.splitlines(keepends=True)
    hits = [i for i, line in enumerate(lines) if line.lstrip().startswith(SITE_FOLDER_KEY)]
    if len(hits) != 1:
        raise BuildError(f"{THEME_CONFIG_EXAMPLE}: expected one {SITE_FOLDER_KEY} line, found {len(hits)}")
    lines[hits[0]] = f"{SITE_FOLDER_KEY}  : {TUW_SITE_FOLDER};\n"
    return "".join(lines)


def prepare_project(assets: Path) -> None:
    """What an invenio-cli project holds: theme.config, template folders, the npm pin."""
    example = assets / THEME_CONFIG_EXAMPLE
    if not example.is_file():
        raise BuildError(f"{example} not found: is invenio-theme installed?")
    write_atomic(assets / "less" / "theme.config", theme_config(example.read_text(encoding="utf-8")))
    for folder in TEMPLATE_FOLDERS:
        (assets / folder).mkdir(parents=True, exist_ok=True)
    package = assets / "package.json"
    manifest = json.loads(package.read_text(encoding="utf-8"))
    manifest["overrides"] = {**manifest.get("overrides", {}), **NPM_OVERRIDES}
    write_atomic(package, json.dumps(manifest, indent=2) + "\n")


def step(name: str, cmd: list[str], cwd: Path | None = None) -> None:
    """Run one build step, its output into ours (the log), timed."""
    started = time.monotonic()
    print(f"== {name}: {' '.join(cmd)}", flush=True)
    if subprocess.run(cmd, cwd=cwd, check=False).returncode:
        raise BuildError(f"`{' '.join(cmd)}` failed")
    print(f"== {name}: {time.monotonic() - started:.1f}s", flush=True)


def build(app_dir: Path, venv: Path, stamp: Path) -> None:
    """The whole build; the stamp is written only when it succeeded."""
    key = build_key(venv / "bin" / "python")
    assets, manifest = app_dir / "assets", app_dir / "static" / "dist" / "manifest.json"
    if is_current(stamp, manifest, key):
        print("== assets: current", flush=True)
        return
    stamp.unlink(missing_ok=True)
    invenio = str(venv / "bin" / "invenio")
    step("collect", [invenio, "collect"])
    step("webpack create", [invenio, "webpack", "create"])
    prepare_project(assets)
    step("npm install", ["npm", "install", "--no-audit", "--no-fund", "--loglevel=error"], cwd=assets)
    step("npm run build", ["npm", "run", "build"], cwd=assets)
    if not manifest.is_file():
        raise BuildError(f"the build wrote no {manifest}")
    write_atomic(stamp, key + "\n")


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[1] not in ("build", "current"):
        print(f"usage: {argv[0]} build|current", file=sys.stderr)
        return 2
    app_dir = Path(os.environ["INVENIO_INSTANCE_PATH"])
    venv, stamp = Path(os.environ["INSTANCE_DIR"]) / "venv", Path(os.environ["INSTANCE_DIR"]) / "assets.key"
    try:
        if argv[1] == "current":
            key = build_key(venv / "bin" / "python")
            return 0 if is_current(stamp, app_dir / "static" / "dist" / "manifest.json", key) else 1
        build(app_dir, venv, stamp)
    except BuildError as exc:
        print(f"assets: ERROR: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
