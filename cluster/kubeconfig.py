"""The user's kubeconfig: a target's context is merged in at `up` and removed at `down`.

The file is `$KUBECONFIG`'s first entry, else `~/.kube/config`. Merging never changes the current
context; removing a context that was current leaves none current. Both hold a lock beside the file
(on its folder) while they read and rewrite it, so two targets starting at once do not drop each other's context.
"""

from __future__ import annotations

import fcntl
import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import yaml

from atomic_files import write_text
from cluster import kubectl


class KubeconfigError(Exception):
    """kubectl could not read or merge a kubeconfig."""


def user_kubeconfig(explicit: Path | None = None) -> Path:
    """The kubeconfig file the user's kubectl would write a new context into, by kubectl's own rule.

    ``--kubeconfig`` (`explicit`) wins; else, with $KUBECONFIG naming one file, that file; naming several,
    the first that exists, or the last if none does; without $KUBECONFIG, ~/.kube/config. The live tier
    reads its context from this file and the cluster targets merge theirs into it, so both agree.
    """
    if explicit is not None:
        return Path(explicit)
    files = [Path(p) for p in os.environ.get("KUBECONFIG", "").split(os.pathsep) if p]
    if not files:
        return Path.home() / ".kube" / "config"
    if len(files) == 1:
        return files[0]
    return next((f for f in files if f.exists()), files[-1])


def _kubectl() -> Path:
    try:
        return kubectl.require()
    except kubectl.KubectlMissing as error:
        raise KubeconfigError(str(error)) from None


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
    done = subprocess.run([str(_kubectl()), "config", "view", "--raw", "--flatten"], env=env, capture_output=True, text=True,
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
