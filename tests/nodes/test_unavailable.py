"""Without real nodes the node tests fail in CI and skip elsewhere, always naming the reason; a CI job
that cannot make namespaces skips only when it says why."""

from __future__ import annotations

import pytest

from tests.nodes.conftest import unavailable


def test_in_ci_a_missing_target_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    monkeypatch.delenv("K8S_TUTORIALS_NO_REAL_NODES", raising=False)
    with pytest.raises(pytest.fail.Exception, match="unavailable in CI: the binaries are not built"):
        unavailable("the binaries are not built")


def test_outside_ci_it_skips_with_the_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("K8S_TUTORIALS_NO_REAL_NODES", raising=False)
    with pytest.raises(pytest.skip.Exception, match="no real nodes: the binaries are not built"):
        unavailable("the binaries are not built")


def test_a_ci_job_that_declares_why_skips_with_both_reasons(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    monkeypatch.setenv("K8S_TUTORIALS_NO_REAL_NODES", "no CAP_NET_ADMIN here")
    with pytest.raises(pytest.skip.Exception, match=r"no real nodes in this job \(no CAP_NET_ADMIN here\): the binaries"):
        unavailable("the binaries are not built")


def test_an_empty_declaration_is_no_declaration(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    monkeypatch.setenv("K8S_TUTORIALS_NO_REAL_NODES", "  ")
    with pytest.raises(pytest.fail.Exception):
        unavailable("the binaries are not built")
