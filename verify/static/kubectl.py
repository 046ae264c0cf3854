"""Ask the real, pinned kubectl whether a command line is valid, without a cluster.

kubectl parses flags and arguments before it talks to the API server. Run against a kubeconfig
that points at a closed loopback port, a valid command fails with "connection refused" while an
invalid one fails with "unknown flag", "unknown command" or a usage error. Results are cached by
kubectl version + arguments, so a warm run starts no process at all.

The arguments are a page's, so kubectl runs sandboxed (`verify.confinement.process.Confined`):
its own network namespace (the closed address is closed there too), a private directory holding
the closed kubeconfig, nothing of this machine's home or the repository. Arguments that would load
other credentials or programs (`verify.shellcode.credentials`) are refused before kubectl runs.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import re
import subprocess
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from cluster import kubectl as pinned_kubectl
from verify.confinement.process import Confined
from verify.static.cache import JsonCache

CLOSED_KUBECONFIG = """\
apiVersion: v1
kind: Config
clusters:
- name: closed
  cluster:
    server: https://127.0.0.1:1
contexts:
- name: closed
  context: {cluster: closed, user: nobody, namespace: default}
current-context: closed
users:
- name: nobody
  user: {token: none}
"""

#: kubectl got past parsing its command line and tried to reach the (closed) API server.
SERVER = re.compile(
    r"connection (?:to the server .* was )?refused"
    r"|couldn't get current server API group list"
    r"|Unable to connect to the server"
    r"|dial tcp"
    r"|context was not found for specified context"
    r"|no context exists with the name",
    re.IGNORECASE,
)
#: kubectl got past parsing and then needed something local the page's reader has and we do not.
LOCAL = re.compile(
    r"the path \".*\" does not exist"
    r"|no objects passed to"
    r"|doesn't exist in local filesystem"
    r"|error reading .*: (?:open .*)?no such file"
    r"|open .*: no such file or directory"
    r"|must build at directory"
    r"|address already in use"
    r"|Starting to serve on",
    re.IGNORECASE,
)
#: How long a process may run before we conclude it parsed its flags and is now serving/waiting.
PATIENCE = 4.0
#: Bump when the classification changes, so cached verdicts from older rules are not reused.
CACHE_FORMAT = 3
DUMMY_MANIFEST = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: verify-dummy\n"


T = TypeVar("T")
#: A cache key and the call that computes its value (run in a thread pool).
Job = tuple[str, Callable[[], object]]


def run_jobs(jobs: list[Job], cache: JsonCache, workers: int) -> None:
    """Run jobs in parallel (they start processes, so threads suffice) and cache their results."""
    if not jobs:
        return
    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(jobs)))) as pool:
        for key, result in zip([k for k, _ in jobs], pool.map(lambda job: job[1](), jobs), strict=True):
            cache.put(key, result)


@contextlib.contextmanager
def kubectl_home() -> Iterator[Path]:
    """A private HOME with the closed kubeconfig and a dummy manifest, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="verify-kubectl-") as tmp:
        _prepare(Path(tmp))
        yield Path(tmp)


@dataclass(frozen=True)
class Answer:
    """What kubectl made of one argument list: accepted or not, and its words."""

    ok: bool
    message: str  # kubectl's error (first meaningful line) or what was accepted


def find_kubectl() -> str | None:
    """The pinned kubectl (`cluster.kubectl.find`), as the path the static tier runs."""
    found = pinned_kubectl.find()
    return str(found) if found else None


def kubectl_version(kubectl: str, cache: JsonCache) -> str:
    """kubectl's client version, cached by the binary's identity (path, size, mtime)."""
    stat = os.stat(kubectl)
    identity = f"binary\0{os.path.realpath(kubectl)}\0{stat.st_size}\0{int(stat.st_mtime)}"
    cached = cache.get(identity)
    if isinstance(cached, str):
        return cached
    out = subprocess.run(
        [kubectl, "version", "--client", "-o", "json"],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=30,
        check=False,
        env=_env(Path(tempfile.gettempdir())),
    )
    try:
        version = json.loads(out.stdout)["clientVersion"]["gitVersion"]
    except (ValueError, KeyError):
        version = "unknown"
    cache.put(identity, version)
    return version


def _env(home: Path) -> dict[str, str]:
    """kubectl's whole environment; `home` is the private directory as kubectl sees it."""
    return {
        "HOME": str(home),
        "LANG": "C",
        "LC_ALL": "C",
        "KUBECONFIG": str(home / "kubeconfig"),
        "KUBECACHEDIR": str(home / "cache"),
        # Each check is one short-lived process: one Go thread and no garbage collection make
        # kubectl start ~25% cheaper, which is most of the cold-run cost.
        "GOMAXPROCS": "1",
        "GOGC": "off",
    }


