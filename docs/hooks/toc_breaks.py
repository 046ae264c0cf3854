"""MkDocs hook: where long Japanese table-of-contents entries may break.

The sidebars are narrow, and a heading such as
「Podセキュリティアドミッションを使用したプロファイルの制限」 holds a phrase wider
than them, or an identifier like ``ELASTICSEARCH_PASSWORD``; see
``site_tools.japanese``.  Only the table of contents gets the
hints: page titles also go into ``<title>``, the search index and the switcher,
where markup does not belong, and they fit the sidebars as they are.
"""

from __future__ import annotations

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from languages import language
from site_tools.japanese import break_hints


def _hint(items: list) -> None:
    for item in items:
        item.title = break_hints(item.title)
        _hint(item.children)


def on_page_context(context: dict, page: Page, config: MkDocsConfig, nav: Navigation) -> dict:
    if not language(config.theme["language"]).word_spaces:  # languages/registry.yaml
        _hint(list(page.toc))
    return context
