"""The site's JavaScript dependencies, installed from package-lock.json.

- ``mermaid`` (dependency): the build copies ``mermaid.min.js`` from
  ``node_modules/`` into the site, so no reader ever fetches it from a CDN;
- ``axe-core`` (development dependency): the browser tests inject
  ``axe.min.js`` into each page to check it against WCAG 2.1 A/AA.

``npm ci`` runs when a locked package is missing or at another version.
"""

from __future__ import annotations

import fcntl
import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from site_tools.languages import REPO_ROOT

LOCKFILE = REPO_ROOT / "package-lock.json"
NODE_MODULES = REPO_ROOT / "node_modules"
MERMAID_DIR = NODE_MODULES / "mermaid"
MERMAID_JS = MERMAID_DIR / "dist" / "mermaid.min.js"
MERMAID_LICENSE = MERMAID_DIR / "LICENSE"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
INSTALL_LOCK = ".npm-ci.lock"  # beside node_modules: held while `npm ci` runs

# Each locked package the project uses, and the file it is used for.
PACKAGES: dict[str, Path] = {"mermaid": MERMAID_JS, "axe-core": AXE_JS}


class NodeDependencyError(RuntimeError):
    """A package is not installed and cannot be (npm missing, or ``npm ci`` failed)."""


def locked_version(package: str) -> str:
    lock = json.loads(LOCKFILE.read_text(encoding="utf-8"))
    return lock["packages"][f"node_modules/{package}"]["version"]


def installed_version(package: str) -> str | None:
    """The version in node_modules, or None when the package (or the file the project uses) is missing."""
    manifest = NODE_MODULES / package / "package.json"
    if not manifest.is_file() or not PACKAGES[package].is_file():
        return None
    return json.loads(manifest.read_text(encoding="utf-8"))["version"]


def locked_mermaid_version() -> str:
    return locked_version("mermaid")


def installed_mermaid_version() -> str | None:
    return installed_version("mermaid")


def _stale() -> list[str]:
    return [name for name in PACKAGES if installed_version(name) != locked_version(name)]


def ensure_node_packages(npm: str | None = None) -> None:
    """Run ``npm ci`` unless node_modules already holds every locked package the project uses.

    Callers in other processes (two site builds, ``nox -s serve`` beside ``nox -s tests``) take turns on a lock
    file beside node_modules: ``npm ci`` first deletes node_modules, so two at once break each other.
    """
    if not _stale():
        return
    with _install_lock():
        stale = _stale()  # another process may have installed them while this one waited
        if stale:
            _npm_ci(stale, npm)


@contextmanager
def _install_lock() -> Iterator[None]:
    lock_path = NODE_MODULES.resolve().parent / INSTALL_LOCK  # a copy of the project links node_modules: one lock
    with lock_path.open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _npm_ci(stale: list[str], npm: str | None) -> None:
    wanted = ", ".join(f"{name} {locked_version(name)}" for name in stale)
    npm = npm or shutil.which("npm")
    if npm is None:
        raise NodeDependencyError(
            f"{wanted} not installed in {NODE_MODULES} and `npm` is not on PATH: "
            "install Node.js and npm (Debian: `apt-get install npm`), then run `npm ci`"
        )
    print(f"npm ci: installing {wanted} from package-lock.json", file=sys.stderr)
    result = subprocess.run(
        [npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=REPO_ROOT,
        check=False,
    )
    if result.returncode != 0 or _stale():
        raise NodeDependencyError(f"`npm ci` in {REPO_ROOT} failed (exit {result.returncode})")


def ensure_mermaid(npm: str | None = None) -> Path:
    """mermaid.min.js, installed first if needed."""
    ensure_node_packages(npm)
    return MERMAID_JS


def ensure_axe(npm: str | None = None) -> Path:
    """axe.min.js, installed first if needed."""
    ensure_node_packages(npm)
    return AXE_JS


if __name__ == "__main__":
    try:
        ensure_node_packages()
    except NodeDependencyError as err:
        sys.exit(f"error: {err}")
    for name, path in PACKAGES.items():
        print(f"{name} {installed_version(name)}: {path}")
