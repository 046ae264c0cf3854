"""MkDocs hook for translated builds: tells each page whether its translation is current.

Sets `page.meta["translation_status"]` (current/outdated) and, for an outdated page,
`page.meta["source_changed"]` (ISO date, when known); docs/hooks/page_status.py turns them
into a banner that links to the source page through the language switcher's links.
The source language's own build (languages/registry.yaml) has nothing to say.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from languages import language
from translations.layout import SOURCE_DIR, PagePair
from translations.status import status_of

if TYPE_CHECKING:  # MkDocs loads this hook, so it is there at build time; translations itself never needs it
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    lang = language(config["theme"]["language"])
    if lang.source:
        return markdown
    root = Path(config.config_file_path).resolve().parent
    rel = Path(page.file.src_path)
    source = root / SOURCE_DIR / rel
    if not source.exists() or page.file.abs_src_path is None:  # no source page, or a page a plugin generated
        return markdown
    pair = PagePair(rel, source, Path(page.file.abs_src_path), lang.code)
    row = status_of(root, pair)
    page.meta["translation_status"] = row.state
    if row.state == "outdated" and row.source_changed:
        page.meta["source_changed"] = row.source_changed
    return markdown
