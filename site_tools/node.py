"""The site's JavaScript dependency (npm ``mermaid@11``), installed from package-lock.json.

``npm ci`` puts it in ``node_modules/``; the build copies ``mermaid.min.js``
from there into the site, so no reader ever fetches it from a CDN.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from site_tools.languages import REPO_ROOT

LOCKFILE = REPO_ROOT / "package-lock.json"
NODE_MODULES = REPO_ROOT / "node_modules"
MERMAID_DIR = NODE_MODULES / "mermaid"
MERMAID_JS = MERMAID_DIR / "dist" / "mermaid.min.js"
MERMAID_LICENSE = MERMAID_DIR / "LICENSE"


class NodeDependencyError(RuntimeError):
    """mermaid is not installed and cannot be (npm missing, or ``npm ci`` failed)."""


def locked_mermaid_version() -> str:
    lock = json.loads(LOCKFILE.read_text(encoding="utf-8"))
    return lock["packages"]["node_modules/mermaid"]["version"]


def installed_mermaid_version() -> str | None:
    manifest = MERMAID_DIR / "package.json"
    if not manifest.is_file() or not MERMAID_JS.is_file():
        return None
    return json.loads(manifest.read_text(encoding="utf-8"))["version"]


def ensure_mermaid(npm: str | None = None) -> Path:
    """Run ``npm ci`` unless node_modules already holds the locked mermaid; return mermaid.min.js."""
    if installed_mermaid_version() == locked_mermaid_version():
        return MERMAID_JS
    npm = npm or shutil.which("npm")
    if npm is None:
        raise NodeDependencyError(
            f"mermaid {locked_mermaid_version()} is not installed in {NODE_MODULES} and `npm` is not on PATH: "
            "install Node.js and npm (Debian: `apt-get install npm`), then run `npm ci`"
        )
    print(f"npm ci: installing mermaid {locked_mermaid_version()} from package-lock.json", file=sys.stderr)
    result = subprocess.run(
        [npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=REPO_ROOT,
        check=False,
    )
    if result.returncode != 0 or installed_mermaid_version() != locked_mermaid_version():
        raise NodeDependencyError(f"`npm ci` in {REPO_ROOT} failed (exit {result.returncode})")
    return MERMAID_JS


if __name__ == "__main__":
    try:
        print(ensure_mermaid())
    except NodeDependencyError as err:
        sys.exit(f"error: {err}")
