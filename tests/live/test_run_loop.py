"""The run loop: one page's crash is reported as that page's failure, and the run goes on."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from verify.confinement.sandbox import Sandbox
from verify.live import runner as live_runner
from verify.live.cluster import ConnectedCluster
from verify.live.results import PageResult
from verify.live.runner import Settings, run_live

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "docs_src/ja/tutorials/security/apparmor.md", ROOT / "docs_src/ja/tutorials/services/source-ip.md"]


class CrashingFirstPage:
    """Stands in for PageRunner: the first page's run raises after creating its result; the second passes."""

    calls = 0

    def __init__(self, page, *args) -> None:
        self.result = PageResult(page.path, namespace="verify-x")

    def run(self) -> PageResult:
        type(self).calls += 1
        if type(self).calls == 1:
            raise RuntimeError("the API server went away\nmid-page")
        return self.result


def test_a_crash_in_one_page_fails_that_page_and_the_next_page_still_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(live_runner, "PageRunner", CrashingFirstPage)
    messages: list[str] = []
    settings = Settings(root=ROOT, kubectl=Path("kubectl"), sandbox=Sandbox("none", "test"))
    run = run_live(PAGES, settings, ConnectedCluster(Path("k"), "kind-x", "https://127.0.0.1:1"),
                   api_client=None, prober=None,  # type: ignore[arg-type]  # no page gets as far as a probe
                   reporter=messages.append)

    first, second = run.pages
    assert first.status == "failed"
    assert first.error == "verifier error: RuntimeError: the API server went away mid-page"
    assert first.namespace == "verify-x"
    assert second.status == "passed"
    assert any("FAILED, verifier error: RuntimeError" in m for m in messages)


class InterruptedWhileProbing:
    """Stands in for the live tier's Prober: Ctrl-C arrives while the page's needs are being probed."""

    def probe(self, needs: set[str]) -> object:
        raise live_runner.Interrupted(signal.SIGINT)


def test_a_signal_while_probing_marks_the_page_interrupted_and_skips_every_step() -> None:
    run = run_live(PAGES[:1], Settings(root=ROOT, kubectl=Path("kubectl"), sandbox=Sandbox("none", "test")),
                   ConnectedCluster(Path("k"), "kind-x", "https://127.0.0.1:1"), api_client=None,
                   prober=InterruptedWhileProbing(),  # type: ignore[arg-type]  # only probe() is reached
                   reporter=lambda line: None)

    (page,) = run.pages
    assert run.interrupted == signal.SIGINT
    assert page.interrupted is True and page.namespace is None  # no namespace was made: nothing to clean
    assert page.steps, "every step of the page has a result"
    assert {(s.status, s.message) for s in page.steps} == {("skipped", "interrupted by SIGINT")}
