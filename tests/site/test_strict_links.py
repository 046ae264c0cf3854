"""The strict site build (`nox -s site`, `python -m site_tools.build`) fails on a link that goes nowhere.

A link to a heading anchor that no longer exists (mkdocs.yml's `validation:`), and a Markdown link
the renderer did not recognise (it shows its brackets to the reader and goes nowhere), each stop
the build with the page named.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.project_copy import copy_project

#: Builds sites in copies of the project (tests/project_copy.py): one worker runs these, one after another.
pytestmark = pytest.mark.xdist_group("site-copies")

COPIED = ["mkdocs.yml", "mkdocs.en.yml", "docs", "docs_src", "manifests", "verification", "package.json",
          "package-lock.json", "languages", "pagegrammar", "atomic_files", "site_tools", "translations", "verify"]
STS = "tutorials/stateful-application/basic-stateful-set.md"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = tmp_path_factory.mktemp("links")
    copy_project(repo, COPIED)
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    return repo


def build(repo: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    # The caller asserts on the exit code, with the output in the message.
    return subprocess.run([sys.executable, "-m", "site_tools.build", "--serial", "--out", str(repo / "out")], cwd=repo,
                          capture_output=True, text=True, env=env, check=False)


def edited(repo: Path, page: Path, old: str, new: str):
    """Edit `page` for one build, then put it back."""
    original = page.read_text(encoding="utf-8")
    assert old in original, old
    page.write_text(original.replace(old, new, 1), encoding="utf-8")
    try:
        return build(repo)
    finally:
        page.write_text(original, encoding="utf-8")


def test_the_unchanged_pages_build(project: Path) -> None:
    proc = build(project)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]


def test_a_link_to_a_missing_anchor_fails_the_build(project: Path) -> None:
    proc = edited(project, project / "docs_src/ja" / STS, "(#statefulsetを作成する)", "(#statefulsetを作る)")
    assert proc.returncode != 0
    assert f"Doc file '{STS}' contains a link '#statefulsetを作る', but there is no such anchor on this page" \
        in proc.stdout + proc.stderr


@pytest.mark.parametrize(("where", "old", "new", "shown"), [
    ("docs_src/ja", "[スケールダウン](#スケールダウン)", "[スケールダウン](#スケールダウン", "[スケールダウン](#スケールダウン"),
    ("docs/en", "[Scaling down](#スケールダウン)", "[Scaling down] (#スケールダウン)", "[Scaling down] (#スケールダウン)"),
])
def test_a_malformed_markdown_link_fails_the_build(project: Path, where: str, old: str, new: str, shown: str) -> None:
    page = project / where / STS
    proc = edited(project, page, old, new)
    assert proc.returncode != 0
    output = proc.stdout + proc.stderr
    line = page.read_text(encoding="utf-8").split(old)[0].count("\n") + 1
    assert f"{where}/{STS}:{line}: a Markdown link that does not render as a link: «{shown}" in output, output[-3000:]
