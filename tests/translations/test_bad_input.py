"""Bad input gets one clear line naming the file and line to fix, and never hides the other pages."""

from __future__ import annotations

import pytest

from languages import LANGUAGES, SOURCE_LANGUAGE
from tests.translations.fixture_repo import DRIFT_EN, DRIFT_JA, MakeRepo

GOOD = "tutorials/good.md"
BROKEN = "tutorials/broken.md"
STALE = "tutorials/stale.md"


@pytest.mark.parametrize(
    ("broken_line", "line"),
    [
        ("requires: [load-balancer", 4),  # an unclosed list: PyYAML only notices on the next line
        ('title: "Load balancer example', 2),  # an unclosed quote: PyYAML notices at the end of the front matter
        ("requires: [load-balancer]\n  exec: true", 5),  # a stray indented key: the error is on its own line
    ],
)
def test_a_broken_front_matter_is_that_pages_error_and_the_others_are_listed(
    make_repo: MakeRepo, capsys, broken_line: str, line: int
) -> None:
    original = "requires: [load-balancer]" if broken_line.startswith("requires") else "title: Load balancer example"
    repo = make_repo(
        {
            GOOD: (DRIFT_JA, DRIFT_EN),
            BROKEN: (DRIFT_JA, DRIFT_EN.replace(original, broken_line, 1)),
            STALE: (DRIFT_JA, DRIFT_EN.replace("{blob}", "ab" * 20)),
        }
    )
    code, out = repo.cli(capsys=capsys)
    assert code == 2
    assert "tutorials/good.md    current" in out
    assert "tutorials/stale.md   outdated" in out
    assert "tutorials/broken.md  error (see below)" in out
    assert f"error: docs/en/{BROKEN}:{line}: invalid YAML in front matter" in out
    assert str(repo.root) not in out  # paths are relative to the repository

    code, out = repo.cli("--check", capsys=capsys)
    assert code == 2
    assert f"docs/en/{STALE}: outdated" in out  # the other pages are still checked
    assert f"error: docs/en/{BROKEN}:{line}: invalid YAML in front matter" in out


def test_a_broken_japanese_page_does_not_stop_the_check(make_repo: MakeRepo, capsys) -> None:
    drifted = DRIFT_EN.replace("First, create a Deployment.\n\n", "")
    repo = make_repo({GOOD: (DRIFT_JA, drifted), BROKEN: (DRIFT_JA + "\n```shell\nkubectl get pods\n", DRIFT_EN)})
    code, out = repo.cli("--check", capsys=capsys)
    assert code == 2
    line = len(DRIFT_JA.split("\n")) + 1
    assert f"error: docs_src/ja/{BROKEN}:{line}: code fence ```shell is never closed" in out
    assert f"docs/en/{GOOD}" in out and "paragraph «まず、Deploymentを作成します。» has no counterpart" in out


def test_outside_git_status_says_it_cannot_date_changes(make_repo: MakeRepo, capsys) -> None:
    repo = make_repo({GOOD: (DRIFT_JA, DRIFT_EN), STALE: (DRIFT_JA, DRIFT_EN.replace("{blob}", "ab" * 20))}, use_git=False)
    code, out = repo.cli(capsys=capsys)
    assert code == 0
    assert "tutorials/stale.md  outdated (change date unknown)" in out
    assert f"note: cannot date changes: {repo.root} is not a git repository" in out


def test_outside_git_diff_says_it_needs_git(make_repo: MakeRepo, capsys) -> None:
    repo = make_repo({STALE: (DRIFT_JA, DRIFT_EN.replace("{blob}", "ab" * 20))}, use_git=False)
    code, out = repo.cli("--diff", "stale", capsys=capsys)
    assert code == 2
    assert out.startswith("error: --diff needs git:")
    assert "was the Japanese page committed" not in out


def test_an_unknown_language_names_the_known_ones(drift_repo, capsys) -> None:
    code, out = drift_repo.cli("--lang", "fr", capsys=capsys)
    assert code == 2
    assert len(out.strip().splitlines()) == 1
    assert "unknown language 'fr'" in out
    for language in LANGUAGES:
        assert language.code in out
    code, out = drift_repo.cli("--lang", SOURCE_LANGUAGE.code, capsys=capsys)
    assert code == 2 and "is the source language" in out


def test_a_broken_glossary_names_its_line(drift_repo, capsys) -> None:
    (drift_repo.root / "docs/glossary.yml").write_text("terms:\n  - {ja: ロードバランサー, en: load balancer\navoid: {}\n",
                                                       encoding="utf-8")
    code, out = drift_repo.cli("--check", capsys=capsys)
    assert code == 2
    assert "error: docs/glossary.yml:2: invalid YAML:" in out
