"""Which files of a docs folder are pages, and the front matter read from each.

The translation tools pair pages by `PageSource.src_uri`; the site lists them for its
sitemaps, links and status tables. Their URLs are the site's business (`site_tools.urls`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pagegrammar.frontmatter import read_front_matter as read_page_front_matter


@dataclass(frozen=True)
class PageSource:
    """One Markdown page of a docs directory.

    ``src_uri`` is the path relative to the docs directory with ``/``
    separators (``tutorials/services/source-ip.md``); it is the same in every
    language, which is what pairs a page with its translation.
    """

    docs_dir: Path
    src_uri: str

    @property
    def path(self) -> Path:
        return self.docs_dir / self.src_uri

    def read(self) -> str:
        return self.path.read_text(encoding="utf-8")

    def front_matter(self) -> dict[str, Any]:
        return read_front_matter(self.path)


def read_front_matter(path: Path) -> dict[str, Any]:
    """The YAML front matter of ``path`` (empty when the page has none).

    Front matter that is not a YAML mapping raises `pagegrammar.FrontMatterError` naming the line.
    """
    return read_page_front_matter(path, required=False).data


def list_pages(docs_dir: Path) -> list[PageSource]:
    """Every ``*.md`` page under ``docs_dir``, sorted by ``src_uri``."""
    if not docs_dir.is_dir():
        return []
    return sorted(
        (
            PageSource(docs_dir, p.relative_to(docs_dir).as_posix())
            for p in docs_dir.rglob("*.md")
            if not any(part.startswith(".") for part in p.relative_to(docs_dir).parts)
        ),
        key=lambda page: page.src_uri,
    )
