"""Whether each translated page is current with its Japanese source (``PageState.translation_state``).

On a translation's build, each page whose source exists gets its state from the translation workflow
(``translations.status``: ``current`` or ``outdated``, with the day the source changed when known); the
verification part (``site_tools.plugin.status``) turns an outdated one into a banner that links to the
source page. The source language's own build has nothing to say.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from languages import Language, language
from site_tools.page_state import TranslationState, page_state
from site_tools.plugin.part import Part
from translations.layout import SOURCE_DIR, PagePair
from translations.status import status_of


class TranslationFreshness(Part):
    lang: Language
    root: Path  # the project, where the source pages are (the config file's folder)

    def on_config(self, config: MkDocsConfig) -> None:
        self.lang = language(config.theme["language"])
        self.root = Path(config.config_file_path).resolve().parent

    def on_page_markdown(self, markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        if self.lang.source:
            return markdown
        rel = Path(page.file.src_path)
        source = self.root / SOURCE_DIR / rel
        if not source.exists() or page.file.abs_src_path is None:  # no source page, or a page a plugin generated
            return markdown
        row = status_of(self.root, PagePair(rel, source, Path(page.file.abs_src_path), self.lang.code))
        page_state(page).translation_state = TranslationState(
            row.state, row.source_changed if row.state == "outdated" else None
        )
        return markdown
