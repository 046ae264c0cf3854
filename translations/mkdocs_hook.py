"""MkDocs hook for every language's build: translation freshness, home pages, links Markdown did not render.

- Sets `page.meta["translation_status"]` (current/outdated; a page never stamped is outdated) and,
  for an outdated page, `page.meta["source_changed"]` (ISO date, when known) on a translation's
  pages; docs/hooks/page_status.py turns them into a banner that links to the source page through
  the language switcher's links. The source language's own build has nothing to say there.
- Refuses to build while a language of the registry has no home page (`index.md`): the switcher
  sends every page not translated yet to that language's home, which would be a 404.
- Fails the (strict) build on a Markdown link that did not render as a link (`[text] (url)`, an
  unclosed `[text](url`, `[text][undefined]`): the reader sees its brackets and it goes nowhere,
  so neither MkDocs' link validation nor the translation checks, which compare links, see it.
"""

from __future__ import annotations

import logging
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING

from mkdocs.exceptions import PluginError

from languages import LANGUAGES, language
from translations.layout import SOURCE_DIR, PagePair
from translations.status import status_of

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page

log = logging.getLogger("mkdocs.hooks.translations")
#: What is left in the text of a page when Markdown did not recognise a link: `](`, `] (` or `][`.
LEFTOVER = re.compile(r"\[[^\[\]\n]*\](?:\s?\(|\[)")
_VERBATIM = frozenset({"code", "pre", "script", "style", "kbd", "samp"})


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    root = Path(config.config_file_path).resolve().parent
    overrides = dict(config.extra.get("docs_dirs") or {})
    for lang in LANGUAGES:
        docs = Path(overrides.get(lang.code) or root / lang.docs_dir)
        if not (docs / "index.md").is_file():
            shown = docs.relative_to(root) if docs.is_relative_to(root) else docs
            raise PluginError(
                f"{shown.as_posix()}/index.md does not exist: every page not translated into {lang.english_name} yet "
                f"links to that language's home page, so it must exist before the language is in "
                "languages/registry.yaml (CONTRIBUTING.md, \"Adding a language\")"
            )
    return config


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


class _Text(HTMLParser):
    """The text of an HTML page outside code, as (text) chunks."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.chunks: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VERBATIM:
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in _VERBATIM and self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if not self.depth:
            self.chunks.append(data)


def unrendered_links(html: str) -> list[str]:
    """Each piece of `html`'s text (outside code) that is a Markdown link Markdown did not render."""
    parser = _Text()
    parser.feed(html)
    found = []
    for chunk in parser.chunks:
        for match in LEFTOVER.finditer(chunk):
            found.append(chunk[match.start() : match.start() + 60].split("\n")[0])
    return found


def _line_in(source: Path | None, fragment: str) -> str:
    """`:N` for the first line of `source` that holds the start of `fragment` ('' when not found)."""
    if source is None or not source.is_file():
        return ""
    head = fragment[: fragment.index("]") + 1]
    for number, line in enumerate(source.read_text(encoding="utf-8").split("\n"), 1):
        if head in line:
            return f":{number}"
    return ""


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    root = Path(config.config_file_path).resolve().parent
    source = Path(page.file.abs_src_path) if page.file.abs_src_path else None
    shown = source.relative_to(root).as_posix() if source and source.is_relative_to(root) else page.file.src_path
    for fragment in unrendered_links(html):
        log.warning(f"{shown}{_line_in(source, fragment)}: a Markdown link that does not render as a link: "
                    f"«{fragment}» (write [text](target), with nothing between ] and ()")
    return html
