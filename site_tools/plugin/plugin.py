"""The site plugin: every part of the site's build, in one MkDocs plugin with one typed config.

``PARTS`` lists the parts in the order each event reaches them (a part that reads what another wrote
on a page comes after it). The plugin's own events carry explicit priorities where their order against
other plugins matters; MkDocs runs plugins of equal priority in the order ``plugins:`` lists them.
"""

from __future__ import annotations

from pathlib import Path

import jinja2
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils.templates import TemplateContext

from languages import language
from site_tools.plugin.comments import VerificationComments
from site_tools.plugin.config import SiteConfig
from site_tools.plugin.diagrams import Diagrams
from site_tools.plugin.highlight import TokenStyles
from site_tools.plugin.icons import IconStyles
from site_tools.plugin.language_links import LanguageLinks
from site_tools.plugin.lean import LeanSite
from site_tools.plugin.links import FollowableLinks
from site_tools.plugin.navigation import NavigationOrder
from site_tools.plugin.part import Part
from site_tools.plugin.search_index import SearchOnDemand
from site_tools.plugin.status import VerificationStatus
from site_tools.plugin.templates import with_template_cache
from site_tools.plugin.theme_script import NoSitemapLookup
from site_tools.plugin.toc import TocBreaks
from site_tools.plugin.translation import TranslationFreshness
from site_tools.site_url import SiteUrlError, language_url, site_root_url

#: Every part, in the order each event reaches them: the verification part reads the language links
#: and the translation state of a page, so it comes after both.
PARTS: tuple[type[Part], ...] = (
    TokenStyles,  # Pygments' token styles worked out once, not for every code block
    VerificationComments,  # verification comments leave the Markdown
    NavigationOrder,  # the navigation, ordered by front-matter `weight`
    LanguageLinks,  # the switcher's links and the hreflang links
    Diagrams,  # mermaid served by the site, pre-rendered SVGs, diagrams in words
    TranslationFreshness,  # whether a translated page is current with its source
    FollowableLinks,  # every language has a home page; no Markdown link left unrendered
    VerificationStatus,  # the status slot, the marks under command blocks, the translation banner
    IconStyles,  # the shapes of the status slot's and the marks' icons, once, in the site's stylesheet
    TocBreaks,  # where long Japanese table-of-contents entries may break
    NoSitemapLookup,  # Material's script does not follow the hreflang links to look for sitemaps
    SearchOnDemand,  # the search index loads when a reader opens the search
    LeanSite,  # last: the built pages and Material's stylesheets made lighter, once every file is written
)

#: The build's site_url is set before any other plugin can read it (site_tools.site_url).
FIRST = 100
#: Material's search indexes a page in its own on_page_context (priority 0), from the page's HTML and
#: table of contents, and writes the index in its on_post_build: the parts see the page after it, so
#: that nothing they add there (the table of contents' break hints) reaches the index, and they find
#: the index written (SearchOnDemand splits it).
AFTER_SEARCH = -50


class SitePlugin(BasePlugin[SiteConfig]):
    """``k8s-site`` in mkdocs.yml's ``plugins:``: one instance of each part per build, state on the parts."""

    parts: list[Part]

    @event_priority(FIRST)
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        """Where this language's build lives (the site's root plus its prefix), then the parts, afresh."""
        lang = language(config.theme["language"])
        try:
            config.site_url = language_url(site_root_url(Path(config.config_file_path).parent), lang)
        except SiteUrlError as err:
            raise PluginError(str(err)) from err
        self.parts = [part(self.config) for part in PARTS]  # afresh on every build (`mkdocs serve` rebuilds)
        for part in self.parts:
            part.on_config(config)
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        for part in self.parts:
            part.on_files(files, config)
        return files

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        for part in self.parts:
            part.on_nav(nav, config, files)
        return nav

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        for part in self.parts:
            markdown = part.on_page_markdown(markdown, page, config, files)
        return markdown

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        for part in self.parts:
            html = part.on_page_content(html, page, config, files)
        return html

    def on_env(self, env: jinja2.Environment, *, config: MkDocsConfig, files: Files) -> jinja2.Environment:
        """The theme's templates are compiled once, not on every build (``site_tools.plugin.templates``)."""
        return with_template_cache(env)

    @event_priority(AFTER_SEARCH)
    def on_page_context(self, context: TemplateContext, *, page: Page, config: MkDocsConfig,
                        nav: Navigation) -> TemplateContext:
        for part in self.parts:
            part.on_page_context(context, page, config, nav)
        return context

    @event_priority(AFTER_SEARCH)
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        for part in self.parts:
            part.on_post_build(config)
