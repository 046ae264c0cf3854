"""A Japanese change that says the same (spaces, blank lines, where a line wraps) asks nothing of anyone.

Moving a line break inside a Japanese sentence, adding a blank line between two blocks or trailing
spaces changes the file, not a word of the page (`pagegrammar.wording`).
"""

from __future__ import annotations

import pytest

from tests.translations.fixture_repo import DRIFT_JA, Repo

PAGE = "tutorials/lb/example.md"
SENTENCES = "Deploymentをロードバランサー経由で公開します。外部IPが割り当てられるまで待ちます。"

SAME_RENDERING = {
    "a line wrapped inside a sentence": (SENTENCES, SENTENCES.replace("外部IPが", "外部IPが\n")),
    "a line wrapped after a sentence": (SENTENCES, SENTENCES.replace("。外部", "。\n外部")),
    "trailing spaces": ("まず、Deploymentを作成します。\n", "まず、Deploymentを作成します。   \n"),
    "a second blank line between blocks": ("まず、Deploymentを作成します。\n\n", "まず、Deploymentを作成します。\n\n\n"),
    "a list item wrapped": ("* ロードバランサーを提供するクラスター\n", "* ロードバランサーを\n  提供するクラスター\n"),
}


def change_japanese(repo: Repo, old: str, new: str) -> None:
    text = repo.ja(PAGE).read_text(encoding="utf-8")
    assert old in text
    repo.write(repo.ja(PAGE), text.replace(old, new, 1))
    repo.commit("reformat the Japanese page")


@pytest.mark.parametrize("change", SAME_RENDERING)
def test_a_change_that_says_the_same_leaves_the_translation_current(drift_repo: Repo, capsys, change: str) -> None:
    change_japanese(drift_repo, *SAME_RENDERING[change])
    code, out = drift_repo.cli(capsys=capsys)
    assert code == 0 and f"{PAGE}  current" in out, out
    code, out = drift_repo.cli("--check", capsys=capsys)
    assert code == 0, out
    code, out = drift_repo.cli("--diff", PAGE, capsys=capsys)
    assert code == 0
    assert "is current" in out and "English:" not in out, out


def test_the_diff_of_a_real_change_leaves_out_a_rewrap_elsewhere(drift_repo: Repo, capsys) -> None:
    text = DRIFT_JA.replace(SENTENCES, "Deploymentをロードバランサー経由で公開します。外部IPが\n割り当てられるまで待ちます。")
    text = text.replace("作成したServiceとDeploymentを削除します。", "作成したServiceとDeploymentをすべて削除します。")
    drift_repo.write(drift_repo.ja(PAGE), text)
    drift_repo.commit("one real change, one rewrap")
    code, out = drift_repo.cli("--diff", PAGE, capsys=capsys)
    assert code == 0, out
    assert "~ 作成したServiceとDeploymentを{+すべて+}削除します。" in out
    assert "外部IP" not in out  # the rewrapped paragraph is not a change
    assert out.count("English:") == 1