def _prepare(home: Path) -> None:
    (home / "kubeconfig").write_text(CLOSED_KUBECONFIG, encoding="utf-8")
    (home / "dummy.yaml").write_text(DUMMY_MANIFEST, encoding="utf-8")


def _rewrite(args: tuple[str, ...]) -> list[str]:
    """Point `-f URL` at a local dummy manifest: there is no network, and no need for one."""
    out = list(args)
    for i, arg in enumerate(out):
        if arg in ("-f", "--filename") and i + 1 < len(out) and re.match(r"https?://", out[i + 1]):
            out[i + 1] = "dummy.yaml"
        elif re.match(r"(?:-f|--filename)=https?://", arg):
            out[i] = arg.split("=", 1)[0] + "=dummy.yaml"
    return out


def _first_error(output: str) -> str:
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    for line in lines:
        if line.lower().startswith("error"):
            return line
    return lines[0] if lines else "(no output)"


def run_one(kubectl: str, args: tuple[str, ...], confined: Confined, home: Path | None = None) -> Answer:
    """Run kubectl once, confined, with the closed kubeconfig (in `home`, or a private directory), and classify.

    `kubectl config …` may write its kubeconfig, so it always gets a private directory.
    """
    if home is None or (args and args[0] == "config"):
        with kubectl_home() as private:
            return _run_in(kubectl, args, private, confined)
    return _run_in(kubectl, args, home, confined)


def _run_in(kubectl: str, args: tuple[str, ...], home: Path, confined: Confined) -> Answer:
    try:
        done = confined.run([kubectl, *_rewrite(args)], home, _env(confined.paths(home)), PATIENCE)
    except subprocess.TimeoutExpired:
        return Answer(True, f"still running after {PATIENCE:g}s (flags accepted)")
    output = (done.stderr or "") + (done.stdout or "")
    if done.returncode == 0:
        return Answer(True, "ran without a cluster")
    if SERVER.search(output):
        return Answer(True, "flags accepted; kubectl then tried the API server")
    local = LOCAL.search(output)
    if local:
        return Answer(True, f"flags accepted; kubectl then needed a local file ({local.group(0)})")
    return Answer(False, _first_error(output))


class KubectlChecker:
    """Checks argument lists with one kubectl process per unique, uncached list, in parallel."""

    def __init__(self, kubectl: str, cache: JsonCache, confined: Confined, jobs: int | None = None) -> None:
        self.kubectl = kubectl
        self.cache = cache
        self.confined = confined
        self.version = kubectl_version(kubectl, cache)
        self.jobs = jobs or max(2, (os.cpu_count() or 2) * 2)
        self.runs = 0  # processes started (for the performance note)
        self._lock = threading.Lock()

    def key(self, args: tuple[str, ...]) -> str:
        return f"kubectl\0{CACHE_FORMAT}\0{self.version}\0{json.dumps(list(args), ensure_ascii=False)}"

    def job(self, args: tuple[str, ...], home: Path | None = None) -> Job:
        """kubectl on `args`, keyed for the cache; `home` holds the closed kubeconfig (else a private one)."""
        return (self.key(args), self.counted(functools.partial(self._answer, args, home)))

    def counted(self, run: Callable[[], T]) -> Callable[[], T]:
        """`run`, counted in `runs` when it runs (it starts one kubectl process)."""

        def counting() -> T:
            with self._lock:
                self.runs += 1
            return run()

        return counting

    def pending(self, arg_lists: Iterable[tuple[str, ...]], home: Path) -> list[Job]:
        """A job per argument list not yet in the cache; `home` holds the closed kubeconfig."""
        todo = sorted({a for a in arg_lists if self.cache.get(self.key(a)) is None})
        return [self.job(a, home) for a in todo]

    def _answer(self, args: tuple[str, ...], home: Path | None) -> dict[str, object]:
        answer = run_one(self.kubectl, args, self.confined, home)
        return {"ok": answer.ok, "message": answer.message}

    def prefetch(self, arg_lists: Iterable[tuple[str, ...]]) -> None:
        """Check every argument list not yet in the cache, in parallel."""
        with kubectl_home() as home:
            run_jobs(self.pending(arg_lists, home), self.cache, self.jobs)

    def check(self, args: tuple[str, ...]) -> Answer:
        cached = self.cache.get(self.key(args))
        if not isinstance(cached, dict):
            self.prefetch([args])
            cached = self.cache.get(self.key(args))
        assert isinstance(cached, dict)
        return Answer(bool(cached["ok"]), str(cached["message"]))
