"""The run loop: one page's crash is reported as that page's failure, and the run goes on."""

from __future__ import annotations

from pathlib import Path

import pytest

from verify.live import runner as live_runner
from verify.live.cluster import Target
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
    run = run_live(PAGES, Settings(root=ROOT, kubectl=Path("kubectl")), Target(Path("k"), "kind-x", "https://127.0.0.1:1"),
                   api_client=None, prober=None,  # type: ignore[arg-type]  # no page gets as far as a probe
                   progress=messages.append)

    first, second = run.pages
    assert first.status == "failed"
    assert first.error == "verifier error: RuntimeError: the API server went away mid-page"
    assert first.namespace == "verify-x"
    assert second.status == "passed"
    assert any("FAILED, verifier error: RuntimeError" in m for m in messages)
