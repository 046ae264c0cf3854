"""Bounds on what one page's processes may take: processes, memory, file size, output, time.

* processes and memory: a cgroup per page (`PageCgroup`) in the `pids` and `memory` hierarchies,
  created below the verifier's own cgroup in each (never elsewhere) and removed after the page;
  every page process joins it before it runs anything (`PageCgroup.prefix`), so its children do too;
* file size: `ulimit -f` for the same processes (no single file a page writes grows past it,
  a background terminal's log included);
* output: the verifier keeps at most `Limits.output` bytes of a step's output and says where it cut;
* time: no step waits longer than `Limits.timeout_ceiling`, whatever its ``timeout=`` says.

Where the cgroup hierarchies are not writable (not root, no delegation), `PageCgroup.create` says
why and the run records "limits: file size and output only" instead of pretending.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import re
import secrets
import signal
import threading
import time
from dataclasses import dataclass
from pathlib import Path

CONTROLLERS = ("pids", "memory")
PREFIX = "verify-"


@dataclass(frozen=True)
class Limits:
    """The bounds of one page (the command line can change each)."""

    processes: int = 512  # tasks, threads included (a kubectl has a dozen)
    memory: int = 2 << 30  # bytes, tmpfs pages the page writes included
    file_size: int = 256 << 20  # bytes, any one file
    output: int = 1 << 20  # bytes of output kept per step
    timeout_ceiling: float = 1800.0  # seconds

    def describe(self) -> str:
        return (f"{self.processes} processes, {_size(self.memory)} of memory, files up to {_size(self.file_size)}, "
                f"{_size(self.output)} of output kept per step, no step longer than {self.timeout_ceiling:.0f} s")

    def as_json(self) -> dict[str, object]:
        return {"processes": self.processes, "memory": self.memory, "file_size": self.file_size,
                "output": self.output, "timeout_ceiling": self.timeout_ceiling}


def _size(n: int) -> str:
    for unit, shift in (("GiB", 30), ("MiB", 20), ("KiB", 10)):
        if n >= 1 << shift and n % (1 << shift) == 0:
            return f"{n >> shift} {unit}"
    return f"{n} bytes"


class LimitsUnavailable(Exception):
    """The cgroup hierarchies cannot be used here; the message says why (one line)."""


def _mounts() -> dict[str, tuple[Path, str]]:
    """controller → (mount point, version "1" or "2") from /proc/self/mountinfo."""
    found: dict[str, tuple[Path, str]] = {}
    try:
        lines = Path("/proc/self/mountinfo").read_text().splitlines()
    except OSError:
        return found
    for line in lines:
        fields = line.split(" - ", 1)
        if len(fields) != 2:
            continue
        mount_point = Path(fields[0].split()[4])
        fstype, _source, options = [*fields[1].split(), "", "", ""][:3]
        if fstype == "cgroup":
            for controller in CONTROLLERS:
                if controller in options.split(","):
                    found.setdefault(controller, (mount_point, "1"))
        elif fstype == "cgroup2":
            try:
                available = (mount_point / "cgroup.controllers").read_text().split()
            except OSError:
                continue
            for controller in CONTROLLERS:
                if controller in available:
                    found.setdefault(controller, (mount_point, "2"))
    return found


def _own(controller: str, version: str) -> str:
    """This process's cgroup in the hierarchy of `controller` (from /proc/self/cgroup)."""
    for line in Path("/proc/self/cgroup").read_text().splitlines():
        number, controllers, path = line.split(":", 2)
        if (version == "2" and number == "0" and controllers == "") or controller in controllers.split(","):
            return path
    raise LimitsUnavailable(f"this process has no {controller} cgroup")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep(parent: Path) -> None:
    """Remove empty page cgroups left by verifier processes that died (their pid is in the name)."""
    with contextlib.suppress(OSError):
        for entry in parent.iterdir():
            match = re.match(rf"{PREFIX}(\d+)-", entry.name)
            if match and entry.is_dir() and not _alive(int(match.group(1))):
                with contextlib.suppress(OSError):
                    entry.rmdir()


