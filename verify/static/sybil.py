"""The Sybil configuration that turns pages into pytest items checked by the static tier."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sybil import Example, Sybil
from sybil.parsers.markdown import SkipParser

from verify.parsers import PageParser
from verify.parsers.page import NAMESPACE_KEY
from verify.static import StaticContext, check_block, failures, prefetch


def page_sybil(root: Path, context: Callable[[], StaticContext]) -> Sybil:
    """A Sybil whose examples are a page's blocks; an example fails when a static check fails.

    :param root: the repository root (includes resolve relative to it).
    :param context: returns the shared `StaticContext` (called lazily, once per use).
    """

    def evaluate(example: Example) -> str | None:
        parsed = example.namespace[NAMESPACE_KEY]
        bad = failures(check_block(example.parsed, parsed.page, context()))
        return "\n".join(str(f) for f in bad) if bad else None

    def prefetch_page(namespace: dict) -> None:
        # Before a page's items run: its kubectl and bash checks, all at once, in parallel.
        prefetch(context(), [namespace[NAMESPACE_KEY].page])

    return Sybil(
        parsers=[PageParser(root, evaluate), SkipParser()],
        patterns=["*.md"],
        setup=prefetch_page,
        name="static",
    )
