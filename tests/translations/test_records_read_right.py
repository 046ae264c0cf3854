"""The translation record is read as written, whatever YAML would make of it, and the messages about
it name the right command: a blob id of digits only, an abbreviated one, a page never stamped."""

from __future__ import annotations

import pytest

from gitfacts import blob_id
from tests.translations.fixture_repo import DRIFT_EN, DRIFT_JA, MakeRepo

PAGE = "tutorials/lb/example.md"


@pytest.mark.parametrize("digits", ["1234567890" * 4, "0123456701234567012345670123456701234567"])
def test_a_blob_id_of_digits_only_is_read_as_written(make_repo: MakeRepo, capsys, digits: str) -> None:
    """YAML reads `source_blob: 1234…` as a decimal number and `0123…` as an octal one; the id is the text on the line."""
    repo = make_repo({PAGE: (DRIFT_JA, DRIFT_EN.replace("{blob}", digits))})
    code, out = repo.cli(capsys=capsys)
    assert code == 0 and f"{PAGE}  outdated" in out, out
    code, out = repo.cli("--check", capsys=capsys)
    assert code == 1 and "has no 'translation" not in out and f"docs/en/{PAGE}: outdated" in out, out


@pytest.mark.parametrize("length", [7, 12])
def test_an_abbreviated_blob_id_of_the_current_source_is_current(make_repo: MakeRepo, capsys, length: int) -> None:
    short = blob_id(DRIFT_JA.encode("utf-8"))[:length]
    repo = make_repo({PAGE: (DRIFT_JA, DRIFT_EN.replace("{blob}", short))})
    code, out = repo.cli("--check", capsys=capsys)
    assert code == 0, out


def test_an_abbreviated_blob_id_of_an_older_source_diffs_against_it(make_repo: MakeRepo, capsys) -> None:
    repo = make_repo({PAGE: (DRIFT_JA, DRIFT_EN)})
    short = blob_id(DRIFT_JA.encode("utf-8"))[:10]
    english = repo.en(PAGE).read_text(encoding="utf-8")
    repo.write(repo.en(PAGE), english.replace(blob_id(DRIFT_JA.encode("utf-8")), short))
    repo.write(repo.ja(PAGE), DRIFT_JA.replace("作成したServiceとDeploymentを削除します。",
                                               "作成したServiceとDeploymentをすべて削除します。"))
    repo.commit("change")
    code, out = repo.cli("--diff", PAGE, capsys=capsys)
    assert code == 0, out
    assert "~ 作成したServiceとDeploymentを{+すべて+}削除します。" in out


@pytest.mark.parametrize("written", ["zzz", "abc", "1234"])
def test_a_blob_id_that_is_no_blob_id_names_the_line(make_repo: MakeRepo, capsys, written: str) -> None:
    repo = make_repo({PAGE: (DRIFT_JA, DRIFT_EN.replace("{blob}", written))})
    code, out = repo.cli("--check", capsys=capsys)
    assert code == 2
    line = repo.line_of(repo.en(PAGE), "source_blob:")
    assert f"error: docs/en/{PAGE}:{line}: source_blob {written!r} is not a git blob id (40 hexadecimal digits" in out


def test_a_page_never_stamped_is_outdated_and_says_how_to_stamp_it(make_repo: MakeRepo, capsys) -> None:
    unstamped = DRIFT_EN.replace("translation:\n  source_blob: {blob}\n", "")
    repo = make_repo({PAGE: (DRIFT_JA, unstamped)})
    code, out = repo.cli(capsys=capsys)
    assert code == 0 and f"{PAGE}  outdated (never stamped)" in out, out
    code, out = repo.cli("--check", capsys=capsys)
    assert code == 1
    assert (f"docs/en/{PAGE}: never stamped; once it translates docs_src/ja/{PAGE}: "
            f"nox -s translations -- stamp {PAGE}") in out
