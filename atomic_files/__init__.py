"""Replace a file whole, never half-written: the project's one atomic writer (standard library only).

Each writer puts the new content in a temporary file next to the target (the same directory, so the
same file system), flushes and fsyncs it, and renames it over the target with ``os.replace``. A
reader sees the old file or the new one, never a mix; a failure at any point (a full disk, an
exception while serializing, Ctrl-C) leaves the old file as it was and removes the temporary file.

Decisions a caller may rely on:

- The parent directory is created when it is missing (reports, caches and records go to folders
  that a fresh checkout does not have yet).
- A new file gets the usual permissions (0666 less the umask), unlike ``tempfile.mkstemp``'s 0600;
  ``mode=`` sets them explicitly (a kubeconfig with credentials: ``mode=0o600``). The mode is set
  on the temporary file before it is renamed, so the target never exists with wider permissions.
- Text is written as UTF-8 exactly as given (no newline translation).
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from typing import Any

__all__ = ["check_writable", "write_bytes", "write_json", "write_text"]


def write_bytes(path: str | os.PathLike[str], data: bytes, *, mode: int | None = None) -> None:
    """Replace `path` with `data`."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = _create_temporary(path, ".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            if mode is not None:
                os.fchmod(handle.fileno(), mode)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_text(path: str | os.PathLike[str], text: str, *, mode: int | None = None) -> None:
    """Replace `path` with `text`, encoded as UTF-8."""
    write_bytes(path, text.encode("utf-8"), mode=mode)


def write_json(path: str | os.PathLike[str], data: Any, *, sort_keys: bool = False) -> None:
    """Replace `path` with `data` as JSON: two-space indents, non-ASCII kept as is, a final newline.

    The data is serialized before the file is touched, so data that is not JSON leaves nothing behind."""
    write_text(path, json.dumps(data, ensure_ascii=False, indent=2, sort_keys=sort_keys) + "\n")


def check_writable(path: str | os.PathLike[str]) -> str | None:
    """Why `path` cannot be written by these writers (None when it can).

    Tried for real, before a long run starts, in the directory the file would go to (or its nearest
    existing ancestor, since the writers create missing parents): a temporary file is created and
    removed there, and an existing target is opened for appending (nothing is appended)."""
    path = Path(path)
    if path.is_dir():
        return f"{path} is a directory"
    directory = path.parent
    while not directory.exists():
        if directory == directory.parent:
            break
        directory = directory.parent
    if not directory.is_dir():
        return f"{directory} is not a directory"
    try:
        fd, probe = _create_temporary(directory / path.name, ".probe")
        os.close(fd)
        probe.unlink()
        if path.exists():
            with open(path, "a", encoding="utf-8"):
                pass
    except OSError as error:
        return f"cannot write {path}: {error.strerror or error}"
    return None


def _create_temporary(path: Path, suffix: str) -> tuple[int, Path]:
    """A new, exclusively created file `.<name>.<random><suffix>` beside `path` (a dot file, out of sight in listings)."""
    for _ in range(100):
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}{suffix}")
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666), tmp
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name beside {path}")
