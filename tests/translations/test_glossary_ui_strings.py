"""The words the site shows around the pages follow the glossary too: the Japanese UI strings and the
Japanese skip reasons that the verification marks print under a command."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from translations import glossary
from translations.text import mask_untranslated
from verify import load_page

ROOT = Path(__file__).resolve().parents[2]
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
PLACEHOLDER = re.compile(r"\{[a-z_]*\}")


@pytest.fixture(scope="module")
def terms() -> glossary.Glossary:
    return glossary.load(ROOT / "docs/glossary.yml")


def _strings(node: object, key: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        for name, value in node.items():
            yield from _strings(value, f"{key}.{name}" if key else str(name))
    elif isinstance(node, str):
        yield key, node


def _skip_reasons() -> Iterator[tuple[str, str]]:
    for path in sorted((ROOT / "docs_src/ja").rglob("*.md")):
        for step in load_page(path, ROOT).steps:
            for directive in (step.directive, step.output.directive if step.output else None):
                if directive is not None and directive.skip_reason and JAPANESE.search(directive.skip_reason):
                    yield str(step.location), directive.skip_reason


def _violations(terms: glossary.Glossary, where: str, text: str) -> list[str]:
    # A {placeholder} stands for a value (a date, a version, a number): a half-width word.
    prose = mask_untranslated(PLACEHOLDER.sub("0", text))
    return [f"{where}: write '{avoid.use}', not '{m.group(0)}'"
            for avoid in terms.avoid["ja"] for line in prose.splitlines() for m in avoid.pattern.finditer(line)]


def test_the_japanese_ui_strings_follow_the_glossary(terms: glossary.Glossary) -> None:
    data = yaml.safe_load((ROOT / "languages/strings/ja.yaml").read_text(encoding="utf-8"))
    found = [v for key, text in _strings(data) for v in _violations(terms, f"ja.yaml {key}", text)]
    assert found == []


def test_the_japanese_skip_reasons_follow_the_glossary(terms: glossary.Glossary) -> None:
    reasons = list(_skip_reasons())
    assert reasons, "no Japanese skip reason found: the test reads nothing"
    found = [v for where, text in reasons for v in _violations(terms, where, text)]
    assert found == []


@pytest.mark.parametrize(
    "written",
    [
        "このページは Kubernetes {version} を対象にしています。",
        "ノード名と名前空間によって行が変わるため",
        "403 Forbidden が返ったときだけ実行する手順",
    ],
)
def test_the_ui_string_check_catches_what_it_is_for(terms: glossary.Glossary, written: str) -> None:
    assert _violations(terms, "example", written)
