"""One concern of the site plugin: the events it takes part in, and its state between them."""

from __future__ import annotations

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils.templates import TemplateContext

from site_tools.plugin.config import SiteConfig


class Part:
    """A concern of the site (the navigation order, the language links, the diagrams…).

    The plugin makes one instance of each part per build, in the order of ``site_tools.plugin.PARTS``,
    and calls each event of every part in that order. A part overrides only the events it needs and
    keeps its state on ``self``; what a page's template or a later part needs goes into the page's
    typed state (``site_tools.page_state``).
    """

    def __init__(self, options: SiteConfig) -> None:
        self.options = options

    def on_config(self, config: MkDocsConfig) -> None:
        """The build starts: read options and the registry."""

    def on_files(self, files: Files, config: MkDocsConfig) -> None:
        """The build's files are known."""

    def on_nav(self, nav: Navigation, config: MkDocsConfig, files: Files) -> None:
        """The navigation is built (pages not read yet)."""

    def on_page_markdown(self, markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        """A page's Markdown, before it is rendered; returns it, changed or not."""
        return markdown

    def on_page_content(self, content: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        """A page's rendered HTML (its content area); returns it, changed or not."""
        return content

    def on_page_context(self, context: TemplateContext, page: Page, config: MkDocsConfig, nav: Navigation) -> None:
        """A page is about to be rendered into the theme's template."""

    def on_post_build(self, config: MkDocsConfig) -> None:
        """Every page is written."""
