"""Links a reader can follow: every language has a home page, and no Markdown link is left unrendered.

- The build refuses to start while a language of the registry has no home page (`index.md`): the
  language switcher sends every page not translated yet to that language's home, which would be a 404.
- A Markdown link that did not render as a link (`[text] (url)`, an unclosed `[text](url`,
  `[text][undefined]`) is a warning, so the strict build fails on it at `file:line`: the reader sees
  its brackets and it goes nowhere, and neither MkDocs' link validation nor the translation checks,
  which compare links, see it.
"""

from __future__ import annotations

import logging
import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from languages import LANGUAGES
from site_tools.plugin.part import Part

log = logging.getLogger("mkdocs.plugins.k8s-site.links")
#: What is left in the text of a page when Markdown did not recognise a link: `](`, `] (` or `][`.
LEFTOVER = re.compile(r"\[[^\[\]\n]*\](?:\s?\(|\[)")
_VERBATIM = frozenset({"code", "pre", "script", "style", "kbd", "samp"})


class _Text(HTMLParser):
    """The text of an HTML page outside code, in chunks."""

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
    if not LEFTOVER.search(unescape(html)):  # the text outside code is part of this: nothing to look for
        return []
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


class FollowableLinks(Part):
    root: Path

    def on_config(self, config: MkDocsConfig) -> None:
        self.root = Path(config.config_file_path).resolve().parent
        for lang in LANGUAGES:
            docs = Path(self.options.docs_dirs.get(lang.code) or self.root / lang.docs_dir)
            if not (docs / "index.md").is_file():
                shown = docs.relative_to(self.root) if docs.is_relative_to(self.root) else docs
                raise PluginError(
                    f"{shown.as_posix()}/index.md does not exist: every page not translated into {lang.english_name} "
                    "yet links to that language's home page, so it must exist before the language is in "
                    "languages/registry.yaml (CONTRIBUTING.md, \"Adding a language\")")

    def on_page_content(self, content: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        source = Path(page.file.abs_src_path) if page.file.abs_src_path else None
        shown = source.relative_to(self.root).as_posix() if source and source.is_relative_to(self.root) \
            else page.file.src_path
        for fragment in unrendered_links(content):
            log.warning(f"{shown}{_line_in(source, fragment)}: a Markdown link that does not render as a link: "
                        f"«{fragment}» (write [text](target), with nothing between ] and ()")
        return content
