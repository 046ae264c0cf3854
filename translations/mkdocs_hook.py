"""MkDocs hook for translated builds: tells each page whether its translation is current.

Sets `page.meta["translation_status"]` (current/outdated) and, for an outdated page,
`page.meta["source_changed"]` (ISO date) and `page.meta["source_url"]` (the Japanese
page, relative to this one), which the theme override turns into a banner.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from translations.layout import SOURCE_DIR, PagePair
from translations.status import status_of

def _japanese_url(page_url: str) -> str:
    """Relative link from an English page (served under /en/) to the same Japanese page."""
    depth = len(PurePosixPath(page_url).parts) if page_url else 0
    return "../" * (depth + 1) + page_url


def on_page_markdown(markdown, page, config, files):
    if config["theme"]["language"] == "ja":
        return markdown
    root = Path(config.config_file_path).resolve().parent
    rel = Path(page.file.src_path)
    source = root / SOURCE_DIR / rel
    if not source.exists():
        return markdown
    pair = PagePair(rel, source, Path(page.file.abs_src_path), config["theme"]["language"])
    row = status_of(root, pair)
    page.meta["translation_status"] = row.state
    if row.state == "outdated":
        page.meta["source_changed"] = row.source_changed or "an unknown date"
        page.meta["source_url"] = _japanese_url(page.url)
    return markdown
