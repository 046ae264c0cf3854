"""`--check` catches the prose drift a reviewer would reject, naming both files and lines."""

from __future__ import annotations

import re

import pytest

from tests.translations.fixture_repo import DRIFT_EN, DRIFT_JA, Repo

PAGE = "tutorials/lb/example.md"
JA = f"docs_src/ja/{PAGE}"
EN = f"docs/en/{PAGE}"


def drifted(repo: Repo, old: str, new: str) -> None:
    """Change the English page (its recorded source stays current)."""
    path = repo.en(PAGE)
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def check(repo: Repo, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    code, out = repo.cli("--check", capsys=capsys)
    return code, [line for line in out.splitlines() if " <-> " in line or ": write '" in line]


def at(repo: Repo, ja_text: str, en_text: str) -> str:
    """The location prefix of a finding: both files and lines."""
    return f"{JA}:{repo.line_of(repo.ja(PAGE), ja_text)} <-> {EN}:{repo.line_of(repo.en(PAGE), en_text)}: "


def test_a_faithful_translation_passes(drift_repo: Repo, capsys) -> None:
    code, out = drift_repo.cli("--check", capsys=capsys)
    assert code == 0, out
    assert out.splitlines() == ["translations (en): 1 page current, no findings"]


@pytest.mark.parametrize(
    ("first", "second", "ja_heading", "word"),
    [
        # Latin words: the section of 「Deploymentを作成する」 now stands under "Expose the Service"
        ("## Create a Deployment", "## Expose the Service", "## Deploymentを作成する", "'deployment'"),
        # a glossary term: the section of 「クリーンアップ」 now stands under "Expose the Service"
        ("## Clean up", "## Expose the Service", "## クリーンアップ", "'clean up'"),
    ],
)
def test_swapped_heading_texts_are_caught(drift_repo: Repo, capsys, first: str, second: str, ja_heading: str, word: str) -> None:
    drifted(drift_repo, first, "## @@")
    drifted(drift_repo, second, first)
    drifted(drift_repo, "## @@", second)
    code, found = check(drift_repo, capsys)
    assert code == 1
    expected = at(drift_repo, ja_heading, second)
    line = next(f for f in found if f.startswith(expected))
    assert f"does not mention {word}" in line and "were the headings swapped?" in line


def test_a_moved_section_is_caught(drift_repo: Repo, capsys) -> None:
    text = drift_repo.en(PAGE).read_text(encoding="utf-8")
    start, end = text.index("## Before you begin"), text.index("## Create a Deployment")
    section = text[start:end]
    moved = text[:start] + text[end:]
    moved = moved.replace("## Clean up", section + "## Clean up")
    drift_repo.en(PAGE).write_text(moved, encoding="utf-8")
    code, found = check(drift_repo, capsys)
    assert code == 1
    expected = at(drift_repo, "## 始める前に", "## Before you begin")
    assert any(f.startswith(expected) and "section moved: '## 始める前に'" in f for f in found), found


@pytest.mark.parametrize(
    ("removed", "kind", "ja_text"),
    [
        ("First, create a Deployment.\n\n", "paragraph", "まず、Deploymentを作成します。"),
        ("* Permission to create Pods\n", "list item", "* Podを作成する権限"),
        ("| NAT | Network address translation |\n", "table row", "| NAT |"),
        ('!!! note "Note"\n    Pulling the image can take a few minutes.\n\n', "admonition", '!!! note "備考"'),
    ],
)
def test_a_deleted_block_is_caught(drift_repo: Repo, capsys, removed: str, kind: str, ja_text: str) -> None:
    drifted(drift_repo, removed, "")
    code, found = check(drift_repo, capsys)
    assert code == 1
    ja_line = drift_repo.line_of(drift_repo.ja(PAGE), ja_text)
    hits = [f for f in found if f.startswith(f"{JA}:{ja_line} <-> {EN}:") and f"{kind} «" in f and "has no counterpart" in f]
    assert len(hits) == 1, found
    assert re.search(r"\d+ in its translation", hits[0])


def test_an_extra_list_item_is_caught(drift_repo: Repo, capsys) -> None:
    drifted(drift_repo, "* Permission to create Pods\n", "* Permission to create Pods\n* A second terminal\n")
    code, found = check(drift_repo, capsys)
    assert code == 1
    line = drift_repo.line_of(drift_repo.en(PAGE), "* A second terminal")
    expected = f"<-> {EN}:{line}: the translation has an extra list item"
    assert any(expected in f for f in found), found


@pytest.mark.parametrize(
    ("old", "new", "says"),
    [
        ("requires: [load-balancer]", "requires: []",
         "'requires' is [\"load-balancer\"] in the source but [] in the translation"),
        ("cluster_scoped: false", "cluster_scoped: true", "'cluster_scoped' is false in the source but true in the translation"),
        ("cluster_scoped: false\n", "", "'cluster_scoped: false' is missing from the translation"),
    ],
)
def test_front_matter_other_than_title_must_match(drift_repo: Repo, capsys, old: str, new: str, says: str) -> None:
    drifted(drift_repo, old, new)
    code, found = check(drift_repo, capsys)
    assert code == 1
    key = old.split(":")[0]
    ja_line = drift_repo.line_of(drift_repo.ja(PAGE), f"{key}:")
    assert any(f.startswith(f"{JA}:{ja_line} <-> {EN}:") and says in f for f in found), found


def test_a_different_title_is_fine(drift_repo: Repo, capsys) -> None:
    drifted(drift_repo, "title: Load balancer example", "title: An example with a load balancer")
    code, out = drift_repo.cli("--check", capsys=capsys)
    assert code == 0, out


def test_one_term_replaced_while_others_stay_is_caught(drift_repo: Repo, capsys) -> None:
    drifted(drift_repo, "Once the load balancer is ready", "Once the LB is ready")
    code, found = check(drift_repo, capsys)
    assert code == 1
    expected = at(drift_repo, "ロードバランサーの準備ができたら", "Once the LB is ready")
    assert any(f.startswith(expected) and "never says 'load balancer'" in f for f in found), found


def test_an_avoided_spelling_split_by_a_line_break_is_caught(drift_repo: Repo, capsys) -> None:
    drifted(drift_repo, "First, create a Deployment.", "First, create a Deployment on a master\nnode.")
    code, found = check(drift_repo, capsys)
    assert code == 1
    line = drift_repo.line_of(drift_repo.en(PAGE), "on a master")
    assert f"{EN}:{line}: write 'control plane node', not 'master node' (docs/glossary.yml)" in found, found


def test_a_term_split_by_a_line_break_counts(make_repo, capsys) -> None:
    ja = DRIFT_JA.replace("作成したServiceとDeploymentを削除します。",
                          "作成したServiceとDeploymentをコントロールプレーンから削除します。")
    en = DRIFT_EN.replace("Delete the Service and the Deployment you created.",
                          "Delete the Service and the Deployment you created\nfrom the control\nplane.")
    repo = make_repo({PAGE: (ja, en)})
    code, out = repo.cli("--check", capsys=capsys)
    assert code == 0, out


def test_a_japanese_term_split_by_a_line_break_is_found(make_repo, capsys) -> None:
    ja = DRIFT_JA.replace("作成したServiceとDeploymentを削除します。",
                          "作成したServiceとDeploymentをコントロール\nプレーンから削除します。")
    repo = make_repo({PAGE: (ja, DRIFT_EN)})
    code, out = repo.cli("--check", capsys=capsys)
    assert code == 1
    assert "uses 'コントロールプレーン', but its translation «Delete the Service" in out and "never says 'control plane'" in out
