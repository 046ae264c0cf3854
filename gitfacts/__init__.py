"""What the project knows about a file or a checkout in git's terms, one definition each.

`blob_id` is computed without git (records and translation stamps hold it, and a reader's machine may
have no git); `head_commit` asks git and answers None outside a checkout or without git.
"""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path


def blob_id(data: bytes) -> str:
    """The git blob id of `data`: what `git hash-object` prints for a file holding it."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def file_blob(path: Path) -> str:
    """The git blob id of the file at `path`."""
    return blob_id(Path(path).read_bytes())


def head_commit(repo: Path) -> str | None:
    """The commit checked out in `repo`; None outside a git checkout, without git, or if git hangs."""
    try:
        done = subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True, timeout=30,
                              check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    commit = done.stdout.strip()
    return commit if done.returncode == 0 and commit else None
