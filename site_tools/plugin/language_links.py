"""Per-page links to the same page in the other languages, and the page's hreflang links.

Each language of the registry (``languages/registry.yaml``) is its own build (the source language at
the root of ``site/``, each translation under its prefix, ``en/``), so the switcher cannot ask MkDocs
where the other page is. This part lists the other languages' pages (from their docs directories)
and gives every page relative links (``PageState.language_links``), rendered by
``docs/overrides/partials/alternate.html`` with no JavaScript: they work on the published site,
``nox -s serve`` and any local static server. A page not translated yet links to that language's
home page and says so.

The same pairing gives each page's ``<head>`` its ``<link rel="alternate" hreflang>`` links
(absolute, from ``site_url``, plus ``x-default``), rendered by ``docs/overrides/partials/hreflang.html``
for search engines.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils.templates import TemplateContext

from languages import LANGUAGES, Language, language
from pagegrammar.pages import list_pages
from site_tools.languages import REPO_ROOT, alternate_links, hreflang_links, root_url_from
from site_tools.page_state import page_state
from site_tools.plugin.part import Part


class LanguageLinks(Part):
    current: Language
    available: dict[str, set[str]]  # language code → the src_uri of each of its pages
    root_url: str

    def on_config(self, config: MkDocsConfig) -> None:
        self.current = language(config.theme["language"])
        overrides = self.options.docs_dirs
        # The other languages' pages; on_files adds this build's own.
        self.available = {
            lang.code: {page.src_uri for page in list_pages(Path(overrides.get(lang.code) or REPO_ROOT / lang.docs_dir))}
            for lang in LANGUAGES
            if lang.code != self.current.code
        }
        try:
            self.root_url = root_url_from(config.site_url or "", self.current)
        except ValueError as err:
            raise PluginError(f"{err} (search engines need absolute hreflang links)") from err

    def on_files(self, files: Files, config: MkDocsConfig) -> None:
        # This build's own pages come from MkDocs (it may exclude some).
        self.available[self.current.code] = {f.src_uri for f in files.documentation_pages()}

    def on_page_context(self, context: TemplateContext, page: Page, config: MkDocsConfig, nav: Navigation) -> None:
        state = page_state(page)
        state.language_links = alternate_links(page.file.src_uri, self.current, self.available)
        state.hreflang = hreflang_links(page.file.src_uri, self.available, self.root_url)
