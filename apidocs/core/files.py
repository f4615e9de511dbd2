"""Writing outputs so that nothing is lost: a reader sees the old content or the new, never
half of it, a symlink keeps pointing at the file it names, and what is not a regular file
(a FIFO, a device, a folder) is left alone.

The checks are also run before a long run (``--report``, ``--notebook``, ``render --into``,
the cassette folder when recording), so a place that cannot be written is reported in
one line before any work is done, not after it.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from apidocs.core.errors import OutputError

#: What a path is, for messages, by the file type bits of its mode.
KINDS = {
    stat.S_IFREG: "a regular file", stat.S_IFDIR: "a folder", stat.S_IFLNK: "a symlink",
    stat.S_IFIFO: "a FIFO (named pipe)", stat.S_IFCHR: "a character device", stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
}


def target_of(path: Path) -> Path:
    """Where writing ``path`` really goes: symlinks (of the file and its folders) followed."""
    return Path(os.path.realpath(path))


def kind(path: Path) -> str | None:
    """What ``path`` is (not following a last symlink), or None if nothing is there."""
    try:
        mode = os.lstat(path).st_mode
    except (FileNotFoundError, NotADirectoryError):
        return None
    return KINDS.get(stat.S_IFMT(mode), "a special file")


def _folder_problem(folder: Path) -> str | None:
    """Why files cannot be created in ``folder`` (made if missing), or None."""
    existing = folder
    while kind(existing) is None and existing != existing.parent:
        existing = existing.parent
    if kind(existing) != "a folder":
        return f"{existing} is {kind(existing)}, not a folder"
    if not os.access(existing, os.W_OK | os.X_OK):
        return f"{existing} is {_unwritable(existing)}"
    return None


def _unwritable(path: Path) -> str:
    return "on a read-only file system" if os.statvfs(path).f_flag & os.ST_RDONLY else "not writable"


def file_problem(path: Path) -> str | None:
    """Why a file cannot be written at ``path``, or None; changes nothing."""
    target = target_of(path)
    found = kind(target)
    if found not in (None, "a regular file"):
        return f"it is {found}, not a regular file"
    if found and not os.access(target, os.W_OK):
        return f"it is {_unwritable(target)}"
    return _folder_problem(target.parent)


def folder_problem(path: Path) -> str | None:
    """Why ``path`` cannot be (or become) a folder files are written into, or None."""
    target = target_of(path)
    found = kind(target)
    if found not in (None, "a folder"):
        return f"it is {found}, not a folder"
    return _folder_problem(target)


def _named(what: str, path: Path) -> str:
    return f"{what} {path}" if what else str(path)


def check_file(path: Path, what: str = "") -> None:
    """Raise :class:`OutputError` if ``what`` (e.g. "the notebook") cannot be written at ``path``."""
    if (problem := file_problem(path)) is not None:
        raise OutputError(f"cannot write {_named(what, path)}: {problem} (nothing was changed)")


def check_folder(path: Path, what: str) -> None:
    """Raise :class:`OutputError` if ``what`` (e.g. "the reports") cannot be written into ``path``."""
    if (problem := folder_problem(path)) is not None:
        raise OutputError(f"cannot write {what} into {path}: {problem} (nothing was changed)")


def write_atomically(path: Path, text: str | bytes) -> None:
    """Write ``text`` (or bytes: a screenshot) to ``path`` through a temp file in the same folder, then rename.

    A symlink is written through (its target is replaced, the link stays). Keeps the mode
    of the file it replaces; a new file gets 0644 (mkstemp would make it private, and
    cassettes, pages and reports are committed or served).
    """
    check_file(path)
    target = target_of(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        mode = target.stat().st_mode & 0o7777 if target.exists() else 0o644
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc} (nothing was changed)") from None
    try:
        if isinstance(text, bytes):
            with os.fdopen(fd, "wb") as binary:
                binary.write(text)
        else:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
                handle.write(text)
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"cannot write {path}: {exc.strerror or exc} (it was left as it was)") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
