"""A toy third language, added the way a contributor would add one, reaches every per-language part.

A copy of the project gets the language Toy (code ``eo``: MkDocs' theme needs a language it knows)
by the documented steps only: an entry in ``languages/registry.yaml``, ``languages/strings/eo.yaml``,
its pages in ``docs/eo/``, its MkDocs config and its texts in ``docs/glossary.yml``.  No code
changes.  Then the translation tools list it, the glossary check covers it, and the site build
puts its pages under ``eo/`` with a three-language switcher and the verification words in Toy.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.project_copy import copy_project

#: Builds sites in copies of the project (tests/project_copy.py): one worker runs these, one after another.
pytestmark = pytest.mark.xdist_group("site-copies")

COPIED = ["mkdocs.yml", "mkdocs.en.yml", "docs", "docs_src", "manifests", "verification", "package.json",
          "package-lock.json", "pyproject.toml", "languages", "site_tools", "translations", "verify"]
PAGE = "tutorials/services/source-ip.md"
OUTDATED = "tutorials/security/apparmor.md"  # its Japanese page changes after the toy translation
MISSING = "tutorials/stateful-application/basic-stateful-set.md"
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
# Toy's own words for a few strings (the rest are English); each must show up where it belongs.
TOY_WORDS = {
    ("switcher", "not_translated"): "ne tradukita",
    ("translation_status", "state"): "{language} traduko",
    ("translation_status", "outdated"): "malaktuala",
    ("verification", "page", "label"): "Kontrolado",
    ("verification", "table", "page"): "Paĝo",
    ("verification", "marks", "where_cp"): "Rulita sur la kontrolebeno",
    ("verification", "marks", "where_cluster"): "Rulita sur veraj nodoj",
}
TOY_INDEX = ("---\ntitle: Toy home\ndescription: Toy\nweight: 0\nrequires: []\ntranslation:\n  source_blob: {blob}\n---\n\n"
             "# Toy home\n\nA toy language.\n")


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *args], cwd=root, check=True,
                          capture_output=True, text=True).stdout


def run(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    # The caller asserts on the exit code, with the output in the message.
    return subprocess.run([sys.executable, *args], cwd=root, capture_output=True, text=True, env=env, check=False)


def add_toy_language(repo: Path) -> None:
    """The contributor's steps (CONTRIBUTING.md, "Adding a language"), and nothing else."""
    registry = repo / "languages/registry.yaml"
    registry.write_text(registry.read_text(encoding="utf-8") + ENTRY, encoding="utf-8")
    words = yaml.safe_load((repo / "languages/strings/en.yaml").read_text(encoding="utf-8"))
    for keys, text in TOY_WORDS.items():
        node = words
        for key in keys[:-1]:
            node = node[key]
        node[keys[-1]] = text
    (repo / "languages/strings/eo.yaml").write_text(yaml.safe_dump(words, allow_unicode=True), encoding="utf-8")
    (repo / "mkdocs.eo.yml").write_text(CONFIG, encoding="utf-8")
    docs = repo / "docs/eo"
    (docs / "tutorials/services").mkdir(parents=True)
    (docs / "tutorials/security").mkdir(parents=True)
    found = re.search(r"source_blob: (\w+)", (repo / "docs/en/index.md").read_text(encoding="utf-8"))
    assert found, "docs/en/index.md has no source_blob"
    blob = found.group(1)
    (docs / "index.md").write_text(TOY_INDEX.format(blob=blob), encoding="utf-8")
    for page in (PAGE, OUTDATED, "verification-status.md", "translation-status.md"):
        shutil.copy2(repo / "docs/en" / page, docs / page)
    # A glossary term the toy page drops, and a spelling the glossary tells Toy to avoid.
    toy_page = docs / PAGE
    text = toy_page.read_text(encoding="utf-8")
    text = text.replace("explains what happens to the source IP", "explains what happens to the origin IP")
    toy_page.write_text(text + "\nThis works on k8s.\n", encoding="utf-8")
    gloss = repo / "docs/glossary.yml"
    text = gloss.read_text(encoding="utf-8")
    text = re.sub(r"(\{ja: [^,]+, en: ([^}]+))\}", r"\1, eo: \2}", text)
    gloss.write_text(text.replace("\n  en:\n", "\n  eo:\n    - {pattern: \"(?i)\\\\bk8s\\\\b\", use: Kubernetes}\n  en:\n"),
                     encoding="utf-8")


@pytest.fixture(scope="module")
def toy(tmp_path_factory) -> Path:
    repo = tmp_path_factory.mktemp("toy")
    copy_project(repo, COPIED)
    add_toy_language(repo)
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "a project with a toy third language")
    japanese = repo / "docs_src/ja" / OUTDATED
    japanese.write_text(japanese.read_text(encoding="utf-8") + "\n追記した段落です。\n", encoding="utf-8")
    git(repo, "commit", "-qam", "change a Japanese page")
    return repo


