"""A stamp covers the Japanese change block by block: every changed place needs its English edit,
or an acknowledgement, with a reason, recorded in the English page's front matter.

"The English changed" is judged against the English page as it was committed with the previous
stamp, block by block and, inside a block, sentence by sentence: a Japanese change of two sentences
whose English update covers one is refused.
"""

from __future__ import annotations

import yaml

from gitfacts import blob_id
from tests.translations.fixture_repo import Repo

PAGE = "tutorials/lb/example.md"
JA, EN = f"docs_src/ja/{PAGE}", f"docs/en/{PAGE}"
FIRST_JA, FIRST_EN = "まず、Deploymentを作成します。", "First, create a Deployment."
CLEANUP_JA, CLEANUP_EN = "作成したServiceとDeploymentを削除します。", "Delete the Service and the Deployment you created."
EXPOSE_JA = "Deploymentをロードバランサー経由で公開します。外部IPが割り当てられるまで待ちます。"
EXPOSE_EN = "Expose the Deployment through a load balancer. Wait until an external IP is assigned."


def edit(repo: Repo, path_of, *replacements: tuple[str, str]) -> None:
    path = path_of(PAGE)
    text = path.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")


def change_japanese(repo: Repo, *replacements: tuple[str, str]) -> None:
    edit(repo, repo.ja, *replacements)
    repo.commit("change the Japanese page")


def translation(repo: Repo) -> dict:
    text = repo.en(PAGE).read_text(encoding="utf-8")
    return yaml.safe_load(text.split("---\n")[1])["translation"]


ONE_DEPLOYMENT = (FIRST_JA, "まず、Deploymentを1つ作成します。")
ALL_OF_THEM = (CLEANUP_JA, "作成したServiceとDeploymentをすべて削除します。")
SYNONYM = (CLEANUP_JA, "作ったServiceとDeploymentを削除します。")


def test_every_changed_block_translated_is_stamped(drift_repo: Repo, capsys) -> None:
    change_japanese(drift_repo, ONE_DEPLOYMENT, ALL_OF_THEM)
    edit(drift_repo, drift_repo.en, (FIRST_EN, "First, create one Deployment."),
         (CLEANUP_EN, "Delete all of the Service and the Deployment you created."))
    code, out = drift_repo.cli("stamp", PAGE, capsys=capsys)
    assert code == 0, out
    assert translation(drift_repo) == {"source_blob": blob_id(drift_repo.ja(PAGE).read_bytes())}


def test_a_changed_block_whose_english_did_not_change_is_refused_with_both_places(drift_repo: Repo, capsys) -> None:
    change_japanese(drift_repo, ONE_DEPLOYMENT, ALL_OF_THEM)
    edit(drift_repo, drift_repo.en, (FIRST_EN, "First, create one Deployment."))
    before = drift_repo.en(PAGE).read_text(encoding="utf-8")
    code, out = drift_repo.cli("stamp", PAGE, capsys=capsys)
    assert code == 2
    ja_line = drift_repo.line_of(drift_repo.ja(PAGE), "作成したServiceとDeploymentを")
    en_line = drift_repo.line_of(drift_repo.en(PAGE), CLEANUP_EN)
    assert f"{JA}:{ja_line} <-> {EN}:{en_line}: the paragraph changed (1 sentence), its translation did not" in out
    assert "まず" not in out  # the translated place is not listed
    assert f"stamp {PAGE} --ack {ja_line} --reason" in out
    assert drift_repo.en(PAGE).read_text(encoding="utf-8") == before


def test_two_changed_sentences_need_more_than_one_english_sentence(drift_repo: Repo, capsys) -> None:
    change_japanese(drift_repo, (EXPOSE_JA, EXPOSE_JA.replace("経由で", "経由で外部に").replace("まで", "まで数分")))
    edit(drift_repo, drift_repo.en, (EXPOSE_EN, EXPOSE_EN.replace("Wait until", "Wait a few minutes until")))
    code, out = drift_repo.cli("stamp", PAGE, capsys=capsys)
    assert code == 2, out
    ja_line = drift_repo.line_of(drift_repo.ja(PAGE), "外部に公開します")
    assert f"{JA}:{ja_line} <-> {EN}:" in out
    assert "the paragraph changed 2 sentences, its translation only 1" in out
    edit(drift_repo, drift_repo.en, ("Expose the Deployment through", "Expose the Deployment outside the cluster through"))
    code, out = drift_repo.cli("stamp", PAGE, capsys=capsys)
    assert code == 0, out


