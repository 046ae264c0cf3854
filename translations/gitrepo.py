"""The few questions the translation workflow asks git.

Every function works on paths inside `root` and answers None or False, rather than
raising, when `root` is not in a git repository or git is not installed: callers
decide what that means for the user (status cannot date changes, --diff cannot run).
"""

from __future__ import annotations

import subprocess
from pathlib import Path


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[bytes] | None:
    try:
        return subprocess.run(["git", *args], cwd=root, capture_output=True, check=False)
    except OSError:
        return None


def _out(root: Path, *args: str) -> str | None:
    proc = _git(root, *args)
    if proc is None or proc.returncode != 0:
        return None
    return proc.stdout.decode("utf-8", "replace").strip()


def is_repository(root: Path) -> bool:
    """Whether `root` is inside a git work tree."""
    return _out(root, "rev-parse", "--is-inside-work-tree") == "true"


def _rel(root: Path, path: Path) -> str:
    return path.resolve().relative_to(root.resolve()).as_posix()


def is_tracked(root: Path, path: Path) -> bool:
    proc = _git(root, "ls-files", "--error-unmatch", "--", _rel(root, path))
    return proc is not None and proc.returncode == 0


def committed_blob(root: Path, path: Path) -> str | None:
    """The blob id of `path` in the last commit (None: not committed, or no commit yet)."""
    return _out(root, "rev-parse", "-q", "--verify", f"HEAD:./{_rel(root, path)}")


def last_changed(root: Path, path: Path) -> str | None:
    """The ISO date `path` last changed: its last commit, or None when unknown (not in git, never committed)."""
    return _out(root, "log", "-1", "--format=%cs", "--", _rel(root, path)) or None


def has_uncommitted_changes(root: Path, path: Path) -> bool:
    return bool(_out(root, "status", "--porcelain", "--", _rel(root, path)))


def blob_text(root: Path, blob: str) -> str | None:
    """The content of a blob in the repository's object store, or None if it is not there."""
    proc = _git(root, "cat-file", "blob", blob)
    if proc is None or proc.returncode != 0:
        return None
    return proc.stdout.decode("utf-8")


def text_when_recorded(root: Path, path: Path, marker: str) -> tuple[str, str] | None:
    """(commit, content) of `path` in the last commit that added `marker` to it, if any.

    Used to find the English page as it was when its current `source_blob` was stamped.
    """
    rel = _rel(root, path)
    commit = _out(root, "log", "-1", "--format=%H", f"-S{marker}", "--", rel)
    if not commit:
        return None
    proc = _git(root, "show", f"{commit}:./{rel}")
    if proc is None or proc.returncode != 0:
        return None
    return commit, proc.stdout.decode("utf-8")