class PageCgroup:
    """One page's cgroup, a directory in each hierarchy (`pids`, `memory`) below the verifier's own."""

    def __init__(self, directories: list[Path], limits: Limits) -> None:
        self.directories = directories
        self.limits = limits

    @classmethod
    def create(cls, name: str, limits: Limits) -> PageCgroup:
        """Create the page's cgroup; `LimitsUnavailable` says why it cannot be had here."""
        mounts = _mounts()
        missing = [c for c in CONTROLLERS if c not in mounts]
        if missing:
            raise LimitsUnavailable(f"no {' or '.join(missing)} cgroup hierarchy is mounted")
        slug = re.sub(r"[^a-z0-9-]+", "-", name.lower()).strip("-")[:40]
        leaf = f"{PREFIX}{os.getpid()}-{slug}-{secrets.token_hex(3)}"
        made: list[Path] = []
        try:
            for controller in CONTROLLERS:
                mount, version = mounts[controller]
                parent = mount / _own(controller, version).lstrip("/")
                if version == "2":
                    # cgroup v2 lets a child use a controller only if its parent delegates it.
                    enabled = (parent / "cgroup.subtree_control").read_text().split()
                    if controller not in enabled:
                        raise LimitsUnavailable(f"the {controller} controller is not delegated to {parent}")
                sweep(parent)
                directory = parent / leaf
                if directory not in made:
                    directory.mkdir()
                    made.append(directory)
                cls._set(directory, controller, version, limits)
        except OSError as error:
            for directory in reversed(made):
                with contextlib.suppress(OSError):
                    directory.rmdir()
            raise LimitsUnavailable(f"cannot create a cgroup: {error.strerror or error} ({error.filename})") from None
        except LimitsUnavailable:
            for directory in reversed(made):
                with contextlib.suppress(OSError):
                    directory.rmdir()
            raise
        return cls(made, limits)

    @staticmethod
    def _set(directory: Path, controller: str, version: str, limits: Limits) -> None:
        if controller == "pids":
            (directory / "pids.max").write_text(str(limits.processes))
        elif version == "1":
            (directory / "memory.limit_in_bytes").write_text(str(limits.memory))
        else:
            (directory / "memory.max").write_text(str(limits.memory))
            with contextlib.suppress(OSError):
                (directory / "memory.swap.max").write_text("0")

    def prefix(self) -> list[str]:
        """An argv prefix that moves the process into the cgroup and sets the file size limit, then execs the rest."""
        joins = " && ".join(f"echo $$ > {directory / 'cgroup.procs'}" for directory in self.directories)
        return ["/bin/sh", "-c", f'{joins} && ulimit -f {self.limits.file_size // 512} && exec "$@"', "verify-limits"]

    def pids(self) -> set[int]:
        found: set[int] = set()
        for directory in self.directories:
            with contextlib.suppress(OSError, ValueError):
                found |= {int(p) for p in (directory / "cgroup.procs").read_text().split()}
        return found

    def peak_memory(self) -> int | None:
        """The most memory the page's processes held at once (bytes), where the kernel tells."""
        for directory in self.directories:
            for name in ("memory.max_usage_in_bytes", "memory.peak"):
                with contextlib.suppress(OSError, ValueError):
                    return int((directory / name).read_text())
        return None

    def kill(self, wait: float = 5.0) -> list[int]:
        """SIGKILL every process still in the cgroup; the pids that would not go."""
        deadline = time.monotonic() + wait
        while True:
            left = self.pids()
            if not left or time.monotonic() > deadline:
                return sorted(left)
            for pid in left:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(pid, signal.SIGKILL)
            time.sleep(0.05)

    def remove(self) -> list[str]:
        """Kill what is left, then remove the directories; what could not be removed, in words."""
        problems = [f"process {pid} would not end" for pid in self.kill()]
        for directory in self.directories:
            for _ in range(50):
                try:
                    directory.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    time.sleep(0.05)  # the last exit is still being accounted
            else:
                problems.append(f"cgroup {directory} could not be removed")
        return problems


def create(name: str, limits: Limits) -> tuple[PageCgroup | None, str]:
    """The page's cgroup and a line for the console; None with the reason where cgroups cannot be had."""
    try:
        cgroup = PageCgroup.create(name, limits)
    except LimitsUnavailable as error:
        return None, f"limits: file size and output only ({error})"
    return cgroup, f"limits: {limits.describe()} (cgroup)"


def file_size_prefix(limits: Limits) -> list[str]:
    """The file size limit alone, where no cgroup could be had."""
    return ["/bin/sh", "-c", f'ulimit -f {limits.file_size // 512} && exec "$@"', "verify-limits"]


_process_cgroups: dict[str, PageCgroup | None] = {}
_process_lock = threading.Lock()


def process_cgroup(name: str, limits: Limits) -> PageCgroup | None:
    """One cgroup for this process's `name` runs (the static tier's checks), made once, removed at exit."""
    with _process_lock:
        if name not in _process_cgroups:
            cgroup, _ = create(name, limits)
            _process_cgroups[name] = cgroup
            if cgroup is not None:
                atexit.register(cgroup.remove)
        return _process_cgroups[name]
