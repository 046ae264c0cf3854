"""What the command lines of both tiers share: exit statuses, the usage error, the PAGE arguments.

It sits below `verify.cli` (which builds the whole command line) and `verify.live.cli` (the live
tier's options), so that neither imports the other for these.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """Bad input on the command line: reported in one line, exit status 2."""


def resolve_pages(names: Sequence[str]) -> list[Path]:
    """The pages named on the command line: files, or directories of pages (*.md)."""
    pages: list[Path] = []
    for name in names:
        path = Path(name)
        if path.is_dir():
            found = sorted(path.rglob("*.md"))
            if not found:
                raise UsageError(f"no pages (*.md) under {name}")
            pages.extend(found)
        elif path.is_file():
            if path.suffix != ".md":
                raise UsageError(f"not a Markdown page: {name}")
            pages.append(path)
        else:
            raise UsageError(f"no such page: {name}")
    return pages
