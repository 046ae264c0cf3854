"""Records and full reports on the real control plane: `--record` on a copy of a real page,
`--check-records` failing after a one-word change to a documented output and passing after a new
record; the last try of a retried step reported with its output; Ctrl-C saying where it stopped and
what it cleaned up; an API server that goes away mid-run reported in one line."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import yaml

from tests.live.conftest import ROOT, ControlPlane, copy_page, leftovers, live_command, run_live, write_page
from tests.live.interrupting import interrupt_mid_page, processes

SOURCE_IP = ROOT / "docs_src" / "ja" / "tutorials" / "services" / "source-ip.md"
RECORD = Path("verification") / "tutorials" / "services" / "source-ip.json"


def _check(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "verify", "live", "--root", str(root), "--check-records"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)}, check=False)


def test_check_records_fails_after_a_one_word_change_and_passes_after_record(control_plane: ControlPlane,
                                                                           kubeconfig: Path, tmp_path: Path) -> None:
    page = copy_page(tmp_path, SOURCE_IP)
    missing = _check(tmp_path)
    assert missing.returncode == 1 and "docs_src/ja/tutorials/services/source-ip.md: has no verification record" \
        in missing.stderr

    first = run_live(kubeconfig, tmp_path, "--root", str(tmp_path), "--record", str(page))
    assert first.code == 0, first.stdout + first.stderr
    assert "record: " in first.stdout and _check(tmp_path).returncode == 0
    record_text = (tmp_path / RECORD).read_text(encoding="utf-8")
    record = json.loads(record_text)
    assert record["target"]["kind"] == "control-plane" and record["target"]["kubernetes"] == "v1.37.2"
    assert record["target"]["kubectl"] == "v1.37.1" and record["target"]["nodes"] == 3 and record["target"]["kwok"]
    assert record["outcome"] == "passed" and record["summary"]["outputs"]["compared"] > 0
    assert str(tmp_path) not in record_text and "verify-source-ip-" not in record_text
    assert any(s["status"] == "skipped" and s["skip"] == "needs" and "exec" in s["needs"] for s in record["steps"])

    # The same outcome again: the record does not change (the date is today's in both).
    again = run_live(kubeconfig, tmp_path, "--root", str(tmp_path), "--record", str(page))
    assert again.code == 0 and (tmp_path / RECORD).read_text(encoding="utf-8") == record_text

    # One word of a documented output.
    text = page.read_text(encoding="utf-8")
    assert text.count("service/clusterip exposed") == 1
    page.write_text(text.replace("service/clusterip exposed", "service/clusterip created"), encoding="utf-8")
    changed = _check(tmp_path)
    assert changed.returncode == 1
    assert changed.stderr.startswith("FAILED   docs_src/ja/tutorials/services/source-ip.md: changed since its record")

    failed = run_live(kubeconfig, tmp_path, "--root", str(tmp_path), "--record", str(page))
    assert failed.code == 1
    assert _check(tmp_path).returncode == 0  # the record is current again: it records the failure
    record = json.loads((tmp_path / RECORD).read_text(encoding="utf-8"))
    assert record["outcome"] == "failed" and record["failure"]["why"] == "output"
    step = next(s for s in record["steps"] if s["n"] == record["failure"]["n"])
    assert step["command"].startswith("kubectl expose deployment source-ip-app --name=clusterip")
    assert "created" in step["diff"] and "exposed" in step["diff"]
    assert all(s["status"] == "skipped" and s["skip"] == "after-failure" for s in record["steps"][step["n"]:])
    assert leftovers(control_plane, failed.live) == []


def test_a_run_stopped_by_ctrl_c_keeps_the_previous_record(control_plane: ControlPlane, kubeconfig: Path,
                                                        tmp_path: Path) -> None:
    (tmp_path / "verification").mkdir()
    code, output, live, _ = interrupt_mid_page(kubeconfig, tmp_path, signal.SIGINT, "--record")
    page = tmp_path / "docs_src" / "ja" / "ctrl-c.md"
    line = next(n for n, text in enumerate(page.read_text(encoding="utf-8").splitlines(), 1) if "sleep 61.25" in text) - 1
    assert code == 130
    namespace = live["pages"][0]["namespace"]
    assert f"interrupted at {page}:{line}; cleaned up: namespace {namespace} and everything the page created " \
           "are gone" in output
    assert "not recorded (the run did not reach the end of the page)" in output
    assert list((tmp_path / "verification").iterdir()) == []


def test_the_last_try_of_a_step_is_never_cut_off_by_its_deadline(control_plane: ControlPlane, kubeconfig: Path,
                                                                 tmp_path: Path) -> None:
    page = write_page(tmp_path, "retry.md", """\
        <!-- verify: timeout=4 -->
        ```shell
        kubectl get serviceaccount verify-page -o jsonpath='{.metadata.name}'
        ```

        ```text
        someone-else
        ```
        """)
    run = run_live(kubeconfig, tmp_path, "--root", str(tmp_path), "--retry-budget", "120", str(page))
    assert run.code == 1
    step = run.steps()[0]
    assert step["status"] == "failed"
    assert step["message"].startswith("output differs from the documented output"), step["message"]
    assert step["attempts"] > 1 and "verify-page" in step["output"] and "someone-else" in step["diff"]


class _Proxy:
    """A TCP proxy on 127.0.0.1 in front of the API server, which a test can cut (as if it went away)."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.sockets: list[socket.socket] = [self.server]
        self.stopped = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.stopped:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            self.sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        for end in (source, sink):
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        self.stopped = True
        for sock in self.sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()