@pytest.fixture(scope="module")
def toy_site(toy: Path) -> Path:
    proc = run(toy, "-m", "site_tools.build", "--out", str(toy / "site"))
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    return toy / "site"


def test_the_copy_uses_its_own_registry(toy: Path) -> None:
    proc = run(toy, "-c", "import languages; print(languages.__file__, [l.code for l in languages.LANGUAGES])")
    assert proc.stdout.split() == [str(toy / "languages/__init__.py"), "['ja',", "'en',", "'eo']"], proc.stderr


def test_the_translation_status_lists_toy_page_by_page(toy: Path) -> None:
    proc = run(toy, "-m", "translations", "--lang", "eo")
    assert proc.returncode == 0, proc.stderr
    states = dict(line.split()[:2] for line in proc.stdout.splitlines()[2:])
    assert states["index.md"] == "current" and states[PAGE] == "current"  # stamped with the current source
    assert states[OUTDATED] == "outdated" and states[MISSING] == "missing"


def test_the_check_covers_toy_glossary_terms_and_spellings(toy: Path) -> None:
    proc = run(toy, "-m", "translations", "--lang", "eo", "--check", PAGE)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "never says 'source IP' (docs/glossary.yml)" in proc.stdout
    assert "docs/eo/tutorials/services/source-ip.md" in proc.stdout
    assert "write 'Kubernetes', not 'k8s' (docs/glossary.yml)" in proc.stdout


def test_every_language_is_checked_with_all_languages(toy: Path) -> None:
    proc = run(toy, "-m", "translations", "--all-languages", "--check", PAGE)
    assert "== en (English, docs/en) ==" in proc.stdout and "== eo (Toy, docs/eo) ==" in proc.stdout


def test_the_site_has_toy_pages_under_its_prefix(toy_site: Path) -> None:
    for page in ("index.html", "tutorials/services/source-ip/index.html", "verification-status/index.html"):
        assert (toy_site / "eo" / page).is_file(), page
    html = (toy_site / "eo/index.html").read_text(encoding="utf-8")
    assert '<html lang="eo"' in html


def test_the_switcher_lists_three_languages(toy_site: Path) -> None:
    html = (toy_site / "tutorials/services/source-ip/index.html").read_text(encoding="utf-8")
    assert re.findall(r'data-k8s-lang="([a-z]+)"', html) == ["ja", "en", "eo"]
    assert 'href="../../../eo/tutorials/services/source-ip/"' in html
    assert 'hreflang="eo" href="https://k8s-tutorials.example.org/eo/tutorials/services/source-ip/"' in html
    untranslated = (toy_site / MISSING.replace(".md", "/index.html")).read_text(encoding="utf-8")
    assert "Toy (ne tradukita)" in re.sub(r"\s+", " ", untranslated)


def test_verification_words_render_in_toy(toy_site: Path) -> None:
    page = (toy_site / "eo/tutorials/services/source-ip/index.html").read_text(encoding="utf-8")
    assert "Kontrolado" in page
    recorded = Path(__file__).resolve().parents[2] / "verification/tutorials/services/source-ip.json"
    record = json.loads(recorded.read_text(encoding="utf-8"))
    where = "Rulita sur la kontrolebeno" if record["target"]["kind"] == "control-plane" else "Rulita sur veraj nodoj"
    assert where in page  # the marks under the command blocks, in the words for the record's target
    status = (toy_site / "eo/verification-status/index.html").read_text(encoding="utf-8")
    assert "<th>Paĝo</th>" in status


def test_the_outdated_toy_page_shows_the_banner_in_toy(toy_site: Path) -> None:
    html = (toy_site / "eo" / OUTDATED.replace(".md", "/index.html")).read_text(encoding="utf-8")
    assert "this translation may be out of date" in html  # Toy kept the English banner words


def test_the_translation_status_page_has_a_column_per_translation(toy_site: Path) -> None:
    html = (toy_site / "eo/translation-status/index.html").read_text(encoding="utf-8")
    assert "<th>English traduko</th>" in html and "<th>Toy traduko</th>" in html
    assert "malaktuala" in html
    japanese = (toy_site / "translation-status/index.html").read_text(encoding="utf-8")
    assert "<th>英語版の状態</th>" in japanese and "<th>Toy版の状態</th>" in japanese


def test_the_sitemaps_include_toy(toy_site: Path) -> None:
    assert "https://k8s-tutorials.example.org/eo/" in (toy_site / "sitemap.xml").read_text(encoding="utf-8") + "".join(
        p.read_text(encoding="utf-8") for p in toy_site.glob("sitemap-*.xml"))
