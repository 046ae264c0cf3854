"""When a file last changed, from git history: the ``lastmod`` of a page in the sitemap."""

from __future__ import annotations

import subprocess
from pathlib import Path

from site_tools.languages import REPO_ROOT


def last_commit_date(path: Path, repo: Path = REPO_ROOT) -> str | None:
    """The committer date (ISO 8601, with offset) of the last commit that touched ``path``.

    None when ``path`` is outside ``repo``, was never committed, or git is not available:
    a date the history cannot back is left out rather than guessed (it is optional in a sitemap).
    """
    try:
        relative = path.resolve().relative_to(repo.resolve())
    except ValueError:
        return None
    try:
        result = subprocess.run(
            ["git", "log", "-1", "--format=%cI", "--", relative.as_posix()],
            cwd=repo,
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError:
        return None
    date = result.stdout.strip() if result.returncode == 0 else ""
    return date or None


def last_commit_dates(paths: list[Path], repo: Path = REPO_ROOT) -> dict[Path, str | None]:
    """`last_commit_date` of every path in `paths`, from one ``git log`` over their folders.

    A sitemap of 800 pages started 800 ``git log`` processes (2.6 s, after the builds, on one core);
    this reads the history once: the newest commit that names a file is its date. Paths outside
    `repo` and files never committed map to None, as with `last_commit_date`.
    """
    root = repo.resolve()
    relative: dict[Path, str] = {}
    for path in paths:
        try:
            relative[path] = path.resolve().relative_to(root).as_posix()
        except ValueError:
            continue
    dates: dict[str, str] = {}
    if relative:
        folders = sorted({str(Path(rel).parent.as_posix()) for rel in relative.values()})
        try:
            result = subprocess.run(
                ["git", "-c", "core.quotePath=false", "log", "--format=%x01%cI", "--name-only", "--", *folders],
                cwd=repo, capture_output=True, text=True, check=False,
            )
        except OSError:
            result = None
        if result is not None and result.returncode == 0:
            dates = _newest_per_file(result.stdout)
    return {path: dates.get(relative[path]) if path in relative else None for path in paths}


def _newest_per_file(log: str) -> dict[str, str]:
    """File → date of the first (newest) commit listing it, from ``git log --format=%x01%cI --name-only``."""
    newest: dict[str, str] = {}
    date = ""
    for line in log.splitlines():
        if line.startswith("\x01"):
            date = line[1:]
        elif line and date:
            newest.setdefault(line, date)
    return newest


def head_commit(repo: Path = REPO_ROOT) -> str:
    """The commit checked out (empty outside git): a new commit changes the sitemap's dates."""
    try:
        result = subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True, check=False)
    except OSError:
        return ""
    return result.stdout.strip() if result.returncode == 0 else ""
