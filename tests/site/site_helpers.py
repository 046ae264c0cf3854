"""Helpers shared by the site tests: the built site, stand-in pages, HTML reading, the search separator."""

from __future__ import annotations

import os
import posixpath
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import NoReturn
from urllib.parse import unquote, urlsplit

import pytest
import yaml

from languages import LANGUAGES, language
from pagegrammar.pages import PageSource, list_pages
from site_tools.build import BuildFailed, build_site
from site_tools.languages import REPO_ROOT
from site_tools.node import NodeDependencyError, ensure_mermaid
from site_tools.urls import page_url


def unavailable(reason: str) -> NoReturn:
    """Skip with ``reason``; in CI (``CI`` set) fail instead, since CI must run these tests."""
    if os.environ.get("CI"):
        pytest.fail(f"CI is set, so this must run, but: {reason}", pytrace=False)
    pytest.skip(reason)


@dataclass
class BuiltSite:
    """A merged site on disk and the docs directories it was built from."""

    root: Path
    docs_dirs: dict[str, Path]
    stand_ins: list[str] = field(default_factory=list)

    def pages(self, lang: str) -> list[PageSource]:
        return list_pages(self.docs_dirs[lang])

    def src_uris(self, lang: str) -> set[str]:
        return {page.src_uri for page in self.pages(lang)}

    def url_path(self, lang: str, src_uri: str) -> str:
        """The URL path of a page on a server rooted at the site (``/en/tutorials/x/``)."""
        return "/" + language(lang).prefix + page_url(src_uri)

    def html_file(self, lang: str, src_uri: str) -> Path:
        return self.root / (language(lang).prefix + page_url(src_uri)) / "index.html"


def write_stand_in(page: PageSource, target: Path) -> None:
    """An English stand-in for a page not translated yet: the Japanese page, marked as such."""
    text = page.read()
    marker = "stand_in_for_tests: true\n"
    text = text.replace("---\n", "---\n" + marker, 1) if text.startswith("---\n") else f"---\n{marker}---\n{text}"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")


def docs_dirs_in_repo() -> dict[str, Path]:
    return {lang.code: REPO_ROOT / lang.docs_dir for lang in LANGUAGES}


def build_or_fail(out: Path, **kwargs) -> None:
    try:
        build_site(out, **kwargs)
    except BuildFailed as err:
        pytest.fail(f"the site does not build:\n{err}", pytrace=False)


def require_mermaid() -> None:
    try:
        ensure_mermaid()
    except NodeDependencyError as err:
        unavailable(f"cannot build the site: {err}")


class _Elements(HTMLParser):
    """The start tags of a page with their attributes, and its ``<html lang>``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.html_lang = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        self.tags.append((tag, values))
        if tag == "html":
            self.html_lang = values.get("lang", "")


def parse(path: Path) -> _Elements:
    parser = _Elements()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def all_pages(site: BuiltSite) -> list[tuple[str, str]]:
    return [(lang.code, page.src_uri) for lang in LANGUAGES for page in site.pages(lang.code)]


def resolve(site: BuiltSite, lang: str, src_uri: str, href: str) -> Path:
    """The file a relative ``href`` on a page points to (``index.html`` for a directory)."""
    base = "/" + language(lang).prefix + page_url(src_uri)
    target = posixpath.normpath(posixpath.join(base, unquote(urlsplit(href).path)))
    path = site.root / target.lstrip("/")
    return path / "index.html" if href.endswith("/") or path.is_dir() else path


def _search_separator() -> str:
    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)
    config = yaml.load((REPO_ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Loader)
    return config["plugins"]["search"]["separator"]


def split_like_material(text: str) -> list[str]:
    """Split ``text`` the way Material's search splits page text and queries with the configured separator."""
    return [part for part in re.split(_search_separator(), text) if part]
