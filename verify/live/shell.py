"""The page's terminal: each command runs in bash on a pseudo-terminal (so `kubectl exec -it` and
friends behave as they do for a reader), in the page's working directory, inside the sandbox
(`verify.live.sandbox`), with an environment built from an allow-list (`session_env`): `LANG=C`,
`TZ=UTC`, `COLUMNS=200`, the pinned kubectl first on `PATH`, a private `HOME` and kubeconfig in the
working directory, the variables passed by name with `--pass-env`, and nothing else of the host's.
Exported variables and the current directory carry over from one command to the next, as in one
terminal. "First terminals" (`kubectl get -w` started in the background) are `Background`
processes writing to a file.

Every process runs in its own session and is ended as a group, so nothing outlives a timeout, a
failure or Ctrl-C.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import select
import shlex
import shutil
import signal
import stat
import struct
import subprocess
import termios
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from verify.live.sandbox import TOOLS, Sandbox, detect

COLUMNS, ROWS = 200, 50
#: The system's directories, after the pinned kubectl's: never the host's PATH (it may point into a home).
SYSTEM_PATH = "/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin"
#: What every page gets; `--pass-env` cannot replace these.
FIXED = frozenset({"PATH", "LANG", "LC_ALL", "TZ", "COLUMNS", "LINES", "TERM", "HOME", "KUBECONFIG", "KUBECACHEDIR"})


def passed_env(names: Iterable[str], environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The host variables named on the command line (`--pass-env VAR`), for a page that needs them.

    Raises `ValueError` for a variable that is not set or that the session fixes itself.
    """
    environ = os.environ if environ is None else environ
    passed = {}
    for name in names:
        if name in FIXED:
            raise ValueError(f"--pass-env {name}: the verifier sets {name} itself")
        if name not in environ:
            raise ValueError(f"--pass-env {name}: not set in this environment")
        passed[name] = environ[name]
    return passed


def session_env(kubectl: Path, kubeconfig: Path, workdir: Path, passed: Mapping[str, str] | None = None) -> dict[str, str]:
    """The whole environment of a page's commands: an allow-list, never the host's minus a few names.

    :param passed: host variables passed by name (`passed_env`); the fixed values win over them.
    """
    env = dict(passed or {})
    env.update(PATH=os.pathsep.join([str(Path(kubectl).parent), SYSTEM_PATH]), LANG="C", LC_ALL="C", TZ="UTC",
               COLUMNS=str(COLUMNS), LINES=str(ROWS), TERM="dumb", HOME=str(Path(workdir) / ".home"),
               KUBECONFIG=str(kubeconfig), KUBECACHEDIR=str(Path(workdir) / ".kube" / "cache"))
    return env


@dataclass
class CommandResult:
    command: str
    exit_code: int | None  # None: killed after the timeout
    output: str
    seconds: float

    @property
    def timed_out(self) -> bool:
        return self.exit_code is None


def _is_socket(path: Path) -> bool:
    try:
        return stat.S_ISSOCK(path.stat().st_mode)
    except OSError:
        return False


def _kill_group(proc: subprocess.Popen[bytes], grace: float = 2.0) -> None:
    """End the whole process group: TERM, then KILL what is left after `grace` seconds.

    Waits for every member, not only the leader: in the sandbox the leader (bwrap) exits first and
    the page's processes follow a moment later.
    """
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(proc.pid, sig)
        except (ProcessLookupError, PermissionError):
            break
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline:
            if proc.poll() is not None and not _group_alive(proc.pid):
                return
            time.sleep(0.02)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=grace)


def _group_alive(pgid: int) -> bool:
    """Whether a process of the group still runs (zombies do not: the sandbox's inner init can be
    left as one for a moment after its parent is killed, until init reaps it)."""
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    proc = Path("/proc")
    if not proc.is_dir():
        return True
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if len(fields) > 2 and fields[2] == str(pgid) and fields[0] not in ("Z", "X"):
            return True
    return False


class Background:
    """A command running in a background terminal, its output collected in a file."""

    def __init__(self, command: str, proc: subprocess.Popen[bytes], log: Path) -> None:
        self.command = command
        self.proc = proc
        self.log = log

    def output(self) -> str:
        try:
            return self.log.read_bytes().decode("utf-8", errors="replace").replace("\r\n", "\n")
        except OSError:
            return ""

    @property
    def running(self) -> bool:
        return self.proc.poll() is None

    def stop(self) -> str:
        _kill_group(self.proc)
        return self.output()

    def alive(self) -> bool:
        return _group_alive(self.proc.pid)


