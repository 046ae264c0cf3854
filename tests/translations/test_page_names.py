"""`--diff` and `--check` take a page the way status prints it, a unique file name, with or without .md."""

from __future__ import annotations

import pytest

from tests.translations.fixture_repo import DRIFT_EN, DRIFT_JA, MakeRepo, Repo

SIMPLE_JA = "---\ntitle: 索引\nweight: 1\n---\n\n# 索引\n\n本文です。\n"
SIMPLE_EN = "---\ntitle: Index\nweight: 1\ntranslation:\n  source_blob: {blob}\n---\n\n# Index\n\nThe text.\n"


@pytest.fixture
def site(make_repo: MakeRepo) -> Repo:
    """Two index pages (ambiguous by name), a good page, and a page whose translation lost a paragraph."""
    broken = DRIFT_EN.replace("First, create a Deployment.\n\n", "")
    return make_repo(
        {
            "tutorials/a/index.md": (SIMPLE_JA, SIMPLE_EN),
            "tutorials/b/index.md": (SIMPLE_JA, SIMPLE_EN),
            "tutorials/services/source-ip.md": (DRIFT_JA, DRIFT_EN),
            "tutorials/lb/drifted.md": (DRIFT_JA, broken),
        }
    )


@pytest.mark.parametrize(
    "name",
    [
        "tutorials/services/source-ip.md",
        "tutorials/services/source-ip",
        "source-ip.md",
        "source-ip",
        "services/source-ip",
        "docs_src/ja/tutorials/services/source-ip.md",
        "docs/en/tutorials/services/source-ip.md",
    ],
)
def test_every_spelling_of_a_page_names_it(site: Repo, capsys, name: str) -> None:
    code, out = site.cli(name, capsys=capsys)
    assert code == 0, out
    assert "tutorials/services/source-ip.md  current" in out
    code, out = site.cli("--check", name, capsys=capsys)
    assert code == 0 and out.strip() == "translations (en): 1 page current, no findings", out
    code, out = site.cli("--diff", name, capsys=capsys)
    assert code == 0 and "docs/en/tutorials/services/source-ip.md is current" in out


def test_check_of_one_page_checks_only_that_page(site: Repo, capsys) -> None:
    code, out = site.cli("--check", "source-ip.md", capsys=capsys)
    assert code == 0, out
    assert "drifted" not in out
    code, out = site.cli("--check", "drifted", capsys=capsys)
    assert code == 1
    assert "docs/en/tutorials/lb/drifted.md" in out and "source-ip" not in out


def test_an_ambiguous_name_lists_the_candidates(site: Repo, capsys) -> None:
    for argv in (["--diff", "index.md"], ["--check", "index"]):
        code, out = site.cli(*argv, capsys=capsys)
        assert code == 2
        assert out.strip() == (
            "error: index.md: more than one page has that name: tutorials/a/index.md, tutorials/b/index.md"
            if argv[0] == "--diff"
            else "error: index: more than one page has that name: tutorials/a/index.md, tutorials/b/index.md"
        )


def test_an_unknown_name_is_one_line_with_suggestions(site: Repo, capsys) -> None:
    code, out = site.cli("--diff", "source-ipp.md", capsys=capsys)
    assert code == 2
    assert out.strip() == (
        "error: source-ipp.md: no such Japanese page under docs_src/ja/ "
        "(did you mean tutorials/services/source-ip.md?)"
    )
    code, out = site.cli("--check", "zzz", capsys=capsys)
    assert code == 2 and len(out.strip().splitlines()) == 1
    assert "no such Japanese page" in out and "tutorials/a/index.md" in out
