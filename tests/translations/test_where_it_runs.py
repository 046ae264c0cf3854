"""The tools find the project from wherever they are run, and take a page by any path to its files."""

from __future__ import annotations

import pytest

from tests.translations.fixture_repo import DRIFT_JA, Repo
from translations import cli

PAGE = "tutorials/lb/example.md"
CHANGED_JA = DRIFT_JA.replace("まず、Deploymentを作成します。", "まず、Deploymentを1つ作成します。")


def drop_a_paragraph(repo: Repo) -> None:
    path = repo.en(PAGE)
    path.write_text(path.read_text(encoding="utf-8").replace("First, create a Deployment.\n\n", ""), encoding="utf-8")


@pytest.mark.parametrize("folder", ["docs/en", "docs_src/ja/tutorials", "docs"])
def test_check_from_a_subfolder_checks_the_whole_project(drift_repo: Repo, capsys, monkeypatch, folder: str) -> None:
    drop_a_paragraph(drift_repo)
    monkeypatch.chdir(drift_repo.root / folder)
    code = cli.main(["--check"])  # no root given: found from the working directory
    out = capsys.readouterr().out
    assert code == 1, out
    assert f"docs/en/{PAGE}" in out and "has no counterpart in the translation" in out


def test_status_from_a_subfolder_lists_the_pages(drift_repo: Repo, capsys, monkeypatch) -> None:
    monkeypatch.chdir(drift_repo.root / "docs/en/tutorials")
    code = cli.main([])
    out = capsys.readouterr().out
    assert code == 0, out
    assert f"{PAGE}  current" in out


def test_outside_any_project_the_error_says_where_it_looked(tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(cli, "PROJECT_ROOT", tmp_path / "not-here")  # the tools' own checkout is not a project either
    code = cli.main(["--check"])
    out = capsys.readouterr()
    assert code == 2
    assert out.err.startswith(f"error: {tmp_path} is not inside the project")


@pytest.mark.parametrize("side", ["ja", "en"])
def test_stamp_and_diff_take_an_absolute_path_to_either_file(drift_repo: Repo, capsys, side: str) -> None:
    drift_repo.write(drift_repo.ja(PAGE), CHANGED_JA)
    drift_repo.commit("Japanese change")
    path = str(drift_repo.ja(PAGE) if side == "ja" else drift_repo.en(PAGE))
    code, out = drift_repo.cli("--diff", path, capsys=capsys)
    assert code == 0, out
    assert "まず、Deploymentを{+1+}{+つ+}作成します。" in out or "{+1つ+}" in out
    english = drift_repo.en(PAGE)
    english.write_text(english.read_text(encoding="utf-8").replace("create a Deployment.", "create one Deployment."),
                       encoding="utf-8")
    code, out = drift_repo.cli("stamp", path, capsys=capsys)
    assert code == 0, out
    assert f"docs/en/{PAGE}: now records source" in out


def test_a_path_relative_to_the_working_folder_names_the_page(drift_repo: Repo, capsys, monkeypatch) -> None:
    monkeypatch.chdir(drift_repo.root / "docs/en/tutorials")
    code = cli.main(["--check", "lb/example.md"])
    out = capsys.readouterr().out
    assert code == 0, out
