"""An English page whose Japanese source changed shows a banner in the built site."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.project_copy import copy_project

#: Builds sites in copies of the project (tests/project_copy.py): one worker runs these, one after another.
pytestmark = pytest.mark.xdist_group("site-copies")

PAGE = "tutorials/services/source-ip"
# The Japanese change is dated in the past, so that the banner's date cannot be mistaken for today.
PAST = "2024-03-05T12:00:00+00:00"
# The packages as well: the build in the copy must import this tree's code, not the installed project's.
COPIED = ["mkdocs.yml", "mkdocs.en.yml", "docs", "docs_src", "manifests", "verification", "package.json", "package-lock.json",
          "atomic_files", "languages", "pagegrammar", "site_tools", "translations", "verify"]


def git(root: Path, *args: str, env: dict[str, str] | None = None) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
        cwd=root, check=True, capture_output=True, text=True, env=env,
    ).stdout


@pytest.fixture(scope="module")
def english_site_with_one_outdated_page(tmp_path_factory) -> tuple[Path, str]:
    """A copy of the project whose Japanese Source IP page changed after its translation; English build only."""
    repo = tmp_path_factory.mktemp("repo")
    copy_project(repo, COPIED)
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "copy")
    japanese = repo / "docs_src/ja" / f"{PAGE}.md"
    japanese.write_text(japanese.read_text(encoding="utf-8") + "\n追記した段落です。\n", encoding="utf-8")
    git(repo, "commit", "-qam", "change the Japanese page",
        env={**os.environ, "GIT_AUTHOR_DATE": PAST, "GIT_COMMITTER_DATE": PAST})
    changed_on = git(repo, "log", "-1", "--format=%cs").strip()
    out = repo / "out"
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-f", "mkdocs.en.yml", "-d", str(out)],
        cwd=repo, capture_output=True, text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"}, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return out, changed_on


def test_the_outdated_page_shows_the_banner_with_the_date_and_a_link(english_site_with_one_outdated_page) -> None:
    out, changed_on = english_site_with_one_outdated_page
    html = (out / PAGE / "index.html").read_text(encoding="utf-8")
    assert f"The Japanese source of this page changed on {changed_on}" in html
    assert "this translation may be out of date" in html
    assert 'href="../../../../tutorials/services/source-ip/"' in html


def test_a_current_page_shows_no_banner(english_site_with_one_outdated_page) -> None:
    out, _ = english_site_with_one_outdated_page
    html = (out / "tutorials/security/apparmor/index.html").read_text(encoding="utf-8")
    assert "this translation may be out of date" not in html


def test_the_status_page_lists_the_outdated_page(english_site_with_one_outdated_page) -> None:
    out, changed_on = english_site_with_one_outdated_page
    html = (out / "translation-status/index.html").read_text(encoding="utf-8")
    row = html[html.index("Using Source IP") :].split("</tr>")[0]
    assert "outdated" in row and changed_on in row
