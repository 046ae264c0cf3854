"""Sybil as the adapter that turns pages into pytest items checked by the static tier.

A page is parsed once, by the verifier (`verify.parsers.parse_text`); Sybil only cuts the parsed
page into examples, one per block, each evaluated by the static tier's checks. Sybil's own
``<!-- skip -->`` parser is not used: the verifier reads that directive from the page grammar
(both tiers need it), and a step it skips becomes a skipped item that shows the reason.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from unittest import SkipTest

from sybil import Document, Example, Region, Sybil

from verify.model import Page
from verify.parsers import Block, parse_text
from verify.static import StaticContext, check_block, failures, prefetch


class PageParser:
    """A Sybil parser yielding one region per block of a page, each evaluated by `evaluate`.

    :param root: the repository root (includes resolve relative to it).
    :param evaluate: checks one block of a page; returns a failure message or None.
    """

    def __init__(self, root: Path, evaluate: Callable[[Block, Page], str | None]) -> None:
        self.root = Path(root).resolve()
        self.evaluate = evaluate

    def __call__(self, document: Document) -> Iterator[Region]:
        parsed = parse_text(document.text, Path(document.path), self.root)
        page = parsed.page

        def evaluator(example: Example) -> str | None:
            block: Block = example.parsed
            if block.step is not None and block.step.directive.sybil_skip and not block.problems:
                raise SkipTest(block.step.directive.skip_reason or "skipped")
            return self.evaluate(block, page)

        for start, end, block in parsed.blocks:
            yield Region(start, end, parsed=block, evaluator=evaluator)


def page_sybil(root: Path, context: Callable[[], StaticContext]) -> Sybil:
    """A Sybil whose examples are a page's blocks; an example fails when a static check fails.

    :param root: the repository root (includes resolve relative to it).
    :param context: returns the shared `StaticContext` (called lazily, once per use).
    """
    prefetched: set[Path] = set()

    def evaluate(block: Block, page: Page) -> str | None:
        if page.path not in prefetched:
            # Before a page's first item runs: its kubectl and bash checks, all at once, in parallel.
            prefetched.add(page.path)
            prefetch(context(), [page])
        bad = failures(check_block(block, page, context()))
        return "\n".join(str(f) for f in bad) if bad else None

    return Sybil(parsers=[PageParser(root, evaluate)], patterns=["*.md"], name="static")
