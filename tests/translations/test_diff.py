"""`--diff` shows which Japanese sentences changed, the changed words, and where the English stands."""

from __future__ import annotations

from tests.translations.fixture_repo import DRIFT_EN, DRIFT_JA, Repo
from translations.changes import sentence_diff, word_diff
from translations.text import sentences, words

PAGE = "tutorials/lb/example.md"
OLD = "Deploymentをロードバランサー経由で公開します。外部IPが割り当てられるまで待ちます。"


def change_japanese(repo: Repo, old: str, new: str) -> None:
    path = repo.ja(PAGE)
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    repo.commit("change the Japanese page")


def test_sentences_split_after_japanese_stops_and_line_breaks() -> None:
    assert sentences("一つ目です。二つ目ですか？三つ目！\n四つ目") == ["一つ目です。", "二つ目ですか？", "三つ目！", "四つ目"]


def test_words_are_latin_or_katakana_runs_and_single_kanji_or_kana() -> None:
    assert words("Podを5台のロードバランサーで配置します。") == [
        "Pod", "を", "5", "台", "の", "ロードバランサー", "で", "配", "置", "し", "ま", "す", "。"
    ]


def test_a_changed_word_is_marked_inside_its_sentence() -> None:
    assert word_diff("ノードは三台あります。", "ノードは五台あります。") == "ノードは[-三-]{+五+}台あります。"


def test_only_the_changed_sentence_of_a_paragraph_is_shown() -> None:
    old = "最初の文です。ノードは三台あります。最後の文です。"
    new = "最初の文です。ノードは五台あります。最後の文です。新しい文です。"
    assert sentence_diff(sentences(old), sentences(new)) == ["~ ノードは[-三-]{+五+}台あります。", "+ 新しい文です。"]


def test_diff_shows_changed_sentences_and_where_the_english_stands(drift_repo: Repo, capsys) -> None:
    change_japanese(drift_repo, OLD, "Deploymentをロードバランサー経由で公開します。外部IPが割り当てられるまで数分待ちます。")
    code, out = drift_repo.cli("--diff", PAGE, capsys=capsys)
    assert code == 0, out
    ja_line = drift_repo.line_of(drift_repo.ja(PAGE), "外部IPが割り当てられるまで")
    en_line = drift_repo.line_of(drift_repo.en(PAGE), "Expose the Deployment through a load balancer.")
    assert f"docs_src/ja/{PAGE}:{ja_line} (in '## Serviceを公開する')" in out
    assert f"  English: docs/en/{PAGE}:{en_line} (in '## Expose the Service')" in out
    assert "~ 外部IPが割り当てられるまで{+数分+}待ちます。" in out
    assert "Deploymentをロードバランサー経由で公開します。" not in out  # the unchanged sentence is not repeated


def test_an_added_paragraph_says_after_which_english_line_it_goes(drift_repo: Repo, capsys) -> None:
    change_japanese(drift_repo, "まず、Deploymentを作成します。\n", "まず、Deploymentを作成します。\n\n名前はwebです。\n")
    code, out = drift_repo.cli("--diff", "example", capsys=capsys)
    assert code == 0, out
    en_line = drift_repo.line_of(drift_repo.en(PAGE), "First, create a Deployment.")
    assert f"  English: after docs/en/{PAGE}:{en_line} (in '## Create a Deployment')" in out
    assert "+ 名前はwebです。" in out


def test_the_english_place_follows_the_translation_not_the_line_number(make_repo, capsys) -> None:
    """The English page has an extra line early on; the place must still be the translated paragraph."""
    en = DRIFT_EN.replace("This page exposes a Service through a load balancer.",
                          "This page exposes a Service\nthrough a load balancer.")
    repo = make_repo({PAGE: (DRIFT_JA, en)})
    change_japanese(repo, "作成したServiceとDeploymentを削除します。", "作成したServiceとDeploymentをすべて削除します。")
    code, out = repo.cli("--diff", PAGE, capsys=capsys)
    assert code == 0, out
    en_line = repo.line_of(repo.en(PAGE), "Delete the Service and the Deployment you created.")
    assert en_line != repo.line_of(repo.ja(PAGE), "作成したServiceとDeployment")
    assert f"  English: docs/en/{PAGE}:{en_line} (in '## Clean up')" in out