def test_a_removed_block_needs_its_english_removed(drift_repo: Repo, capsys) -> None:
    change_japanese(drift_repo, (FIRST_JA + "\n\n", ""))
    code, out = drift_repo.cli("stamp", PAGE, capsys=capsys)
    assert code == 2 and "the paragraph «まず、Deploymentを作成します。» was removed, its translation is still there" in out
    edit(drift_repo, drift_repo.en, (FIRST_EN + "\n\n", ""))
    code, out = drift_repo.cli("stamp", PAGE, capsys=capsys)
    assert code == 0, out


def test_an_added_block_needs_its_translation(drift_repo: Repo, capsys) -> None:
    change_japanese(drift_repo, (CLEANUP_JA, CLEANUP_JA + "\n\n名前はwebです。"))
    code, out = drift_repo.cli("stamp", PAGE, capsys=capsys)
    assert code == 2 and "the paragraph «名前はwebです。» was added" in out, out
    edit(drift_repo, drift_repo.en, (CLEANUP_EN, CLEANUP_EN + "\n\nIts name is web."))
    code, out = drift_repo.cli("stamp", PAGE, capsys=capsys)
    assert code == 0, out


def test_an_acknowledged_place_is_stamped_and_recorded_with_its_reason(drift_repo: Repo, capsys) -> None:
    change_japanese(drift_repo, ONE_DEPLOYMENT, SYNONYM)
    edit(drift_repo, drift_repo.en, (FIRST_EN, "First, create one Deployment."))
    ja_line = drift_repo.line_of(drift_repo.ja(PAGE), "作ったServiceと")
    code, out = drift_repo.cli("stamp", PAGE, "--ack", str(ja_line), "--reason", "a synonym; the English already says created",
                               capsys=capsys)
    assert code == 0, out
    assert f"1 place acknowledged: {JA}:{ja_line}" in out
    assert translation(drift_repo) == {
        "source_blob": blob_id(drift_repo.ja(PAGE).read_bytes()),
        "acknowledged": [{"line": ja_line, "change": "~ 作[-成し-]{+っ+}たServiceとDeploymentを削除します。",
                          "reason": "a synonym; the English already says created"}],
    }
    drift_repo.commit("translation")
    # The next stamp records only its own acknowledgements.
    change_japanese(drift_repo, (FIRST_JA.replace("作成", "1つ作成"), "まず、Deploymentを2つ作成します。"))
    edit(drift_repo, drift_repo.en, ("create one Deployment", "create two Deployments"))
    code, out = drift_repo.cli("stamp", PAGE, capsys=capsys)
    assert code == 0, out
    assert "acknowledged" not in translation(drift_repo)


def test_an_acknowledgement_must_name_a_refused_place(drift_repo: Repo, capsys) -> None:
    change_japanese(drift_repo, SYNONYM)
    ja_line = drift_repo.line_of(drift_repo.ja(PAGE), "作ったServiceと")
    code, out = drift_repo.cli("stamp", PAGE, "--ack", "3", "--reason", "x", capsys=capsys)
    assert code == 2
    assert f"--ack 3: no change of {JA} that its translation lacks starts at line 3 (such places: {ja_line})" in out
    code, out = drift_repo.cli("stamp", PAGE, "--ack", str(ja_line), capsys=capsys)
    assert code == 2 and "--ack needs --reason" in out


def test_there_is_no_blanket_force(drift_repo: Repo, capsys) -> None:
    change_japanese(drift_repo, SYNONYM)
    code, out = drift_repo.cli("stamp", "--force", PAGE, capsys=capsys)
    assert code == 2 and "--force" in out
    assert translation(drift_repo)["source_blob"] != blob_id(drift_repo.ja(PAGE).read_bytes())
