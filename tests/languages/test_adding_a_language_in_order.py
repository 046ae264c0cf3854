"""Adding a language in CONTRIBUTING's order keeps the project's checks passing after every step.

A copy of the project gets the language Toy (code ``eo``, one MkDocs' theme knows) one documented
step at a time; after each, the English translation check passes, and once the language is in the
registry the site builds, with a Toy home page for the switcher to link to and the pages that home
page links to (the strict build refuses a link to a page the language lacks). A language
registered without its home page is refused by the build, naming the file, instead of linking to
a 404.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.project_copy import copy_project

#: Builds sites in copies of the project (tests/project_copy.py): one worker runs these, one after another.
pytestmark = pytest.mark.xdist_group("site-copies")

COPIED = ["mkdocs.yml", "mkdocs.en.yml", "docs", "docs_src", "manifests", "verification", "package.json",
          "package-lock.json", "pyproject.toml", "languages", "pagegrammar", "atomic_files", "site_tools",
          "translations", "verify"]
ENTRY = """
- code: eo
  name: Toy
  english_name: Toy
  source: false
  docs_dir: docs/eo
  config_file: mkdocs.eo.yml
  prefix: eo/
  hreflang: eo
  search_lang: en
  word_spaces: true
"""
CONFIG = """INHERIT: mkdocs.yml
site_name: Toy tutorials
site_url: https://k8s-tutorials.example.org/eo/
docs_dir: docs/eo
site_dir: site/eo
theme:
  language: eo
plugins:
  search:
    lang: en
    separator: '[\\s\\-]+'
extra:
  lang_name: Toy
"""


HOME = "index.md"
LINKED = ("tutorials/services/source-ip.md", "tutorials/security/apparmor.md",
          "tutorials/stateful-application/basic-stateful-set.md",
          "tutorials/stateless-application/guestbook-logs-metrics-with-elk.md")


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *args], cwd=root, check=True,
                          capture_output=True, text=True).stdout


def run(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    # The caller asserts on the exit code, with the output in the message.
    return subprocess.run([sys.executable, *args], cwd=root, capture_output=True, text=True, env=env, check=False)


def english_check_passes(repo: Path) -> None:
    proc = run(repo, "-m", "translations", "--check")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    copy_project(tmp_path, COPIED)
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "the project")
    english_check_passes(tmp_path)
    return tmp_path


def register(repo: Path) -> None:
    """The registry entry and the MkDocs config, one step: tests/languages/test_registry.py holds each to the other."""
    registry = repo / "languages/registry.yaml"
    registry.write_text(registry.read_text(encoding="utf-8") + ENTRY, encoding="utf-8")
    (repo / "mkdocs.eo.yml").write_text(CONFIG, encoding="utf-8")


def test_each_documented_step_keeps_the_checks_passing(repo: Path) -> None:
    # 1. the language's strings
    strings = (repo / "languages/strings/en.yaml").read_text(encoding="utf-8")
    (repo / "languages/strings/eo.yaml").write_text(strings, encoding="utf-8")
    english_check_passes(repo)
    # 2. its pages, translated: the home page (every page not translated yet links there) and the pages it
    #    links to (Toy's words are English ones)
    for page in (HOME, *LINKED):
        english = (repo / "docs/en" / page).read_text(encoding="utf-8")
        (repo / "docs/eo" / page).parent.mkdir(parents=True, exist_ok=True)
        (repo / "docs/eo" / page).write_text(re.sub(r"translation:\n  source_blob: \w+\n", "", english), encoding="utf-8")
    english_check_passes(repo)
    # 3. the registry entry with its MkDocs config: the glossary has no Toy terms yet
    register(repo)
    english_check_passes(repo)
    proc = run(repo, "-m", "translations", "--lang", "eo", "--check", "index.md")
    assert proc.returncode == 1
    assert ("docs/eo/index.md: never stamped; once it translates docs_src/ja/index.md: "
            "nox -s translations -- --lang eo stamp index.md") in proc.stdout, proc.stdout + proc.stderr
    assert re.search(r"docs/glossary.yml: \d+ terms have no 'eo' text yet", proc.stdout), proc.stdout
    proc = run(repo, "-m", "site_tools.build", "--out", str(repo / "site"))
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    untranslated = (repo / "site/translation-status/index.html").read_text(encoding="utf-8")
    assert 'href="../eo/"' in untranslated and (repo / "site/eo/index.html").is_file()
    # 4. the stamps of its pages
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "Toy")
    proc = run(repo, "-m", "translations", "--lang", "eo", "stamp", HOME, *LINKED)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    english_check_passes(repo)
    # 5. its text of each glossary term
    gloss = repo / "docs/glossary.yml"
    gloss.write_text(re.sub(r"(\{ja: [^,]+, en: ([^}]+))\}", r"\1, eo: \2}", gloss.read_text(encoding="utf-8")),
                     encoding="utf-8")
    english_check_passes(repo)
    proc = run(repo, "-m", "translations", "--lang", "eo", "--check", HOME, *LINKED)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_a_language_without_its_home_page_is_refused_by_the_build(repo: Path) -> None:
    (repo / "languages/strings/eo.yaml").write_text((repo / "languages/strings/en.yaml").read_text(encoding="utf-8"),
                                                    encoding="utf-8")
    register(repo)
    proc = run(repo, "-m", "mkdocs", "build", "-q", "-f", "mkdocs.yml", "-d", str(repo / "out"))
    assert proc.returncode != 0
    assert "docs/eo/index.md does not exist" in proc.stdout + proc.stderr
