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


def head_commit(repo: Path = REPO_ROOT) -> str:
    """The commit checked out (empty outside git): a new commit changes the sitemap's dates."""
    try:
        result = subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True, check=False)
    except OSError:
        return ""
    return result.stdout.strip() if result.returncode == 0 else ""
