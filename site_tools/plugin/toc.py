"""Where long Japanese table-of-contents entries may break.

The sidebars are narrow, and a heading such as 「Podセキュリティアドミッションを使用したプロファイルの制限」
holds a phrase wider than them, or an identifier like ``ELASTICSEARCH_PASSWORD``; see
``site_tools.japanese``. Only the table of contents gets the hints: page titles also go into
``<title>``, the search index and the switcher, where markup does not belong, and they fit the
sidebars as they are. The plugin runs this after Material's search has indexed the page.
"""

from __future__ import annotations

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils.templates import TemplateContext

from languages import language
from site_tools.japanese import break_hints
from site_tools.plugin.part import Part


def _hint(items: list) -> None:
    for item in items:
        item.title = break_hints(item.title)
        _hint(item.children)


class TocBreaks(Part):
    def on_page_context(self, context: TemplateContext, page: Page, config: MkDocsConfig, nav: Navigation) -> None:
        if not language(config.theme["language"]).word_spaces:  # languages/registry.yaml
            _hint(list(page.toc))
