"""The built language site made lighter at the end of the build (``site_tools.lean_site``): pages without
unstyled code spans and indentation, Material's stylesheets without the rules no page can match (under
new, content-hashed names), the site's stylesheet minified. It runs after every other part has written
its files, so that it sees every page and every script the site ships."""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import urlsplit

from mkdocs.config.defaults import MkDocsConfig

from site_tools.lean_site import lean_site
from site_tools.plugin.part import Part

log = logging.getLogger("mkdocs.plugins.k8s-site.lean")


class LeanSite(Part):
    def on_post_build(self, config: MkDocsConfig) -> None:
        report = lean_site(Path(config.site_dir), url_path=urlsplit(config.site_url or "").path or "/")
        sheets = "; ".join(f"{s.old} {s.old_bytes:,} → {s.new_bytes:,} bytes"
                           + (f" ({s.new}, {s.dropped_rules} rules dropped)" if s.new != s.old else "")
                           for s in report.stylesheets)
        log.info(f"lighter: {report.pages} pages {report.html_bytes_before:,} → {report.html_bytes_after:,} bytes; {sheets}")
