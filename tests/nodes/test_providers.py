"""Cluster targets behind one interface: the command line offers each provider, nox only dispatches."""

from __future__ import annotations

import subprocess
import sys

import pytest

from cluster import build, providers
from cluster.__main__ import main
from tests.nodes.conftest import ROOT, cluster_command


def test_every_provider_is_a_flag_of_the_command_line() -> None:
    shown = cluster_command("--help", timeout=60).stdout
    for name, make in providers.PROVIDERS.items():
        assert f"--{name}" in shown
        target = make("")
        assert target.name == name
        assert target.summary.split()[0] in shown


def test_capabilities_are_named_like_the_pages_needs() -> None:
    from verify.needs import NEEDS

    for make in providers.PROVIDERS.values():
        assert {c.value for c in make("").capabilities} <= set(NEEDS)
    assert providers.PROVIDERS["nodes"]("").capabilities == frozenset(providers.Capability)


def test_a_users_own_cluster_is_never_started_or_stopped(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["up", "--existing", "someone-elses"]) == 2
    assert "is not started from here" in capsys.readouterr().err
    assert main(["--existing", "someone-elses", "--down"]) == 2
    assert "is never stopped from here" in capsys.readouterr().err


def test_build_is_part_of_the_interface_and_says_what_it_built(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", "--existing", "someone-elses"]) == 2
    assert "is not built here" in capsys.readouterr().err
    if build.cached() is None:
        pytest.skip("the control plane's binaries are not built: `build --kwok` would take about 20 minutes here")
    assert main(["build", "--kwok"]) == 0
    assert capsys.readouterr().out == f"control plane binaries: {build.cached()}\n"


def test_status_of_a_context_that_does_not_answer_is_not_running(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["status", "--existing", "no-such-context-here"]) == 1
    assert capsys.readouterr().out.startswith("not running")


def test_an_action_and_a_contradicting_flag_are_refused() -> None:
    done = cluster_command("up", "--nodes", "--down", timeout=60)
    assert done.returncode == 2 and "both 'up' and --down given" in done.stderr


def test_nox_dispatches_to_the_command_line_and_keeps_kind_as_its_default() -> None:
    listed = subprocess.run([sys.executable, "-m", "nox", "-l"], cwd=ROOT, capture_output=True, text=True, timeout=120,
                            check=False)
    assert "cluster" in listed.stdout
    source = (ROOT / "noxfile.py").read_text(encoding="utf-8")
    body = source.split("def cluster(", 1)[1].split("\n@nox.session", 1)[0]
    assert "kind create" not in body and "subprocess" not in body
    assert '_python(session, "-m", "cluster", *args)' in body
