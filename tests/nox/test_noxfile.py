"""The nox sessions: exit codes reach the shell unchanged, and a warm session installs nothing.

These run the real `nox` (the one a contributor installs with `pip install nox`) on the real
noxfile, so they use the shared environment `.nox/shared`, filling it first if needed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from site_tools.languages import REPO_ROOT

INSTALLERS = ("pip install", "uv pip install", "uv venv", "-m venv")


def _nox(*args: str) -> subprocess.CompletedProcess[str]:
    nox = shutil.which("nox")
    if nox is None:
        message = "`nox` is not on PATH (python3 -m pip install nox): the sessions are not tested"
        if os.environ.get("CI"):
            pytest.fail(f"CI is set, so this must run, but: {message}", pytrace=False)
        pytest.skip(message)
    env = {k: v for k, v in os.environ.items() if k not in ("NOX_CURRENT_SESSION", "VIRTUAL_ENV")}
    return subprocess.run(
        [nox, "--noxfile", str(REPO_ROOT / "noxfile.py"), *args],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=900, check=False,
    )


@pytest.mark.parametrize(
    ("session", "args"),
    [("translations", ["--no-such-option"]), ("verify", ["--static", "--no-such-option"])],
)
def test_usage_error_exits_2_through_nox(session: str, args: list[str]) -> None:
    """nox reports any failed command as 1; the sessions hand on the command's own code."""
    result = _nox("-s", session, "--", *args)
    output = result.stdout + result.stderr
    assert result.returncode == 2, output
    assert "exited 2" in output


def test_success_exits_0_and_a_warm_session_installs_nothing() -> None:
    _nox("-s", "translations", "--", "--help")  # fills the shared environment if it is new or stale
    result = _nox("-s", "translations", "--", "--help")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "usage: python -m translations" in output
    assert not [line for line in output.splitlines() if any(word in line for word in INSTALLERS)], output


def test_the_environments_own_nox_and_the_contributors_nox_agree_on_the_stamp() -> None:
    """Inside `nox -s tests` the `nox` on PATH is the shared environment's. Its stamp once named its own
    interpreter, so the contributor's nox found the environment stale and refilled it after every test run."""
    _nox("-s", "translations", "--", "--help")  # the nox on PATH writes the stamp if it refills
    base_python = getattr(sys, "_base_executable", sys.executable)
    wanted = subprocess.run(
        [base_python, "-c", "import sys; sys.path.insert(0, sys.argv[1]); import noxfile; print(noxfile._wanted_stamp(), end='')",
         str(REPO_ROOT)],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=60, check=False,
    )
    if wanted.returncode != 0 and "No module named 'nox'" in wanted.stderr:
        pytest.skip(f"the base interpreter {base_python} has no nox to compare with")
    assert wanted.returncode == 0, wanted.stderr
    assert (REPO_ROOT / ".nox/shared/.k8s-tutorials-installed").read_text(encoding="utf-8") == wanted.stdout


def test_the_dependencies_are_installed_compiled() -> None:
    """With PYTHONDONTWRITEBYTECODE set nothing is cached at import: without bytecode from the install,
    each process (a language build, a verifier run) compiles MkDocs and the rest again."""
    _nox("-s", "translations", "--", "--help")
    site_packages = REPO_ROOT / ".nox/shared/lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" / "site-packages"
    for package in ("mkdocs", "material", "sybil", "kubernetes"):
        assert list((site_packages / package / "__pycache__").glob("__init__.*.pyc")), package


def test_the_lint_session_is_listed() -> None:
    """`.ci/run` runs `nox -s lint`; a renamed or dropped session would fail CI only at its end."""
    result = _nox("--list")
    assert result.returncode == 0, result.stdout + result.stderr
    assert any(line.split()[1:2] == ["lint"] for line in result.stdout.splitlines() if line.strip()), result.stdout


def test_verify_sends_an_option_value_to_the_live_tier_not_to_the_static_tier_as_a_page(tmp_path: Path) -> None:
    """`nox -s verify -- --junit live.xml PAGE` once sent an existing live.xml to the static tier as a page."""
    junit = tmp_path / "live.xml"
    junit.write_text("<testsuites/>", encoding="utf-8")  # exists, as it does on the second run
    report = tmp_path / "report.json"
    page = "docs_src/ja/tutorials/security/apparmor.md"
    result = _nox("-s", "verify", "--", "--junit", str(junit), "--report", str(report),
                  "--kubeconfig", str(tmp_path / "absent"), page)
    output = result.stdout + result.stderr
    assert result.returncode == 2, output  # the static tier passed; the live tier has no kubeconfig
    assert json.loads(report.read_text(encoding="utf-8"))["tiers"]["static"]["pages"] == [page]


def test_the_tests_session_spreads_the_suite_over_workers_unless_told_otherwise() -> None:
    parallel = _nox("-s", "tests", "--", "tests/atomic_files")
    assert parallel.returncode == 0, parallel.stdout + parallel.stderr
    assert "workers [" in parallel.stdout, parallel.stdout

    serial = _nox("-s", "tests", "--", "-n", "0", "tests/atomic_files")
    assert serial.returncode == 0, serial.stdout + serial.stderr
    assert "workers [" not in serial.stdout, serial.stdout


def test_ruff_lints_every_python_file_of_the_project_and_no_build_output() -> None:
    """An exclude pattern that names a folder anywhere (`site`) once hid tests/site from the linter."""
    import sys

    listed = subprocess.run([sys.executable, "-m", "ruff", "check", "--show-files", "."], cwd=REPO_ROOT,
                            capture_output=True, text=True, timeout=120, check=False)
    assert listed.returncode == 0, listed.stderr
    files = {Path(line.strip()).resolve() for line in listed.stdout.splitlines() if line.strip().endswith(".py")}
    tracked = subprocess.run(["git", "ls-files", "*.py"], cwd=REPO_ROOT, capture_output=True, text=True, check=True)
    expected = {(REPO_ROOT / name).resolve() for name in tracked.stdout.split()}
    assert expected - files == set(), "not linted"
    assert not [f for f in files if f.is_relative_to(REPO_ROOT / "site") or "node_modules" in f.parts]
