"""A heading's id is the same in every language, so a link into a section survives translation.

The id is the Japanese heading's anchor (its readable slug, `#serviceを公開する`, or an explicit
`{#id}`); a translated heading carries it as `{#id}`. `--check` reports a translated heading whose
id differs; `ids` writes the source's ids into the translation and repoints the links that used
the old ones.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.translations.fixture_repo import DRIFT_EN, DRIFT_JA, MakeRepo, Repo
from translations import headings, structure

ROOT = Path(__file__).resolve().parents[2]
PAGE = "tutorials/lb/example.md"
OTHER = "tutorials/lb/other.md"
JA, EN = f"docs_src/ja/{PAGE}", f"docs/en/{PAGE}"
OTHER_JA = ("---\ntitle: 別のページ\nweight: 20\n---\n\n# 別のページ\n\n"
            "[Serviceの公開](example.md#serviceを公開する)を先に読んでください。\n")
OTHER_EN = ("---\ntitle: Another page\nweight: 20\ntranslation:\n  source_blob: {blob}\n---\n\n# Another page\n\n"
            "Read [Exposing the Service](example.md#expose-the-service) first.\n")


def without_ids(text: str) -> str:
    for anchor in ("始める前に", "deploymentを作成する", "serviceを公開する", "クリーンアップ"):
        text = text.replace(f" {{#{anchor}}}", "")
    return text


@pytest.fixture
def repo(make_repo: MakeRepo) -> Repo:
    """English headings without ids (their anchors are English slugs) and a link from another page into one."""
    en = without_ids(DRIFT_EN).replace("Once the load balancer is ready",
                                       "As in [Create a Deployment](#create-a-deployment), once the load balancer is ready")
    ja = DRIFT_JA.replace("ロードバランサーの準備ができたら",
                          "[Deploymentを作成する](#deploymentを作成する)と同様に、ロードバランサーの準備ができたら")
    return make_repo({PAGE: (ja, en), OTHER: (OTHER_JA, OTHER_EN)})


def test_a_translated_heading_without_the_sources_id_is_reported(repo: Repo, capsys) -> None:
    code, out = repo.cli("--check", PAGE, capsys=capsys)
    assert code == 1
    ja_line = repo.line_of(repo.ja(PAGE), "## Serviceを公開する")
    en_line = repo.line_of(repo.en(PAGE), "## Expose the Service")
    assert (f"{JA}:{ja_line} <-> {EN}:{en_line}: heading '## Expose the Service' has the id 'expose-the-service', its source "
            "'## Serviceを公開する' has 'serviceを公開する': a link into the section would differ by language; "
            f"write '## Expose the Service {{#serviceを公開する}}' (nox -s translations -- ids {EN})") in out


def test_ids_writes_the_sources_ids_and_repoints_the_links(repo: Repo, capsys) -> None:
    code, out = repo.cli("ids", capsys=capsys)
    assert code == 0, out
    text = repo.en(PAGE).read_text(encoding="utf-8")
    assert "## Expose the Service {#serviceを公開する}\n" in text
    assert "## Before you begin {#始める前に}\n" in text
    assert "# Load balancer example\n" in text  # the page title keeps no id: a link to it names the page
    assert "[Create a Deployment](#deploymentを作成する)" in text
    assert "[Exposing the Service](example.md#serviceを公開する)" in repo.en(OTHER).read_text(encoding="utf-8")
    assert f"docs/en/{PAGE}: 4 heading ids, 1 link" in out
    code, out = repo.cli("--check", capsys=capsys)
    assert code == 0, out
    code, out = repo.cli("ids", capsys=capsys)
    assert code == 0 and "every heading already has its source's id" in out


def test_an_explicit_japanese_id_is_the_one_to_keep(make_repo: MakeRepo, capsys) -> None:
    ja = DRIFT_JA.replace("## Serviceを公開する", "## Serviceを公開する {#expose}")
    repo = make_repo({PAGE: (ja, DRIFT_EN)})
    code, out = repo.cli("--check", capsys=capsys)
    assert code == 1 and "its source '## Serviceを公開する' has 'expose'" in out
    assert repo.cli("ids", capsys=capsys)[0] == 0
    assert "## Expose the Service {#expose}\n" in repo.en(PAGE).read_text(encoding="utf-8")


def test_ids_are_what_the_site_build_makes() -> None:
    """The ids come from the toc slugify that mkdocs.yml configures (Python-Markdown's toc with pymdownx's slugify)."""
    config = yaml.unsafe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))  # our own config: its !!python tags
    toc = next(e["toc"] for e in config["markdown_extensions"] if isinstance(e, dict) and "toc" in e)
    page = structure.parse(ROOT / "docs_src/ja/tutorials/stateful-application/basic-stateful-set.md")
    found = headings.heading_ids(page.blocks)
    assert found, "no headings found"
    for block, anchor in found.items():
        if "{#" not in block.text:
            assert anchor == toc["slugify"](headings.heading_text(block), "-"), block.text
    assert "statefulsetを作成する" in found.values()
