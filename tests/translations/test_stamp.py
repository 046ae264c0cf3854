"""`stamp` records only a state that later commands can use, and says why and how to fix it when not."""

from __future__ import annotations

import pytest

from gitfacts import blob_id
from tests.translations.fixture_repo import DRIFT_EN, DRIFT_JA, MakeRepo, Repo

PAGE = "tutorials/lb/example.md"
CHANGED_JA = DRIFT_JA.replace("まず、Deploymentを作成します。", "まず、Deploymentを1つ作成します。")


def recorded(repo: Repo) -> str:
    text = repo.en(PAGE).read_text(encoding="utf-8")
    return text.split("source_blob: ")[1].split()[0]


def test_a_translated_page_is_stamped_and_then_current(drift_repo: Repo, capsys) -> None:
    drift_repo.write(drift_repo.ja(PAGE), CHANGED_JA)
    drift_repo.commit("Japanese change")
    source = drift_repo.en(PAGE).read_text(encoding="utf-8")
    drift_repo.write(drift_repo.en(PAGE), source.replace("create a Deployment.", "create one Deployment."))
    code, out = drift_repo.cli("stamp", "example", capsys=capsys)
    assert code == 0, out
    assert recorded(drift_repo) == blob_id(CHANGED_JA.encode())
    drift_repo.commit("translation")
    code, out = drift_repo.cli("--diff", "example", capsys=capsys)
    assert code == 0 and "is current" in out


def test_an_uncommitted_japanese_change_is_refused(drift_repo: Repo, capsys) -> None:
    before = drift_repo.en(PAGE).read_text(encoding="utf-8")
    drift_repo.write(drift_repo.ja(PAGE), CHANGED_JA)
    code, out = drift_repo.cli("stamp", PAGE, capsys=capsys)
    assert code == 2
    assert f"error: not stamped: docs_src/ja/{PAGE} has uncommitted changes" in out
    assert f"commit the Japanese page first (git commit docs_src/ja/{PAGE})" in out
    assert drift_repo.en(PAGE).read_text(encoding="utf-8") == before


def test_an_untracked_japanese_page_is_refused(make_repo: MakeRepo, capsys) -> None:
    repo = make_repo({"tutorials/other.md": (DRIFT_JA, DRIFT_EN)})
    repo.write(repo.ja(PAGE), DRIFT_JA)
    repo.write(repo.en(PAGE), DRIFT_EN.replace("  source_blob: {blob}\n", "").replace("translation:\n", ""))
    code, out = repo.cli("stamp", PAGE, capsys=capsys)
    assert code == 2
    assert f"docs_src/ja/{PAGE} is not committed (git does not track it yet)" in out
    assert f"git add docs_src/ja/{PAGE} && git commit" in out
    assert "source_blob" not in repo.en(PAGE).read_text(encoding="utf-8")


def test_a_missing_english_page_is_refused_without_a_traceback(make_repo: MakeRepo, capsys) -> None:
    repo = make_repo({PAGE: (DRIFT_JA, None)})
    code, out = repo.cli("stamp", PAGE, capsys=capsys)
    assert code == 2
    assert out.strip() == (
        f"error: not stamped: docs/en/{PAGE} does not exist, so there is nothing to stamp; "
        f"create it first (copy docs_src/ja/{PAGE} there and translate it), then stamp it"
    )
    assert not repo.en(PAGE).exists()


def test_a_stamp_that_only_silences_the_banner_is_refused(drift_repo: Repo, capsys) -> None:
    drift_repo.write(drift_repo.ja(PAGE), CHANGED_JA)
    drift_repo.commit("Japanese change")
    before = drift_repo.en(PAGE).read_text(encoding="utf-8")
    code, out = drift_repo.cli("stamp", PAGE, capsys=capsys)
    assert code == 2
    assert f"docs/en/{PAGE}: 1 changed place of docs_src/ja/{PAGE} since the last stamp is not followed" in out
    assert "the paragraph changed (1 sentence), its translation did not" in out
    assert f"nox -s translations -- --diff {PAGE}" in out and "--ack" in out
    assert drift_repo.en(PAGE).read_text(encoding="utf-8") == before


@pytest.mark.parametrize("argv", [["stamp"], ["--force", "example"], ["stamp", "--check", "example"], ["--no-such-option"]])
def test_usage_errors_exit_2(drift_repo: Repo, capsys, argv: list[str]) -> None:
    code, out = drift_repo.cli(*argv, capsys=capsys)
    assert code == 2
    assert out.startswith("error: ") and len(out.strip().splitlines()) == 1

