"""A copy of parts of the project, for tests that build or check a modified project without touching this one."""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def copy_project(repo: Path, names: Iterable[str]) -> None:
    """Copy each top-level file or folder of `names` into `repo`, and link the installed node_modules.

    node_modules is linked, not copied, so a site build in the copy finds the site's own mermaid
    without running `npm ci` again. The link is made once the packages there are complete and current
    (`npm ci` runs first if they are not, taking turns with any other install in the repository): the copy's
    builds, which take turns on a lock in the copy, then never install through the link, so they can run
    beside the repository's own builds (the groups of `tests/conftest.py`)."""
    if (ROOT / "node_modules").is_dir():
        from site_tools.node import ensure_node_packages

        ensure_node_packages()
    for name in names:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, repo / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, repo / name)
    if (ROOT / "node_modules").is_dir():
        (repo / "node_modules").symlink_to(ROOT / "node_modules")
