"""The sandbox a page's shell runs in: bubblewrap (`bwrap`, Debian's `bubblewrap`, Flatpak's sandbox).

A page is code sent by a contributor. Its commands see a filesystem built from an allow-list, not
the host's with holes punched in it: the system's programs and libraries read-only (`/usr` and
its `/bin`, `/lib` links), the few files under `/etc` that name resolution, TLS and the tools
need, the pinned kubectl, and the page's private working directory (read-write; it holds the
private HOME and kubeconfig, and serves as `/tmp`). The user's home, `~/.kube`, `~/.ssh`, the
repository and its `.git`, `/root`, `/home`, `/etc/shadow`, `/run`, `/sys` do not exist inside.

Namespaces: user (where the kernel allows it), mount, PID, IPC, UTS and cgroup are new; the
network namespace is shared, so that kubectl reaches the allowed API server on 127.0.0.1. All
capabilities are dropped, and the sandbox dies with the verifier (`--die-with-parent` follows the
thread that started it: start sessions from the thread that lives as long as the run).

Where bwrap is missing or cannot create namespaces (some containers), `detect` says why and the
run says so on the console and in the report: commands then run with the minimal environment and
private directories only, which hides the host's variables but not its files.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

#: Entries of /etc a tutorial's tools need (resolver, TLS roots, users, alternatives such as vi).
ETC = ("alternatives", "ssl/certs", "ca-certificates", "ca-certificates.conf", "resolv.conf", "hosts", "host.conf",
       "nsswitch.conf", "gai.conf", "services", "protocols", "passwd", "group", "localtime", "mime.types", "vim",
       "gitconfig", "ld.so.cache", "ld.so.conf", "ld.so.conf.d", "terminfo", "inputrc")
#: Top-level directories that are links into /usr on merged-/usr systems, or directories of their own.
SYSTEM_DIRS = ("bin", "sbin", "lib", "lib32", "lib64", "libx32")
#: Where the pinned kubectl appears inside (so the repository's path does not appear at all).
TOOLS = Path("/opt/verify/bin")
NAMESPACES = ("--unshare-all", "--share-net", "--die-with-parent", "--cap-drop", "ALL", "--hostname", "verify-page")


@dataclass(frozen=True)
class Sandbox:
    """How page commands are confined: `kind` is "bwrap" or "none"; `detail` says what or why not."""

    kind: str
    detail: str
    bwrap: str | None = None
    flags: tuple[str, ...] = field(default=NAMESPACES)

    @property
    def active(self) -> bool:
        return self.kind == "bwrap"

    def describe(self) -> str:
        if self.active:
            return f"bubblewrap ({self.detail})"
        return f"NONE: {self.detail}; page commands run with a minimal environment and private directories only"

    def wrap(self, argv: Sequence[str], workdir: Path, binds: Mapping[Path, Path] | None = None,
             extra_sockets: Iterable[Path] = ()) -> list[str]:
        """`argv` run inside the sandbox, in `workdir` (read-write).

        :param binds: host file → where it appears inside, read-only (the pinned kubectl).
        :param extra_sockets: sockets shown at their own path (an ssh agent passed with --pass-env).
        """
        if not self.active:
            return list(argv)
        assert self.bwrap is not None
        return [self.bwrap, *self.flags, *filesystem(Path(workdir), binds or {}, extra_sockets), "--chdir", str(workdir),
                "--", *argv]

    def as_json(self) -> dict[str, object]:
        return {"kind": self.kind, "detail": self.detail, "flags": list(self.flags) if self.active else []}


def filesystem(workdir: Path, binds: Mapping[Path, Path] | None = None, sockets: Iterable[Path] = ()) -> list[str]:
    """bwrap arguments for the allow-listed filesystem (see the module docstring)."""
    args = ["--ro-bind", "/usr", "/usr"]
    for name in SYSTEM_DIRS:
        path = Path("/") / name
        if path.is_symlink():
            args += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            args += ["--ro-bind", str(path), str(path)]
    for name in ETC:
        path = Path("/etc") / name
        if path.exists():
            # resolv.conf and friends are often links into /run: bind what they point at.
            source = path.resolve() if path.is_file() else path
            args += ["--ro-bind", str(source), str(path)]
    args += ["--proc", "/proc", "--dev", "/dev", "--tmpfs", "/var/tmp"]
    tmp = workdir / ".tmp"
    tmp.mkdir(parents=True, exist_ok=True)
    args += ["--bind", str(tmp), "/tmp"]  # one /tmp for the whole page, inside its working directory
    args += ["--bind", str(workdir), str(workdir)]
    for source, inside in (binds or {}).items():
        args += ["--ro-bind", str(Path(source).resolve()), str(inside)]
    for socket in sockets:
        args += ["--bind", str(socket), str(socket)]
    return args


def _probe(bwrap: str) -> str | None:
    """Run `true` in the sandbox as pages will get it; None if that works, else bwrap's complaint."""
    with tempfile.TemporaryDirectory(prefix="verify-sandbox-probe-") as tmp:
        argv = [bwrap, *NAMESPACES, *filesystem(Path(tmp)), "--chdir", tmp, "--", "/bin/sh", "-c", "true"]
        try:
            done = subprocess.run(argv, capture_output=True, text=True, timeout=30, env={"PATH": "/usr/bin:/bin"},
                                  check=False)
        except (OSError, subprocess.TimeoutExpired) as error:
            return str(error)
    if done.returncode == 0:
        return None
    return (done.stderr.strip().splitlines() or [f"exit status {done.returncode}"])[-1]


@lru_cache(maxsize=1)
def detect() -> Sandbox:
    """The sandbox this machine offers (probed once per process)."""
    bwrap = shutil.which("bwrap", path="/usr/bin:/bin:/usr/local/bin")
    if bwrap is None:
        return Sandbox("none", "bwrap not found (apt-get install bubblewrap)")
    problem = _probe(bwrap)
    if problem:
        return Sandbox("none", f"bwrap cannot create its namespaces here: {problem}")
    return Sandbox("bwrap", f"{bwrap}; new user, mount, PID, IPC, UTS namespaces; network shared for loopback; "
                            "no capabilities; only /usr, part of /etc, kubectl and the page's directory visible",
                   bwrap)
