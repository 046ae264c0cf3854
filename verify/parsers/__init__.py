"""The page loader both tiers use: a page's text becomes the typed model of `verify.model`.

The page grammar itself (fences, comments, front matter) is `pagegrammar`'s; the builder gives
each block its meaning (steps, outputs, directives). Nothing here depends on Sybil:
`verify.static.sybil` adapts an already-parsed page into pytest items.
"""

from __future__ import annotations

from pathlib import Path

from verify.model import Page, PageError
from verify.parsers.blocks import Block, ParsedPage
from verify.parsers.builder import parse_text

__all__ = ["Block", "ParsedPage", "load_page", "parse_text", "read_page"]


def read_page(path: Path, root: Path) -> ParsedPage:
    """Parse a page into its model, collecting every structural problem (never raises for them).

    Raises `PageError` only when the file cannot be read at all.
    """
    path = Path(path).resolve()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise PageError(path, 1, f"cannot read page: {error}", check="input") from None
    return parse_text(text, path, Path(root).resolve())


def load_page(path: Path, root: Path) -> Page:
    """Parse a page into its model; raise `PageError` (``path:line: message``) on the first problem."""
    parsed = read_page(path, root)
    if parsed.problems:
        raise PageError.from_problem(parsed.problems[0])
    return parsed.page