@dataclasses.dataclass
class _CutRun:
    """A live run whose API server went away while a given command ran."""

    code: int
    stdout: str
    stderr: str
    elapsed: float  # from the cut to the run's end
    live: dict[str, Any]
    namespace: str

    def gone_line(self, page: Path, command: str) -> list[str]:
        """The one line the run should print: the server stopped answering at `command`'s block."""
        line = next(n for n, text in enumerate(page.read_text(encoding="utf-8").splitlines(), 1) if command in text) - 1
        return [f"verify live: API server stopped answering during {page}:{line}; namespace {self.namespace} may remain"]


def _run_cut_while(control_plane: ControlPlane, kubeconfig: Path, tmp_path: Path, page: Path, running: str,
                   *options: str, settle: float = 0.0, timeout: float = 120) -> _CutRun:
    """Run `page` through a proxy in front of the API server and cut the proxy once a process whose command line
    holds `running` exists (and `settle` seconds more); the namespace the run could not clean up is deleted."""
    config = yaml.safe_load(kubeconfig.read_text(encoding="utf-8"))
    server = config["clusters"][0]["cluster"]["server"]
    host, port = server.removeprefix("https://").rsplit(":", 1)
    proxy = _Proxy((host, int(port)))
    config["clusters"][0]["cluster"]["server"] = f"https://127.0.0.1:{proxy.port}"
    proxied = tmp_path / "proxied.kubeconfig"
    proxied.write_text(yaml.safe_dump(config), encoding="utf-8")
    report = tmp_path / "verify-report.json"
    proc = subprocess.Popen(live_command(proxied, report, "--root", str(tmp_path), *options, str(page)), cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    namespace = None
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not processes(running):
            time.sleep(0.05)
        assert processes(running)
        time.sleep(settle)
        proxy.cut()
        started = time.monotonic()
        stdout, stderr = proc.communicate(timeout=timeout)
        elapsed = time.monotonic() - started
        live = json.loads(report.read_text(encoding="utf-8"))["tiers"]["live"]
        namespace = live["pages"][0]["namespace"]
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if namespace:  # the run could not clean up: this test does
            control_plane.kubectl("delete", "namespace", namespace, "--wait=false", check=False)
    return _CutRun(proc.returncode, stdout, stderr, elapsed, live, namespace)


def test_an_api_server_that_goes_away_mid_run_is_one_line(control_plane: ControlPlane, kubeconfig: Path,
                                                          tmp_path: Path) -> None:
    page = write_page(tmp_path, "gone.md", """\
        ```shell
        kubectl create configmap gone --from-literal=a=b
        ```

        ```text
        configmap/gone created
        ```

        ```shell
        sleep 7.25
        ```

        ```shell
        kubectl get configmap gone -o jsonpath='{.data.a}'
        ```

        ```text
        b
        ```
        """)
    run = _run_cut_while(control_plane, kubeconfig, tmp_path, page, "sleep 7.25", "--record")
    assert run.code == 2, run.stdout + run.stderr
    assert run.stderr.strip().splitlines() == run.gone_line(page, "kubectl get configmap gone")
    assert "urllib3" not in run.stdout + run.stderr and "Traceback" not in run.stdout + run.stderr
    assert run.live["aborted"].startswith("API server stopped answering during")
    # Well below the 120 s a read-only step may keep retrying: the run gives up once the server is gone. The
    # cut itself takes kubectl's own timeouts (about 50 s here); 60 s was missed by 1.4 s on a loaded machine.
    assert run.elapsed < 100
    assert not (tmp_path / "verification").exists()  # an aborted page is never recorded


def test_a_long_command_stops_soon_after_the_api_server_goes_away(control_plane: ControlPlane, kubeconfig: Path,
                                                                  tmp_path: Path) -> None:
    """kubectl keeps retrying a refused connection until its own timeout (here 300 s): the runner asks the API
    server every few seconds while a command runs and stops the command once two answers in a row are missing."""
    page = write_page(tmp_path, "long-gone.md", """\
        ```shell
        kubectl create configmap waiting --from-literal=a=b
        ```

        ```text
        configmap/waiting created
        ```

        <!-- verify: timeout=300 -->
        ```shell
        kubectl wait --for=jsonpath='{.data.a}'=c configmap/waiting --timeout=300s
        ```
        """)
    # settle: kubectl is watching when the server goes away
    run = _run_cut_while(control_plane, kubeconfig, tmp_path, page, "configmap/waiting --timeout=300s", settle=1,
                         timeout=300)
    assert run.code == 2, run.stdout + run.stderr
    assert run.stderr.strip().splitlines() == run.gone_line(page, "kubectl wait")
    # Two heartbeats 10 s apart, each waiting at most 3 s for an answer, then the command's process group is
    # stopped: far below kubectl's 300 s.
    assert run.elapsed < 90, run.elapsed
