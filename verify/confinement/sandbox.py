"""The sandbox every page-controlled process runs in: bubblewrap (`bwrap`, Debian's `bubblewrap`).

A sandboxed process sees a filesystem built from an allow-list, not the host's with holes punched
in it: the system's programs and libraries read-only (`/usr` and its `/bin`, `/lib` links), the few
files under `/etc` that name resolution, TLS and the tools need, a private copy of the pinned
kubectl (`tools.private_kubectl`: the repository's path never appears, not even in
`/proc/self/mountinfo`), a fresh size-limited tmpfs as `/tmp` and `/var/tmp`, and what the caller
binds (`View`): the page's own directory at `/work`, the shell's state at `/run/verify`. The
user's home, `~/.kube`, `~/.ssh`, the repository and its `.git`, `/root`, `/home`, `/etc/shadow`,
`/sys` do not exist inside.

Namespaces: user (where the kernel allows it), mount, PID, IPC, UTS, cgroup and network are new
(`Network.NONE`: loopback only), unless the caller entered the page's own network namespace first
(`Network.JOINED`, the live tier: only the API server is reachable there) or the maintainer gave the
page this machine's network on purpose (`Network.HOST`). All capabilities are dropped, the process
gets a session of its own (no way to push keystrokes into the maintainer's terminal), and the
sandbox dies with the verifier (`--die-with-parent` follows the thread that started it).

Every bind source is a directory the verifier created and whose parent the page never sees, so a
page cannot swap one for a symlink; files the verifier itself reads or writes during a run live
outside anything a page can write.

Without bwrap (or where it cannot create its namespaces, as in some containers) `required` refuses
to go on unless the maintainer passed the loudly named opt-out (`--unsafe-no-sandbox` or
``VERIFY_UNSAFE_NO_SANDBOX=1``); then commands run with the minimal environment and private
directories only, which hides the host's variables but not its files, and every run says so.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from pathlib import Path

#: Entries of /etc a tutorial's tools need (resolver, TLS roots, users, alternatives such as vi).
ETC = ("alternatives", "ssl/certs", "ca-certificates", "ca-certificates.conf", "resolv.conf", "hosts", "host.conf",
       "nsswitch.conf", "gai.conf", "services", "protocols", "passwd", "group", "localtime", "mime.types", "vim",
       "gitconfig", "ld.so.cache", "ld.so.conf", "ld.so.conf.d", "terminfo", "inputrc")
#: Top-level directories that are links into /usr on merged-/usr systems, or directories of their own.
SYSTEM_DIRS = ("bin", "sbin", "lib", "lib32", "lib64", "libx32")
#: Where the pinned kubectl appears inside.
TOOLS = Path("/opt/verify/bin")
#: Where the page's own directory appears inside (its working directory, HOME below it).
WORK = Path("/work")
#: Where the shell keeps what carries from one command to the next (exports, the directory).
STATE = Path("/run/verify")
#: The opt-out, as a flag and as an environment variable (for the pytest items of the static tier).
UNSAFE_FLAG = "--unsafe-no-sandbox"
UNSAFE_ENV = "VERIFY_UNSAFE_NO_SANDBOX"
BASE_FLAGS = ("--unshare-all", "--die-with-parent", "--new-session", "--cap-drop", "ALL", "--hostname", "verify-page")
DEFAULT_TMP_SIZE = 256 << 20


class SandboxUnavailable(Exception):
    """No sandbox here and no opt-out given; the message says why and what to do (one paragraph)."""


class Network(StrEnum):
    NONE = "none"  # a network namespace of the sandbox's own: loopback only
    JOINED = "joined"  # the namespace the caller entered before starting bwrap (the page's own)
    HOST = "host"  # this machine's network, given on purpose


@dataclass(frozen=True)
class View:
    """What a sandboxed process sees besides the system: host path → path inside.

    :param rw: directories bound read-write (the page's own, the shell's state).
    :param ro: files or directories bound read-only (the private kubectl's directory).
    :param sockets: sockets shown at their own path (an ssh agent passed with ``--pass-env``).
    :param tmp_size: the size of the fresh tmpfs at `/tmp` (and of the one at `/var/tmp`).
    """

    rw: Mapping[Path, Path] = field(default_factory=dict)
    ro: Mapping[Path, Path] = field(default_factory=dict)
    sockets: tuple[Path, ...] = ()
    tmp_size: int = DEFAULT_TMP_SIZE


@dataclass(frozen=True)
class Sandbox:
    """How page-controlled processes are confined: `kind` is "bwrap" or "none"; `detail` says what or why not."""

    kind: str
    detail: str
    bwrap: str | None = None

    @property
    def active(self) -> bool:
        return self.kind == "bwrap"

    def describe(self) -> str:
        if self.active:
            return f"bubblewrap ({self.detail})"
        return (f"NONE ({UNSAFE_FLAG}): {self.detail}; page commands run with a minimal environment and private "
                "directories only, and can read this machine's files")

    def inside(self, host: Path, view: View) -> Path:
        """Where `host` (a path below one of the view's directories) appears to the sandboxed process."""
        if not self.active:
            return Path(host)
        for source, target in {**view.rw, **view.ro}.items():
            if Path(host) == Path(source) or Path(host).is_relative_to(source):
                return Path(target) / Path(host).relative_to(source)
        raise ValueError(f"{host} is not visible in the sandbox")

    def wrap(self, argv: Sequence[str], view: View, chdir: Path, network: Network = Network.NONE) -> list[str]:
        """`argv` run inside the sandbox, in `chdir` (a path inside)."""
        return [*self.prefix(view, chdir, network), *argv]

    def prefix(self, view: View, chdir: Path, network: Network = Network.NONE) -> list[str]:
        """What `wrap` puts before a command: the same for every command of one view, directory and network
        (a page's shell computes it once)."""
        if not self.active:
            return []
        assert self.bwrap is not None
        flags = [*BASE_FLAGS, *(["--share-net"] if network is not Network.NONE else [])]
        return [self.bwrap, *flags, *filesystem(view), "--chdir", str(chdir), "--"]

    def as_json(self) -> dict[str, object]:
        return {"kind": self.kind, "detail": self.detail, "flags": list(BASE_FLAGS) if self.active else []}


def filesystem(view: View) -> list[str]:
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
    args += ["--proc", "/proc", "--dev", "/dev"]
    for tmp in ("/tmp", "/var/tmp"):
        args += ["--size", str(view.tmp_size), "--tmpfs", tmp]
    for source, inside in view.rw.items():
        args += ["--bind", str(source), str(inside)]
    for source, inside in view.ro.items():
        args += ["--ro-bind", str(source), str(inside)]
    for socket in view.sockets:
        args += ["--bind", str(socket), str(socket)]
    return args


def _probe(bwrap: str) -> str | None:
    """Run `true` in the sandbox as pages will get it; None if that works, else bwrap's complaint."""
    with tempfile.TemporaryDirectory(prefix="verify-sandbox-probe-") as tmp:
        view = View(rw={Path(tmp): WORK})
        argv = [bwrap, *BASE_FLAGS, *filesystem(view), "--chdir", str(WORK), "--", "/bin/sh", "-c", "true"]
        try:
            done = subprocess.run(argv, capture_output=True, text=True, timeout=30, env={"PATH": "/usr/bin:/bin"},
                                  stdin=subprocess.DEVNULL, check=False)
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
    return Sandbox("bwrap", f"{bwrap}; new user, mount, PID, IPC, UTS, cgroup and network namespaces; no "
                            "capabilities; only /usr, part of /etc, kubectl and the page's directory visible", bwrap)


def unsafe_requested(flag: bool = False, environ: Mapping[str, str] | None = None) -> bool:
    """Whether the maintainer opted out of the sandbox (the flag, or the environment variable set to 1)."""
    environ = os.environ if environ is None else environ
    return flag or environ.get(UNSAFE_ENV, "") == "1"


def required(unsafe: bool = False) -> Sandbox:
    """The sandbox, or the unconfined stand-in when the maintainer opted out; else `SandboxUnavailable`."""
    sandbox = detect()
    if sandbox.active or unsafe:
        return sandbox
    raise SandboxUnavailable(
        f"no sandbox for the pages' commands: {sandbox.detail}. Pages are code from contributors, so the verifier "
        f"runs their commands only inside bubblewrap (apt-get install bubblewrap). To run them unconfined anyway, "
        f"on a machine and with pages you trust, pass {UNSAFE_FLAG} (or set {UNSAFE_ENV}=1).")
