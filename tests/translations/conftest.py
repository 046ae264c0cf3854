"""Fixtures for the translation workflow tests (helpers live in fixture_repo.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.translations.fixture_repo import DRIFT_EN, DRIFT_GLOSSARY, DRIFT_JA, PAST, MakeRepo, Repo, english, git


@pytest.fixture
def make_repo(tmp_path: Path) -> MakeRepo:
    """Build a repository: `pages` maps a page path to (Japanese text, English text or None).

    English texts may contain `{blob}`, replaced by the blob id of their Japanese text, so that
    they start out current. With `use_git=False` the files are written but no repository is made.
    """

    def build(pages: dict[str, tuple[str, str | None]], *, glossary: str = DRIFT_GLOSSARY, use_git: bool = True) -> Repo:
        repo = Repo(tmp_path / "repo")
        repo.write(repo.root / "docs/glossary.yml", glossary)
        for page, (ja_text, en_text) in pages.items():
            repo.write(repo.ja(page), ja_text)
            if en_text is not None:
                repo.write(repo.en(page), english(en_text, ja_text))
        if use_git:
            git(repo.root, "init", "-q")
            repo.commit("pages", date=PAST)
        return repo

    return build


@pytest.fixture
def drift_repo(make_repo: MakeRepo) -> Repo:
    """One faithful translation (tutorials/lb/example.md), committed."""
    return make_repo({"tutorials/lb/example.md": (DRIFT_JA, DRIFT_EN)})
