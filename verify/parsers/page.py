"""Assemble a Sybil `Document` into the page model: blocks, directives, outputs, includes.

`PageParser` is a Sybil parser. It yields one `Region` per block (fence or hidden block) and one
per stray directive comment, each carrying a `Block`: the step it belongs to and the structural
problems found there. The evaluator is supplied by the user (the static tier checks the step;
the default only fails on problems), so the same parse serves the CLI, pytest and the live tier.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sybil import Document, Example, Region

from verify.parsers.blocks import Block, ParsedPage
from verify.parsers.builder import parse_document

NAMESPACE_KEY = "verify_page"

__all__ = ["NAMESPACE_KEY", "Block", "PageParser", "ParsedPage", "parse_document", "problems_only"]


Evaluator = Callable[[Example], Any]


def problems_only(example: Example) -> str | None:
    """Default evaluator: a block fails when the parser found problems in it."""
    block: Block = example.parsed
    if block.problems:
        return "\n".join(str(p) for p in block.problems)
    return None


class PageParser:
    """A Sybil parser that yields one region per block of a page (see module docstring).

    :param root: the repository root (where `mkdocs.yml` and `manifests/` are).
    :param evaluator: evaluates each region's `Block`; by default only structural problems fail.
    """

    def __init__(self, root: Path, evaluator: Evaluator = problems_only) -> None:
        self.root = Path(root).resolve()
        self.evaluator = evaluator

    def __call__(self, document: Document) -> Iterator[Region]:
        parsed = parse_document(document, self.root)
        document.namespace[NAMESPACE_KEY] = parsed
        for start, end, block in parsed.blocks:
            yield Region(start, end, parsed=block, evaluator=self.evaluator)