class ShellSession:
    """One page's terminal, confined to `workdir` by `sandbox` (default: the best this machine offers).

    The kubectl that `env`'s PATH finds is shown to the sandbox read-only (at `sandbox.TOOLS`, which
    takes its directory's place on PATH), and so is the ssh agent socket if SSH_AUTH_SOCK was
    passed; a private HOME is created if `env` puts it in `workdir`.
    """

    def __init__(self, workdir: Path, env: dict[str, str], sandbox: Sandbox | None = None) -> None:
        self.workdir = Path(workdir)
        self.env = env
        self.sandbox = detect() if sandbox is None else sandbox
        self._state = self.workdir / ".verify-shell" / "exports"
        self._cwd = self.workdir / ".verify-shell" / "cwd"
        self._state.parent.mkdir(parents=True, exist_ok=True)
        home = Path(env.get("HOME", ""))
        if env.get("HOME") and home.is_relative_to(self.workdir):
            home.mkdir(parents=True, exist_ok=True)
        kubectl = shutil.which("kubectl", path=env.get("PATH", ""))
        self._binds: dict[Path, Path] = {}
        self._env = env
        if kubectl and self.sandbox.active:
            self._binds[Path(kubectl)] = TOOLS / "kubectl"
            self._env = {**env, "PATH": os.pathsep.join(str(TOOLS) if p == str(Path(kubectl).parent) else p
                                                        for p in env.get("PATH", "").split(os.pathsep))}
        agent = env.get("SSH_AUTH_SOCK")
        self._sockets = [Path(agent)] if agent and _is_socket(Path(agent)) else []
        self.backgrounds: list[Background] = []
        self._running: subprocess.Popen[bytes] | None = None

    def _argv(self, script: str) -> list[str]:
        return self.sandbox.wrap(["bash", "--noprofile", "--norc", "-c", script], self.workdir, self._binds,
                                 self._sockets)

    def _script(self, command: str, save_state: bool = True) -> str:
        state, cwd = shlex.quote(str(self._state)), shlex.quote(str(self._cwd))
        prologue = (f"if [ -f {state} ]; then . {state}; fi\n"
                    f"if [ -f {cwd} ]; then cd \"$(cat {cwd})\" 2>/dev/null; fi\n")
        if not save_state:
            return prologue + command + "\n"
        return (prologue + command + "\n__verify_rc=$?\n"
                f"export -p > {state}.new 2>/dev/null && mv {state}.new {state}\n"
                f"pwd > {cwd}\nexit $__verify_rc\n")

    def run(self, command: str, timeout: float) -> CommandResult:
        """Run one command line on a fresh pseudo-terminal; kill its process group after `timeout`."""
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
        started = time.monotonic()
        proc = subprocess.Popen(self._argv(self._script(command)),
                                stdin=slave, stdout=slave, stderr=slave, cwd=self.workdir, env=self._env,
                                start_new_session=True, close_fds=True)
        os.close(slave)
        self._running = proc
        chunks: list[bytes] = []
        timed_out = False
        try:
            exited_at: float | None = None
            while True:
                now = time.monotonic()
                if now - started > timeout:
                    timed_out = True
                    break
                ready, _, _ = select.select([master], [], [], 0.05)
                if ready:
                    try:
                        data = os.read(master, 65536)
                    except OSError:  # EIO: every holder of the terminal is gone
                        break
                    if not data:
                        break
                    chunks.append(data)
                    continue
                if proc.poll() is not None:
                    exited_at = exited_at or now
                    if now - exited_at > 0.2:  # leftover background children keep the terminal open
                        break
        finally:
            if timed_out or proc.poll() is None or _group_alive(proc.pid):
                _kill_group(proc, grace=1.0)
            os.close(master)
            self._running = None
        output = b"".join(chunks).decode("utf-8", errors="replace").replace("\r\n", "\n").replace("\r", "")
        return CommandResult(command, None if timed_out else proc.returncode, output, time.monotonic() - started)

    def start_background(self, command: str) -> Background:
        log = self.workdir / ".verify-shell" / f"terminal-{len(self.backgrounds) + 1}.log"
        handle = open(log, "wb")  # noqa: SIM115 - the child owns it
        proc = None
        try:
            proc = subprocess.Popen(self._argv(self._script(command, save_state=False)),
                                    stdin=subprocess.DEVNULL, stdout=handle, stderr=subprocess.STDOUT,
                                    cwd=self.workdir, env=self._env, start_new_session=True, close_fds=True)
            background = Background(command, proc, log)
            self.backgrounds.append(background)
        except BaseException:
            # Ctrl-C between the start and the bookkeeping: close() would not know this process.
            if proc is not None and not any(b.proc is proc for b in self.backgrounds):
                _kill_group(proc, grace=1.0)
            raise
        finally:
            handle.close()
        return background

    def close(self) -> list[str]:
        """Stop every process this session started; the commands of any that would not die."""
        if self._running is not None:
            _kill_group(self._running, grace=1.0)
        stubborn = []
        for background in self.backgrounds:
            background.stop()
            if background.alive():
                stubborn.append(background.command)
        return stubborn
