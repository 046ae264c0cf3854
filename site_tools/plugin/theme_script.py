"""Material's script no longer follows the page's hreflang links to look for sitemaps.

Material's bundle treats every ``<link rel="alternate">`` of a page as another version of the whole
site: it fetches ``sitemap.xml`` next to each link's address (``setupAlternate``, which selects
``link[rel=alternate]``), so that its language selector can stay on the same page. This site's pages
have hreflang links that name the same page in each language, absolute on the published host, for
search engines (``partials/hreflang.html``), and a switcher that needs no script
(``partials/alternate.html``): each lookup would be a request for ``<page>/sitemap.xml`` that does not
exist, sent to the published host even from a local preview.

So the site's copy of the bundle (built from the installed theme, in memory: the theme's file is
left alone) selects links of a type no page has, ``link[rel=md-lookup]``: one selector of one
integration, the same length, so the bundle's source map still lines up. The build fails, naming the
file, when the installed Material's bundle does not hold the selector exactly once (a new Material
release: see whether the integration changed before changing the selector here).
"""

from __future__ import annotations

from pathlib import PurePosixPath

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

from site_tools.plugin.part import Part

MATERIAL_SELECTOR = b'"link[rel=alternate]"'
NO_LOOKUP_SELECTOR = b'"link[rel=md-lookup]"'
BUNDLE_DIR = PurePosixPath("assets/javascripts")


def without_sitemap_lookup(bundle: bytes, name: str) -> bytes:
    """``bundle`` (Material's script, read from ``name``) with its alternate-link selector narrowed."""
    found = bundle.count(MATERIAL_SELECTOR)
    if found != 1:
        raise PluginError(
            f"{name}: Material's script selects {MATERIAL_SELECTOR.decode()} {found} times (expected once): "
            "see site_tools/plugin/theme_script.py before upgrading mkdocs-material"
        )
    return bundle.replace(MATERIAL_SELECTOR, NO_LOOKUP_SELECTOR)


def _is_bundle(file: File) -> bool:
    path = PurePosixPath(file.src_uri)
    return path.parent == BUNDLE_DIR and path.name.startswith("bundle.") and path.name.endswith(".min.js")


class NoSitemapLookup(Part):
    def on_files(self, files: Files, config: MkDocsConfig) -> None:
        bundles = [file for file in files if _is_bundle(file)]
        if len(bundles) != 1:
            raise PluginError(f"expected one Material bundle in {BUNDLE_DIR}/, found {[f.src_uri for f in bundles]}")
        bundle = bundles[0]
        content = without_sitemap_lookup(bundle.content_bytes, bundle.abs_src_path or bundle.src_uri)
        files.remove(bundle)
        files.append(File.generated(config, bundle.src_uri, content=content))
