"""Sybil parsers for the page shape, and the page loader both tiers use."""

from __future__ import annotations

from pathlib import Path

from sybil import Document

from verify.model import Page, PageError
from verify.parsers.page import NAMESPACE_KEY, Block, PageParser, ParsedPage, parse_document

__all__ = ["Block", "PageParser", "ParsedPage", "load_page", "parse_document", "read_page"]


def read_page(path: Path, root: Path) -> ParsedPage:
    """Parse a page into its model, collecting every structural problem (never raises for them).

    Raises `PageError` only when the file cannot be read at all.
    """
    path = Path(path).resolve()
    try:
        document = Document.parse(str(path), PageParser(root))
    except (OSError, UnicodeDecodeError) as error:
        raise PageError(path, 1, f"cannot read page: {error}", check="input") from None
    return document.namespace[NAMESPACE_KEY]


def load_page(path: Path, root: Path) -> Page:
    """Parse a page into its model; raise `PageError` (``path:line: message``) on the first problem."""
    parsed = read_page(path, root)
    if parsed.problems:
        raise PageError.from_problem(parsed.problems[0])
    return parsed.page
