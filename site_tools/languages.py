"""The links that pair a page with its translations, on top of the language registry (``languages``).

The source language is built at the root of ``site/``; each translation is a
separate MkDocs build under its registry ``prefix`` (``en/``).  A page and its
translation share the same ``src_uri``.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from languages import LANGUAGES, Language, section
from site_tools.urls import page_url

REPO_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class AlternateLink:
    """A link from one page to the same page in ``lang`` (or to its home page)."""

    lang: str
    name: str
    href: str
    current: bool
    translated: bool
    note: str  # "" or why the link does not go to the same page


def alternate_links(
    src_uri: str,
    current: Language,
    available: dict[str, set[str]],
) -> list[AlternateLink]:
    """Relative links from the page ``src_uri`` of ``current`` to every language.

    ``available`` maps a language code to the ``src_uri`` set of its pages.  A
    page missing in a language links to that language's home page instead.
    Links are relative (``../../en/tutorials/x/``), so they work wherever the
    merged site is served from, with no JavaScript.
    """
    here = current.prefix + page_url(src_uri)
    links = []
    for lang in LANGUAGES:
        pages = available.get(lang.code, set())
        translated = src_uri in pages
        target = lang.prefix + (page_url(src_uri) if translated else "")
        links.append(
            AlternateLink(
                lang=lang.code,
                name=lang.name,
                href=relative_href(target, here),
                current=lang.code == current.code,
                translated=translated,
                note="" if translated else section(lang.code, "switcher")["not_translated"],
            )
        )
    return links


def relative_href(target_dir: str, from_dir: str) -> str:
    """Relative URL from the directory URL ``from_dir`` to ``target_dir`` (both site-relative)."""
    rel = posixpath.relpath("/" + target_dir, "/" + from_dir)
    return "./" if rel == "." else rel + "/"


@dataclass(frozen=True)
class HreflangLink:
    """A ``<link rel="alternate" hreflang>`` / ``<xhtml:link>``: the same page in ``hreflang``, absolute."""

    hreflang: str  # a language code, or "x-default"
    href: str


def page_address(root_url: str, lang: Language, src_uri: str) -> str:
    """The absolute URL of the page ``src_uri`` of ``lang`` on the published site rooted at ``root_url``."""
    return root_url + quote(lang.prefix + page_url(src_uri))


def hreflang_links(src_uri: str, available: dict[str, set[str]], root_url: str) -> list[HreflangLink]:
    """Every language that has the page ``src_uri``, plus ``x-default`` (the source language's page).

    Empty when fewer than two languages have it: a page without a translation has no alternates.
    The links are absolute, as search engines require, and include the page itself.
    """
    present = [lang for lang in LANGUAGES if src_uri in available.get(lang.code, set())]
    if len(present) < 2:
        return []
    links = [HreflangLink(lang.hreflang, page_address(root_url, lang, src_uri)) for lang in present]
    return [*links, HreflangLink("x-default", links[0].href)]


def root_url_from(site_url: str, lang: Language) -> str:
    """The whole site's root URL, from the ``site_url`` of one language's build (``…/en/`` → ``…/``)."""
    url = site_url if site_url.endswith("/") else site_url + "/"
    if not url.endswith("/" + lang.prefix):
        raise ValueError(f"site_url {site_url!r} of the {lang.code} build should end with /{lang.prefix}")
    return url[: len(url) - len(lang.prefix)]
