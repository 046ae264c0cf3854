"""The run's cgroups: one root folder per hierarchy (`layout.CGROUP_ROOT`), a sub-folder per node.

kubelet (cgroupfs driver, `cgroupRoot` = the node's folder) and runc create everything below; the
machine's other cgroups belong to its own supervision and are never touched. `remove` ends every
process left in them (containers whose node was stopped) and removes the folders, deepest first.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

from cluster.nodes import layout

BASE = Path("/sys/fs/cgroup")


def hierarchies() -> list[Path]:
    """Every mounted cgroup hierarchy (v1 controllers, name=systemd, the unified one)."""
    found = []
    for line in Path("/proc/mounts").read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) > 2 and parts[2] in ("cgroup", "cgroup2") and parts[1].startswith(str(BASE)):
            found.append(Path(parts[1]))
    return found


def roots() -> list[Path]:
    return [h / layout.CGROUP_ROOT for h in hierarchies()]


def create(node: str) -> None:
    """The node's folder in every hierarchy (kubelet refuses a cgroupRoot that does not exist)."""
    for hierarchy in hierarchies():
        parent = hierarchy
        for part in (layout.CGROUP_ROOT, node):
            child = parent / part
            child.mkdir(exist_ok=True)
            if (hierarchy / "cpuset.cpus").exists():  # cpuset v1: a child needs its CPUs and memory nodes first
                for name in ("cpuset.cpus", "cpuset.mems"):
                    if not (child / name).read_text().strip():
                        (child / name).write_text((parent / name).read_text())
            parent = child


def processes() -> list[int]:
    pids: set[int] = set()
    for root in roots():
        if not root.is_dir():
            continue
        for procs in root.rglob("cgroup.procs"):
            try:
                pids.update(int(line) for line in procs.read_text().split())
            except (OSError, ValueError):
                continue
    return sorted(pids)


def leftovers() -> list[Path]:
    return [root for root in roots() if root.exists()]


def remove(kill: Callable[[list[int]], None]) -> list[Path]:
    """End the processes in the run's cgroups, remove the folders; returns any that could not be removed."""
    for _ in range(3):
        pids = processes()
        if not pids:
            break
        kill(pids)
    for _ in range(20):
        for root in leftovers():
            for folder in sorted((p for p in root.rglob("*") if p.is_dir()), key=lambda p: len(p.parts), reverse=True):
                try:
                    os.rmdir(folder)
                except OSError:
                    continue
            try:
                os.rmdir(root)
            except OSError:
                continue
        if not leftovers():
            break
        time.sleep(0.25)
    return leftovers()
