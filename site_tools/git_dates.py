"""When a file last changed, from git history: the ``lastmod`` of a page in the sitemap."""

from __future__ import annotations

import subprocess
from pathlib import Path

from site_tools.languages import REPO_ROOT


def last_commit_dates(paths: list[Path], repo: Path = REPO_ROOT) -> dict[Path, str | None]:
    """The committer date (ISO 8601, with offset) of the last commit that touched each of `paths`.

    One ``git log`` over their folders, not one per page: the newest commit that names a file is its date. A path
    outside `repo`,
    a file never committed, or no git at all gives None: a date the history cannot back is left out
    rather than guessed (it is optional in a sitemap).
    """
    root = repo.resolve()
    relative: dict[Path, str] = {}
    for path in paths:
        try:
            relative[path] = path.resolve().relative_to(root).as_posix()
        except ValueError:
            continue
    folders = sorted({Path(rel).parent.as_posix() for rel in relative.values()})
    newest = _newest_per_file(_log_names(repo, folders)) if folders else {}
    return {path: newest.get(relative[path]) if path in relative else None for path in paths}


def _log_names(repo: Path, folders: list[str]) -> str:
    """``git log`` of `folders`: a line ``\x01DATE`` per commit, then the files it changed ("" without git).

    A merge names a file only when its result differs from every parent (``dense-combined``): the merge
    made that content, and ``git log -- file`` shows it too; without it a merge names no file at all.
    """
    try:
        result = subprocess.run(
            ["git", "-c", "core.quotePath=false", "log", "--format=%x01%cI", "--name-only",
             "--diff-merges=dense-combined", "--", *folders],
            cwd=repo, capture_output=True, text=True, check=False,
        )
    except OSError:
        return ""
    return result.stdout if result.returncode == 0 else ""


def _newest_per_file(log: str) -> dict[str, str]:
    """File → date of the first (newest) commit listing it, from `_log_names`' output."""
    newest: dict[str, str] = {}
    date = ""
    for line in log.splitlines():
        if line.startswith("\x01"):
            date = line[1:]
        elif line and date:
            newest.setdefault(line, date)
    return newest
