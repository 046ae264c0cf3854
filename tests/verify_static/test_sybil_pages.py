"""Pages are Sybil documents: each block is an example, and a broken block is a failing example
that names its file and line (this is what makes a broken page fail `nox -s tests`)."""

from __future__ import annotations

import functools
from pathlib import Path
from unittest import SkipTest

import pytest
from sybil.example import SybilFailure

from verify.static import StaticContext
from verify.static.sybil import page_sybil

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"


@pytest.fixture(scope="module")
def evaluate_all(fresh_context: StaticContext):
    return functools.partial(_evaluate, page_sybil(ROOT, lambda: fresh_context))


def _evaluate(sybil, page: Path) -> tuple[list[int], list[str], list[tuple[int, str]]]:
    """(lines that passed, failure messages, (line, reason) of those skipped) for every example of a page."""
    document = sybil.parse(page)
    passed, failed, skipped = [], [], []
    for example in document.examples():
        try:
            example.evaluate()
        except SybilFailure as failure:
            failed.append(str(failure))
        except SkipTest as skip:
            skipped.append((example.line, str(skip)))
        else:
            passed.append(example.line)
    return passed, failed, skipped


def test_every_block_of_the_good_page_is_an_example_that_passes(evaluate_all) -> None:
    passed, failed, skipped = evaluate_all(FIXTURES / "good" / "page.md")
    assert failed == []
    # a manifest, a command and an output block are examples that pass; the block after Sybil's own
    # <!-- skip: next --> is an example that is skipped, not evaluated
    assert {11, 22, 29} <= set(passed)
    assert [line for line, _ in skipped] == [94]


def test_sybil_skip_shows_its_reason(evaluate_all, tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text('---\ntitle: t\nweight: 1\n---\n\n<!-- skip: next "needs Elastic Cloud credentials" -->\n'
                    "```shell\nkubectl get pods\n```\n\n```shell\nkubectl get pods\n```\n", encoding="utf-8")
    passed, failed, skipped = evaluate_all(page)
    assert failed == [] and passed == [11]
    assert skipped == [(7, "needs Elastic Cloud credentials")]


@pytest.mark.parametrize(
    "page, where",
    [("old-header.md", "old-header.md:13: [output-header]"), ("unknown-option.md", "unknown-option.md:8: [directive]")],
)
def test_a_broken_block_is_a_failing_example_that_names_file_and_line(evaluate_all, page: str, where: str) -> None:
    _, failed, _ = evaluate_all(FIXTURES / "broken" / page)
    assert len(failed) == 1
    assert where in failed[0]
