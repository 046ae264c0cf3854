"""One sitemap index for the whole bilingual site.

Each language is its own MkDocs build, and each build writes its own
``sitemap.xml`` that knows nothing of the other language and dates every page
with the build day.  After the merge, ``write_sitemaps`` replaces them with

- ``sitemap.xml``: a sitemap index naming one sitemap per language;
- ``sitemap-<lang>.xml``: that language's pages, each with ``<xhtml:link
  rel="alternate" hreflang>`` to every language that has the page (and
  ``x-default``), the same links as in the page's ``<head>``; ``lastmod`` is the
  page's last commit (omitted for a page git does not know);
- ``robots.txt`` pointing at the index (when the site is at the root of its host).

All sitemaps sit at the root, so each may list any URL of the site
(sitemaps.org: a sitemap covers its own directory and below).
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from atomic_files import write_bytes
from languages import LANGUAGES
from pagegrammar.pages import PageSource, list_pages
from site_tools.git_dates import last_commit_dates
from site_tools.languages import hreflang_links, page_address

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"
INDEX = "sitemap.xml"
MAX_URLS = 50_000  # per sitemap file (sitemaps.org)


def language_sitemap(code: str) -> str:
    """The file name of one language's sitemap (at the site root)."""
    return f"sitemap-{code}.xml"


@dataclass(frozen=True)
class SitemapEntry:
    loc: str
    lastmod: str | None
    alternates: tuple[tuple[str, str], ...]  # (hreflang, href)


def entries(
    pages: dict[str, list[PageSource]],
    root_url: str,
    dates: Callable[[Path], str | None],
) -> dict[str, list[SitemapEntry]]:
    """The sitemap entries of each language, from its pages (``{lang: pages}``)."""
    available = {code: {page.src_uri for page in found} for code, found in pages.items()}
    result: dict[str, list[SitemapEntry]] = {}
    for lang in LANGUAGES:
        rows = []
        for page in pages.get(lang.code, []):
            links = hreflang_links(page.src_uri, available, root_url)
            rows.append(
                SitemapEntry(
                    loc=page_address(root_url, lang, page.src_uri),
                    lastmod=dates(page.path),
                    alternates=tuple((link.hreflang, link.href) for link in links),
                )
            )
        result[lang.code] = rows
    return result


def _latest(dates: list[str]) -> str | None:
    return max(dates, key=dt.datetime.fromisoformat) if dates else None


def _write(root: ET.Element, path: Path) -> None:
    ET.indent(root)
    write_bytes(path, ET.tostring(root, encoding="UTF-8", xml_declaration=True))


def _urlset(rows: list[SitemapEntry]) -> ET.Element:
    ET.register_namespace("", SITEMAP_NS)
    ET.register_namespace("xhtml", XHTML_NS)
    urlset = ET.Element(f"{{{SITEMAP_NS}}}urlset")
    for row in rows:
        url = ET.SubElement(urlset, f"{{{SITEMAP_NS}}}url")
        ET.SubElement(url, f"{{{SITEMAP_NS}}}loc").text = row.loc
        if row.lastmod:
            ET.SubElement(url, f"{{{SITEMAP_NS}}}lastmod").text = row.lastmod
        for hreflang, href in row.alternates:
            ET.SubElement(url, f"{{{XHTML_NS}}}link", {"rel": "alternate", "hreflang": hreflang, "href": href})
    return urlset


def write_sitemaps(
    site: Path,
    root_url: str,
    docs_dirs: dict[str, Path],
    dates: Callable[[Path], str | None] | None = None,
) -> list[Path]:
    """Replace the per-build sitemaps in the merged ``site`` with the index and one sitemap per language.

    ``docs_dirs`` maps each language to the docs directory it was built from. Returns the files written.
    """
    for lang in LANGUAGES:  # MkDocs' own, one per build
        for name in ("sitemap.xml", "sitemap.xml.gz"):
            (site / lang.prefix / name).unlink(missing_ok=True)
    pages = {code: list_pages(path) for code, path in docs_dirs.items()}
    if dates is None:  # every page's last commit, from one `git log`
        dates = last_commit_dates([page.path for found in pages.values() for page in found]).get
    by_lang = entries(pages, root_url, dates)
    ET.register_namespace("", SITEMAP_NS)
    index = ET.Element(f"{{{SITEMAP_NS}}}sitemapindex")
    written = []
    for lang in LANGUAGES:
        rows = by_lang.get(lang.code, [])
        if not rows:
            continue
        if len(rows) > MAX_URLS:
            raise ValueError(f"{lang.code}: {len(rows)} pages, more than one sitemap may list ({MAX_URLS})")
        path = site / language_sitemap(lang.code)
        _write(_urlset(rows), path)
        written.append(path)
        entry = ET.SubElement(index, f"{{{SITEMAP_NS}}}sitemap")
        ET.SubElement(entry, f"{{{SITEMAP_NS}}}loc").text = root_url + language_sitemap(lang.code)
        latest = _latest([row.lastmod for row in rows if row.lastmod])
        if latest:
            ET.SubElement(entry, f"{{{SITEMAP_NS}}}lastmod").text = latest
    _write(index, site / INDEX)
    written.append(site / INDEX)
    if urlsplit(root_url).path == "/":  # robots.txt only counts at the root of a host
        robots = site / "robots.txt"
        robots.write_text(f"User-agent: *\nAllow: /\n\nSitemap: {root_url}{INDEX}\n", encoding="utf-8")
        written.append(robots)
    return written
