"""The site's languages and the links that pair a page with its translation.

Japanese is the source language and is built at the root of ``site/``; each
translation is a separate MkDocs build under its own prefix (``en/``).  A page
and its translation share the same ``src_uri``.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from pathlib import Path

from site_tools.pages import page_url

REPO_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Language:
    """One language of the site.

    ``prefix`` is where its build lives inside ``site/`` ("" for the root,
    ``"en/"``); ``docs_dir`` and ``config_file`` are relative to the repo root.
    """

    code: str
    name: str
    config_file: str
    docs_dir: str
    prefix: str
    not_translated: str  # label shown beside a link to a page that does not exist yet


LANGUAGES: tuple[Language, ...] = (
    Language("ja", "日本語", "mkdocs.yml", "docs_src/ja", "", "未翻訳"),
    Language("en", "English", "mkdocs.en.yml", "docs/en", "en/", "not translated yet"),
)
SOURCE_LANGUAGE = LANGUAGES[0]


def language(code: str) -> Language:
    """The language with ISO code ``code`` (``ja``, ``en``)."""
    for lang in LANGUAGES:
        if lang.code == code:
            return lang
    known = ", ".join(lang.code for lang in LANGUAGES)
    raise KeyError(f"unknown site language {code!r} (known: {known})")


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
                note="" if translated else lang.not_translated,
            )
        )
    return links


def relative_href(target_dir: str, from_dir: str) -> str:
    """Relative URL from the directory URL ``from_dir`` to ``target_dir`` (both site-relative)."""
    rel = posixpath.relpath("/" + target_dir, "/" + from_dir)
    return "./" if rel == "." else rel + "/"
