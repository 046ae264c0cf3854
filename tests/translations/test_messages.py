"""What the tools say: one summary line after --check, advice given once, suggestions that fit."""

from __future__ import annotations

import pytest

from tests.translations.fixture_repo import DRIFT_EN, DRIFT_JA, MakeRepo, Repo

PAGE = "tutorials/lb/example.md"


@pytest.fixture
def site(make_repo: MakeRepo) -> Repo:
    """A current page, an outdated one, a missing one, and one whose translation lost a paragraph."""
    return make_repo({
        "tutorials/services/source-ip.md": (DRIFT_JA, DRIFT_EN),
        "tutorials/lb/stale.md": (DRIFT_JA, DRIFT_EN.replace("{blob}", "ab" * 20)),
        "tutorials/lb/new.md": (DRIFT_JA, None),
        "tutorials/lb/drifted.md": (DRIFT_JA, DRIFT_EN.replace("First, create a Deployment.\n\n", "")),
    })


def test_check_ends_with_one_summary_line_and_no_status_table(site: Repo, capsys) -> None:
    code, out = site.cli("--check", capsys=capsys)
    assert code == 1
    lines = out.splitlines()
    assert "page" not in lines[0].split()  # no status table
    assert lines[-1] == "translations (en): 1 outdated, 1 missing, 1 finding"
    assert sum(" <-> " in line for line in lines) == 1


def test_check_of_good_pages_says_so_in_one_line(site: Repo, capsys) -> None:
    code, out = site.cli("--check", "source-ip", capsys=capsys)
    assert code == 0
    assert out.splitlines() == ["translations (en): 1 page current, no findings"]


def test_a_name_that_ends_a_page_suggests_that_page(site: Repo, capsys) -> None:
    code, out = site.cli("--check", "ip", capsys=capsys)
    assert code == 2
    assert out.strip() == "error: ip: no such Japanese page under docs_src/ja/ (did you mean tutorials/services/source-ip.md?)"


def test_a_refused_stamp_gives_each_piece_of_advice_once(make_repo: MakeRepo, capsys) -> None:
    repo = make_repo({PAGE: (DRIFT_JA, DRIFT_EN)})
    text = DRIFT_JA.replace("まず、Deploymentを作成します。", "まず、Deploymentを1つ作成します。")
    text = text.replace("作成したServiceとDeploymentを削除します。", "作ったServiceとDeploymentを削除します。")
    repo.write(repo.ja(PAGE), text)
    repo.commit("two changes")
    code, out = repo.cli("stamp", PAGE, capsys=capsys)
    assert code == 2
    assert out.count(" <-> ") == 2
    assert out.count("--reason") == 1 and out.count("--diff") == 1, out
    assert "--force" not in out
