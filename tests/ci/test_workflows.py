"""The repository's GitHub workflows: what triggers them and what they may do.

The publishing workflow runs on pushes to main only, builds with the README's command at the URL the
Pages configuration gives, and deploys with GitHub's own Pages actions; only its deploy job may write,
and only to Pages. The pull-request workflow runs on `pull_request` only (never
`pull_request_target`, which would run a contributor's code with the base repository's rights), reads
contents and nothing else, uses no secret, runs lint, the static tier against the base and the tests,
and keys its caches to the pull request.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / ".github" / "workflows"
PAGES = WORKFLOWS / "pages.yml"
PULL_REQUEST = WORKFLOWS / "pull-request.yml"


def _load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), path
    if True in data:  # YAML 1.1 reads the key `on` as a boolean
        data["on"] = data.pop(True)
    return data


def _steps(workflow: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def _runs(workflow: dict[str, Any]) -> str:
    return "\n".join(str(step.get("run", "")) for step in _steps(workflow))


def _uses(workflow: dict[str, Any]) -> list[str]:
    return [str(step["uses"]) for step in _steps(workflow) if "uses" in step]


def test_the_workflows_are_the_two_this_file_checks() -> None:
    assert sorted(p.name for p in WORKFLOWS.iterdir()) == sorted([PAGES.name, PULL_REQUEST.name])


@pytest.mark.parametrize("path", [PAGES, PULL_REQUEST], ids=lambda p: p.name)
def test_no_workflow_runs_a_pull_request_with_the_base_repositorys_rights(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    workflow = _load(path)
    assert "pull_request_target" not in workflow["on"] and "workflow_run" not in workflow["on"]
    assert not re.search(r"\bsecrets\.\w|github\.token", text), f"{path.name} uses a secret or the token"
    assert all(uses.startswith("actions/") for uses in _uses(workflow)), _uses(workflow)  # GitHub's own actions


def test_publishing_runs_on_pushes_to_main_and_only_deploy_may_write_to_pages() -> None:
    workflow = _load(PAGES)
    assert set(workflow["on"]) <= {"push", "workflow_dispatch"}
    assert workflow["on"]["push"] == {"branches": ["main"]}
    assert workflow["permissions"] == {}
    jobs = workflow["jobs"]
    assert jobs["build"]["permissions"] == {"contents": "read"}
    assert jobs["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert jobs["deploy"]["needs"] == "build" and jobs["deploy"]["environment"]["name"] == "github-pages"
    assert [u.split("@")[0] for u in _uses({"jobs": {"deploy": jobs["deploy"]}})] == ["actions/deploy-pages"]
    build = jobs["build"]["steps"]
    assert "actions/upload-pages-artifact" in [str(s.get("uses", "")).split("@")[0] for s in build]
    assert not any(str(u).startswith("actions/cache") for u in _uses(workflow)), "publishing restores no cache"


def test_publishing_builds_with_the_readmes_command_at_the_pages_url() -> None:
    workflow = _load(PAGES)
    steps = workflow["jobs"]["build"]["steps"]
    pages = next(s for s in steps if str(s.get("uses", "")).startswith("actions/configure-pages"))
    build = next(s for s in steps if "nox -s site" in str(s.get("run", "")))
    assert build["env"]["SITE_URL"] == "${{ steps." + pages["id"] + ".outputs.base_url }}"
    assert '--site-url "$SITE_URL/"' in build["run"]
    assert "python3 -m pip install nox && nox -s site" in (ROOT / "README.md").read_text(encoding="utf-8")
    upload = next(s for s in steps if str(s.get("uses", "")).startswith("actions/upload-pages-artifact"))
    assert upload["with"]["path"] == "site"


def test_pull_requests_are_checked_read_only() -> None:
    workflow = _load(PULL_REQUEST)
    assert list(workflow["on"]) == ["pull_request"]
    assert workflow["permissions"] == {"contents": "read"}
    assert all("permissions" not in job for job in workflow["jobs"].values()), "a job may not widen the permissions"
    for step in _steps(workflow):
        if str(step.get("uses", "")).startswith("actions/checkout"):
            assert step["with"]["persist-credentials"] is False


def test_pull_requests_run_lint_the_static_tier_against_the_base_and_the_tests() -> None:
    workflow = _load(PULL_REQUEST)
    runs = _runs(workflow)
    assert "nox -s lint" in runs
    static = next(s for s in _steps(workflow) if "--changed-since" in str(s.get("run", "")))
    assert static["env"]["BASE"] == "${{ github.event.pull_request.base.sha }}"
    assert 'nox -s verify -- --static --changed-since "$BASE"' in static["run"]
    assert '>> "$GITHUB_STEP_SUMMARY"' in static["run"]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    test_command = "python3 -m pip install nox && nox -s tests"
    assert test_command in readme and test_command in runs
    assert runs.index("nox -s cluster -- --kwok\n") < runs.index(test_command)


def test_pull_request_caches_are_keyed_to_the_pull_request() -> None:
    workflow = _load(PULL_REQUEST)
    caches = [s for s in _steps(workflow) if str(s.get("uses", "")).startswith("actions/cache")]
    assert caches
    for cache in caches:
        for key in (cache["with"]["key"], *str(cache["with"].get("restore-keys", "")).splitlines()):
            assert re.match(r"pr-\$\{\{ github\.event\.pull_request\.number \}\}-", key), key


def test_only_the_pull_request_container_may_go_without_real_nodes_and_it_says_why() -> None:
    workflow = _load(PULL_REQUEST)
    reason = workflow["jobs"]["checks"]["env"]["K8S_TUTORIALS_NO_REAL_NODES"]
    assert "CAP_NET_ADMIN" in reason
    assert "K8S_TUTORIALS_NO_REAL_NODES" not in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "K8S_TUTORIALS_NO_REAL_NODES" not in (ROOT / ".github" / "workflows" / "pages.yml").read_text(encoding="utf-8")


def test_ci_runs_the_pages_on_real_nodes_after_the_suite_and_always_stops_the_targets() -> None:
    run = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    suite = run.index("nox -s tests\n")
    pages = run.index("nox -s verify -- --context k8s-tutorials-nodes --at-least-recorded\n")
    assert suite < run.index("nox -s cluster -- --nodes\n") < pages
    last_trap = run[:pages].rindex("trap '")
    assert "--nodes --down" in run[last_trap:pages].splitlines()[0] and "--kwok --down" in run[last_trap:pages].splitlines()[0]
