"""`npm ci` runs once when several processes need the site's JavaScript packages at the same moment.

`npm ci` starts by deleting node_modules, so two at once fail each other (ENOTEMPTY, or a finished
install that the other one empties again). This happened in CI between two site builds. The packages
here live in a temporary folder, and `npm` is a script that records when it runs: what is checked is the
turn-taking in `site_tools.node`, not npm itself.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from site_tools import node

#: Builds sites (or reads the shared node_modules): one worker runs all of these, one after another.
pytestmark = pytest.mark.xdist_group("site")

FAKE_NPM = """#!/bin/sh
echo start >> "{log}"
sleep 0.5
mkdir -p node_modules/mermaid/dist
echo '{{"version": "1.0.0"}}' > node_modules/mermaid/package.json
echo '// mermaid' > node_modules/mermaid/dist/mermaid.min.js
echo end >> "{log}"
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    lock = {"packages": {"node_modules/mermaid": {"version": "1.0.0"}}}
    (tmp_path / "package-lock.json").write_text(json.dumps(lock), encoding="utf-8")
    monkeypatch.setattr(node, "REPO_ROOT", tmp_path)
    monkeypatch.setattr(node, "LOCKFILE", tmp_path / "package-lock.json")
    monkeypatch.setattr(node, "NODE_MODULES", tmp_path / "node_modules")
    monkeypatch.setattr(node, "PACKAGES", {"mermaid": tmp_path / "node_modules/mermaid/dist/mermaid.min.js"})
    npm = tmp_path / "npm"
    npm.write_text(FAKE_NPM.format(log=tmp_path / "npm.log"), encoding="utf-8")
    npm.chmod(0o755)
    return tmp_path


def test_callers_at_the_same_moment_install_once(project: Path) -> None:
    errors: list[BaseException] = []

    def install() -> None:
        try:
            node.ensure_node_packages(str(project / "npm"))
        except BaseException as err:  # noqa: BLE001 - handed to the main thread, which fails the test with it
            errors.append(err)

    callers = [threading.Thread(target=install) for _ in range(3)]
    for caller in callers:
        caller.start()
    for caller in callers:
        caller.join(timeout=30)
    assert not errors
    assert (project / "npm.log").read_text(encoding="utf-8").split() == ["start", "end"]
    assert node.installed_version("mermaid") == "1.0.0"


def test_an_installed_tree_runs_no_npm(project: Path) -> None:
    node.ensure_node_packages(str(project / "npm"))
    node.ensure_node_packages(str(project / "npm"))
    assert (project / "npm.log").read_text(encoding="utf-8").split() == ["start", "end"]
