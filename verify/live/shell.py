"""The page's terminal: each command runs in bash on a pseudo-terminal (so `kubectl exec -it` and
friends behave as they do for a reader), in the page's working directory, with a fixed
environment (`LANG=C`, `TZ=UTC`, `COLUMNS=200`, the pinned kubectl first on `PATH`, the page's
private kubeconfig). Exported variables and the current directory carry over from one command to
the next, as in one terminal. "First terminals" (`kubectl get -w` started in the background) are
`Background` processes writing to a file.

Every process runs in its own session and is ended as a group, so nothing outlives a timeout, a
failure or Ctrl-C.
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import shlex
import signal
import struct
import subprocess
import termios
import time
from dataclasses import dataclass
from pathlib import Path

COLUMNS, ROWS = 200, 50


def session_env(kubectl: Path, kubeconfig: Path, workdir: Path, base: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in (base if base is not None else os.environ).items()
           if not k.startswith(("KUBECTL_", "KUBE_")) and k not in ("KUBECONFIG", "LC_ALL", "LANGUAGE")}
    env.update(LANG="C", LC_ALL="C", TZ="UTC", COLUMNS=str(COLUMNS), LINES=str(ROWS), TERM="dumb",
               KUBECONFIG=str(kubeconfig), KUBECACHEDIR=str(workdir / ".kube" / "cache"),
               PATH=os.pathsep.join([str(kubectl.parent), env.get("PATH", "/usr/bin:/bin")]))
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


def _kill_group(proc: subprocess.Popen[bytes], grace: float = 2.0) -> None:
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(proc.pid, sig)
        except (ProcessLookupError, PermissionError):
            return
        try:
            proc.wait(timeout=grace)
            return
        except subprocess.TimeoutExpired:
            continue


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


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
    def __init__(self, workdir: Path, env: dict[str, str]) -> None:
        self.workdir = Path(workdir)
        self.env = env
        self._state = self.workdir / ".verify-shell" / "exports"
        self._cwd = self.workdir / ".verify-shell" / "cwd"
        self._state.parent.mkdir(parents=True, exist_ok=True)
        self.backgrounds: list[Background] = []
        self._running: subprocess.Popen[bytes] | None = None

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
        proc = subprocess.Popen(["bash", "--noprofile", "--norc", "-c", self._script(command)],
                                stdin=slave, stdout=slave, stderr=slave, cwd=self.workdir, env=self.env,
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
            proc = subprocess.Popen(["bash", "--noprofile", "--norc", "-c", self._script(command, save_state=False)],
                                    stdin=subprocess.DEVNULL, stdout=handle, stderr=subprocess.STDOUT,
                                    cwd=self.workdir, env=self.env, start_new_session=True, close_fds=True)
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
