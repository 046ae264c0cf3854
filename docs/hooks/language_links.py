"""MkDocs hook: per-page links to the same page in the other languages.

Each language of the registry (``languages/registry.yaml``) is its own build
(the source language at the root of ``site/``, each translation under its
prefix, ``en/``), so the switcher cannot ask MkDocs where the other page is.  This hook
lists the other languages' pages (from their docs directories) and gives every
page relative links (``page_state(page).language_links``, site_tools/page_state.py),
rendered by ``docs/overrides/partials/alternate.html`` with no JavaScript: they work
on the published site, ``nox -s serve`` and any local static server.  A page not translated yet links to that language's home page
and says so.

The same pairing gives each page's ``<head>`` its ``<link rel="alternate"
hreflang>`` links (absolute, from ``site_url``, plus ``x-default``), rendered
by ``docs/overrides/partials/hreflang.html`` for search engines.

``extra.docs_dirs`` (``{lang: path}``) overrides where a language's pages are;
``site_tools.build`` sets it for test builds with fixture translations.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from languages import LANGUAGES, language
from pagegrammar.pages import list_pages
from site_tools.languages import REPO_ROOT, alternate_links, hreflang_links, root_url_from
from site_tools.page_state import page_state

_state: dict = {}


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    current = language(config.theme["language"])
    overrides = dict(config.extra.get("docs_dirs") or {})
    # The other languages' pages; on_files adds this build's own.
    available = {
        lang.code: {page.src_uri for page in list_pages(Path(overrides.get(lang.code) or REPO_ROOT / lang.docs_dir))}
        for lang in LANGUAGES
        if lang.code != current.code
    }
    try:
        root_url = root_url_from(config.site_url or "", current)
    except ValueError as err:
        raise PluginError(f"{err} (search engines need absolute hreflang links)") from err
    _state.update(current=current, available=available, root_url=root_url)
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    # This build's own pages come from MkDocs (it may exclude some).
    _state["available"][_state["current"].code] = {f.src_uri for f in files.documentation_pages()}
    return files


def on_page_context(context: dict, page: Page, config: MkDocsConfig, nav: Navigation) -> dict:
    state = page_state(page)
    state.language_links = alternate_links(page.file.src_uri, _state["current"], _state["available"])
    state.hreflang = hreflang_links(page.file.src_uri, _state["available"], _state["root_url"])
    return context
