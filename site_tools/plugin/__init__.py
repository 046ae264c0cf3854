"""The site's MkDocs plugin, ``k8s-site`` (``plugins:`` in mkdocs.yml; entry point in pyproject.toml).

``config.py`` holds its typed options, ``plugin.py`` the plugin and ``PARTS``, and each other module one
part of the site: the verification comments (``comments``), the navigation order (``navigation``), the
language links (``language_links``), the diagrams (``diagrams``), the translation state
(``translation``), the status slot and marks (``status``), their icons' shapes in the
stylesheet (``icons``), the table of contents' break hints (``toc``)
Material's script without its sitemap lookup (``theme_script``) the search index loaded when a reader
searches (``search_index``) and, last, the built site made lighter (``lean``). What a part works out about a
page goes into the page's typed state (``site_tools.page_state``), which later parts and the theme's
templates read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from site_tools.plugin.config import SiteConfig
from site_tools.plugin.plugin import PARTS, SitePlugin

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig

NAME = "k8s-site"


def site_options(config: MkDocsConfig) -> SiteConfig:
    """The plugin's options in a loaded config (ValueError when the config does not use the plugin)."""
    plugin = config.plugins.get(NAME)
    if not isinstance(plugin, SitePlugin):
        raise ValueError(f"{config.config_file_path}: `{NAME}` is missing from `plugins:`, so the site would be built "
                         "without its navigation order, language links, diagrams and verification status")
    return plugin.config


__all__ = ["NAME", "PARTS", "SiteConfig", "SitePlugin", "site_options"]
