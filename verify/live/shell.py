"""The page's terminal: each command runs in bash on a pseudo-terminal (so `kubectl exec -it` and
friends behave as they do for a reader), in the page's working directory (`/work`), inside the
sandbox (`verify.confinement.sandbox`), in the page's own network namespace
(`verify.live.network`) and cgroup (`verify.confinement.limits`), with an environment built from
an allow-list (`session_env`): `LANG=C`, `TZ=UTC`, `COLUMNS=200`, the pinned kubectl first on
`PATH`, a private `HOME` and kubeconfig in the working directory, the variables passed by name
with `--pass-env`, and nothing else of the host's. Exported variables and the current directory
carry over from one command to the next, as in one terminal (the shell keeps them in `/run/verify`,
which the verifier never reads). "First terminals" (`kubectl get -w` started in the background) are
`Background` processes writing to a file the page cannot see.

Every process runs in its own session and is ended as a group, so nothing outlives a timeout, a
failure or Ctrl-C; the page's cgroup catches whatever escapes its group. The verifier keeps at most
`Limits.output` bytes of what a command prints and says how much more there was.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import select
import shlex
import signal
import stat
import struct
import subprocess
import termios
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from verify.confinement.limits import Limits
from verify.confinement.sandbox import Network, Sandbox
from verify.confinement.tools import private_copy
from verify.live.workspace import Workspace

if TYPE_CHECKING:
    from verify.live.network import PageNetwork

COLUMNS, ROWS = 200, 50
#: The system's directories, after the pinned kubectl's: never the host's PATH (it may point into a home).
SYSTEM_PATH = "/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin"
#: How often a long command asks whether the API server still answers (`ShellSession.run`).
HEARTBEAT = 10.0
#: What every page gets; `--pass-env` cannot replace these.
FIXED = frozenset({"PATH", "LANG", "LC_ALL", "TZ", "COLUMNS", "LINES", "TERM", "HOME", "KUBECONFIG", "KUBECACHEDIR"})
#: The page's HOME and kubeconfig, below its working directory.
HOME, KUBECONFIG = ".home", ".kubeconfig"


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


def session_env(tools: Path, workdir: Path, passed: Mapping[str, str] | None = None) -> dict[str, str]:
    """The whole environment of a page's commands: an allow-list, never the host's minus a few names.

    :param tools: the directory of the pinned kubectl, as the page's processes see it.
    :param workdir: the page's working directory, as its processes see it (HOME and KUBECONFIG are below it).
    :param passed: host variables passed by name (`passed_env`); the fixed values win over them.
    """
    env = dict(passed or {})
    env.update(PATH=os.pathsep.join([str(tools), SYSTEM_PATH]), LANG="C", LC_ALL="C", TZ="UTC",
               COLUMNS=str(COLUMNS), LINES=str(ROWS), TERM="dumb", HOME=str(Path(workdir) / HOME),
               KUBECONFIG=str(Path(workdir) / KUBECONFIG), KUBECACHEDIR=str(Path(workdir) / ".kube" / "cache"))
    return env


@dataclass
class CommandResult:
    command: str
    exit_code: int | None  # None: killed after the timeout
    output: str
    seconds: float
    dropped: int = 0  # bytes printed beyond `Limits.output`, not kept

    @property
    def timed_out(self) -> bool:
        return self.exit_code is None


def cut_note(dropped: int, cap: int) -> str:
    """What the report says where output was cut."""
    return f"output cut after {cap} bytes: {dropped} more bytes were printed and not kept"


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
        pause = 0.001  # most groups are gone within a few milliseconds (often the leader was exiting already)
        while time.monotonic() < deadline:
            if proc.poll() is not None and not _group_alive(proc.pid):
                return
            time.sleep(pause)
            pause = min(0.02, pause * 2)
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
    """A command running in a background terminal, its output collected in a file only the verifier sees."""

    def __init__(self, command: str, proc: subprocess.Popen[bytes], log: Path, cap: int) -> None:
        self.command = command
        self.proc = proc
        self.log = log
        self.cap = cap

    def output(self) -> str:
        """What the terminal printed so far (at most the output cap of it)."""
        try:
            fd = os.open(self.log, os.O_RDONLY | os.O_NOFOLLOW)
        except OSError:
            return ""
        with os.fdopen(fd, "rb") as handle:
            data = handle.read(self.cap)
        return data.decode("utf-8", errors="replace").replace("\r\n", "\n")

    def dropped(self) -> int:
        """Bytes printed beyond the cap (the file size limit stops the writer long before the disk fills)."""
        try:
            return max(0, os.stat(self.log, follow_symlinks=False).st_size - self.cap)
        except OSError:
            return 0

    @property
    def running(self) -> bool:
        return self.proc.poll() is None

    def stop(self) -> str:
        _kill_group(self.proc)
        return self.output()

    def alive(self) -> bool:
        return _group_alive(self.proc.pid)


class ShellSession:
    """One page's terminal, confined by `sandbox` to `workspace`, in `network`, bounded by `limits`.

    :param kubectl: the pinned kubectl; the sandbox gets a private copy of it, first on PATH.
    :param passed: host variables passed by name (`passed_env`).
    :param sandbox: the sandbox (`verify.confinement.sandbox.required`); "none" only on the maintainer's opt-out.
    :param network: the page's network namespace (None: the sandbox's own, loopback only).
    :param limits_prefix: the argv prefix that puts each process into the page's cgroup
        (`verify.confinement.limits.PageCgroup.prefix`).
    """

    def __init__(self, workspace: Workspace, kubectl: Path, sandbox: Sandbox, passed: Mapping[str, str] | None = None,
                 network: PageNetwork | None = None, limits: Limits | None = None,
                 limits_prefix: list[str] | None = None) -> None:
        self.workspace = workspace
        self.sandbox = sandbox
        self.network = network
        self.limits = limits or Limits()
        self.limits_prefix = limits_prefix or []
        tools = private_copy(kubectl).parent if sandbox.active else Path(kubectl).parent
        agent = (passed or {}).get("SSH_AUTH_SOCK")
        sockets = (Path(agent),) if agent and _is_socket(Path(agent)) else ()
        self.view = workspace.view(tools if sandbox.active else None, sockets)
        self.workdir = sandbox.inside(workspace.page, self.view)  # where the page's processes see it
        self.state = sandbox.inside(workspace.state, self.view)
        inside_tools = sandbox.inside(tools, self.view) if sandbox.active else tools
        self.env = session_env(inside_tools, self.workdir, passed)
        (workspace.page / HOME).mkdir(exist_ok=True)
        self.backgrounds: list[Background] = []
        self._running: subprocess.Popen[bytes] | None = None
        self._sandbox_prefix: list[str] | None = None

    @property
    def kubeconfig(self) -> Path:
        """The page's kubeconfig on this machine (the verifier writes it before the first command)."""
        return self.workspace.page / KUBECONFIG

    def _argv(self, script: str) -> tuple[list[str], tuple[int, ...]]:
        enter, fds = self.network.enter() if self.network is not None else ([], ())
        if self._sandbox_prefix is None:  # the same for every command of the page: built once
            mode = (Network.NONE if self.network is None else Network.HOST if self.network.mode == "host"
                    else Network.JOINED)
            self._sandbox_prefix = self.sandbox.prefix(self.view, self.workdir, mode)
        return [*self.limits_prefix, *enter, *self._sandbox_prefix, "bash", "--noprofile", "--norc", "-c", script], fds

    def _script(self, command: str, save_state: bool = True) -> str:
        state, cwd = shlex.quote(str(self.state / "exports")), shlex.quote(str(self.state / "cwd"))
        # `set -a`: a variable the page assigns (`NODES=$(…)`) is there in its later steps, as in the reader's shell
        # (only exported variables are saved between steps).
        prologue = ("set -a\n"
                    f"if [ -f {state} ]; then . {state}; fi\n"
                    f"if [ -f {cwd} ]; then cd \"$(< {cwd})\" 2>/dev/null; fi\n")  # bash reads it itself: no `cat`
        if not save_state:
            return prologue + command + "\n"
        return (prologue + command + "\n__verify_rc=$?\n"
                f"export -p > {state}.new 2>/dev/null && mv {state}.new {state}\n"
                f"pwd > {cwd}\nexit $__verify_rc\n")

    def _popen(self, script: str, **streams: object) -> subprocess.Popen[bytes]:
        argv, fds = self._argv(script)
        cwd = self.workspace.page if not self.sandbox.active else self.workspace.root
        return subprocess.Popen(argv, cwd=cwd, env=self.env, start_new_session=True, close_fds=True, pass_fds=fds,
                                **streams)  # type: ignore[call-overload]

    def run(self, command: str, timeout: float, server_answers: Callable[[], bool] | None = None) -> CommandResult:
        """Run one command line on a fresh pseudo-terminal; kill its process group after `timeout`.

        ``server_answers``, when given, is asked every ``HEARTBEAT`` seconds while the command runs; once it says
        no, the command is stopped as if its time were up (kubectl keeps retrying a refused connection until its own
        timeout, minutes later, when the API server is gone)."""
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
        started = time.monotonic()
        proc = self._popen(self._script(command), stdin=slave, stdout=slave, stderr=slave)
        os.close(slave)
        self._running = proc
        chunks: list[bytes] = []
        kept = dropped = 0
        timed_out = False
        try:
            exited_at: float | None = None
            next_heartbeat = started + HEARTBEAT
            while True:
                now = time.monotonic()
                if now - started > timeout:
                    timed_out = True
                    break
                if server_answers is not None and now >= next_heartbeat and proc.poll() is None:
                    if not server_answers():
                        timed_out = True
                        break
                    next_heartbeat = time.monotonic() + HEARTBEAT
                ready, _, _ = select.select([master], [], [], 0.05)
                if ready:
                    try:
                        data = os.read(master, 65536)
                    except OSError:  # EIO: every holder of the terminal is gone
                        break
                    if not data:
                        break
                    room = max(0, self.limits.output - kept)
                    chunks.append(data[:room])
                    kept += min(room, len(data))
                    dropped += max(0, len(data) - room)
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
        return CommandResult(command, None if timed_out else proc.returncode, output, time.monotonic() - started,
                             dropped)

    def start_background(self, command: str) -> Background:
        log = self.workspace.logs / f"terminal-{len(self.backgrounds) + 1}.log"
        fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        proc = None
        try:
            proc = self._popen(self._script(command, save_state=False), stdin=subprocess.DEVNULL, stdout=fd,
                               stderr=subprocess.STDOUT)
            background = Background(command, proc, log, self.limits.output)
            self.backgrounds.append(background)
        except BaseException:
            # Ctrl-C between the start and the bookkeeping: close() would not know this process.
            if proc is not None and not any(b.proc is proc for b in self.backgrounds):
                _kill_group(proc, grace=1.0)
            raise
        finally:
            os.close(fd)
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

