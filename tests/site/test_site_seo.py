"""What search engines read: hreflang alternates in <head>, per-page descriptions, the sitemap index."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from languages import LANGUAGES, language
from site_helpers import BuiltSite, all_pages, parse, unavailable
from site_tools.languages import REPO_ROOT
from site_tools.site_url import site_root_url
from site_tools.sitemap import INDEX, SITEMAP_NS, XHTML_NS, language_sitemap
from site_tools.urls import page_url

#: Builds sites (or reads the shared node_modules): one worker runs all of these, one after another.
pytestmark = pytest.mark.xdist_group("site")

SCHEMAS = Path(__file__).parent / "schemas"
NS = {"sm": SITEMAP_NS, "xhtml": XHTML_NS}
ROOT_URL = site_root_url()
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")


def _address(lang: str, src_uri: str) -> str:
    return ROOT_URL + language(lang).prefix + page_url(src_uri)


def _expected_alternates(site: BuiltSite, src_uri: str) -> dict[str, str]:
    """hreflang → URL: every language that has the page, and x-default (the Japanese page)."""
    present = [lang.code for lang in LANGUAGES if src_uri in site.src_uris(lang.code)]
    if len(present) < 2:
        return {}
    return {**{code: _address(code, src_uri) for code in present}, "x-default": _address(present[0], src_uri)}


def _head_alternates(site: BuiltSite, lang: str, src_uri: str) -> dict[str, str]:
    html = site.html_file(lang, src_uri).read_text(encoding="utf-8")
    head = html[: html.index("</head>")]
    links = [a for tag, a in parse(site.html_file(lang, src_uri)).tags if tag == "link" and "hreflang" in a]
    in_head = [a for a in links if f'href="{a["href"]}"' in head]
    assert len(in_head) == len(links), f"{lang}:{src_uri}: hreflang links outside <head>"
    for link in in_head:
        assert "alternate" in link.get("rel", "").split(), f"{lang}:{src_uri}: {link} is not rel=alternate"
    return {a["hreflang"]: a["href"] for a in in_head}


# --- <head> -----------------------------------------------------------------------------------------


def test_every_page_links_each_translation_and_x_default_in_its_head(built_site: BuiltSite) -> None:
    checked = 0
    for lang, src_uri in all_pages(built_site):
        expected = _expected_alternates(built_site, src_uri)
        assert _head_alternates(built_site, lang, src_uri) == expected, f"{lang}:{src_uri}"
        checked += bool(expected)
    assert checked, "no page has a translation"


def test_hreflang_links_are_plain_alternates(built_site: BuiltSite) -> None:
    """`rel="alternate"` exactly, so that no reader of them has to tokenise `rel` (site_tools/plugin/theme_script.py
    keeps Material's script from following them; the browser tests check that no sitemap is requested)."""
    checked = 0
    for lang, src_uri in all_pages(built_site):
        tags = parse(built_site.html_file(lang, src_uri)).tags
        links = [a for tag, a in tags if tag == "link" and "hreflang" in a]
        assert all(a.get("rel") == "alternate" for a in links), f"{lang}:{src_uri}: {links}"
        checked += len(links)
    assert checked


def test_404_page_has_no_alternates(built_site: BuiltSite) -> None:
    for lang in LANGUAGES:
        tags = parse(built_site.root / lang.prefix / "404.html").tags
        assert not [a for tag, a in tags if tag == "link" and "hreflang" in a]


# --- descriptions ------------------------------------------------------------------------------------


def _meta_description(path: Path) -> str:
    found = [a["content"] for tag, a in parse(path).tags if tag == "meta" and a.get("name") == "description"]
    assert len(found) == 1, f"{path}: {len(found)} <meta name=description>"
    return found[0]


@pytest.mark.parametrize("lang", [lang.code for lang in LANGUAGES])
def test_every_page_describes_itself_from_its_front_matter_in_its_language(built_site: BuiltSite, lang: str) -> None:
    descriptions = {}
    for page in built_site.pages(lang):
        if page.src_uri in built_site.stand_ins and lang != "ja":
            continue
        written = page.front_matter().get("description")
        assert isinstance(written, str) and len(written.strip()) >= 30, f"{page.path}: no `description` in front matter"
        assert _meta_description(built_site.html_file(lang, page.src_uri)) == written.strip()
        japanese = bool(JAPANESE.search(written))
        assert japanese == (lang == "ja"), f"{page.path}: the description is not written in {lang}"
        descriptions[page.src_uri] = written
    assert len(set(descriptions.values())) == len(descriptions), "two pages share a description"


def test_pages_without_a_description_fall_back_to_the_sites(built_site: BuiltSite) -> None:
    ja = _meta_description(built_site.root / "404.html")
    en = _meta_description(built_site.root / "en" / "404.html")
    assert JAPANESE.search(ja) and not JAPANESE.search(en)
    assert "確かめた" not in ja, "the site's description must not claim a result"


# --- sitemap index -----------------------------------------------------------------------------------


def _schema(name: str):
    try:
        from lxml import etree
    except ImportError:
        unavailable("lxml is not installed (pip install -e '.[test]'): the sitemaps are not validated")
    return etree.XMLSchema(etree.parse(str(SCHEMAS / name)))


def _validate(schema, data: bytes) -> str | None:
    from lxml import etree

    return None if schema.validate(etree.fromstring(data)) else str(schema.error_log.last_error)


def test_the_site_has_one_sitemap_index_naming_one_sitemap_per_language(built_site: BuiltSite) -> None:
    data = (built_site.root / INDEX).read_bytes()
    assert _validate(_schema("siteindex.xsd"), data) is None
    locs = [e.text for e in ET.fromstring(data).findall("sm:sitemap/sm:loc", NS)]
    assert locs == [ROOT_URL + language_sitemap(lang.code) for lang in LANGUAGES]
    expected = {INDEX, *(language_sitemap(lang.code) for lang in LANGUAGES)}
    leftovers = [p for p in built_site.root.rglob("sitemap*.xml*") if p.name not in expected]
    assert not leftovers, f"other sitemaps left in the site: {leftovers}"
    robots = (built_site.root / "robots.txt").read_text(encoding="utf-8")
    assert f"Sitemap: {ROOT_URL}{INDEX}" in robots.splitlines()


@pytest.mark.parametrize("lang", [lang.code for lang in LANGUAGES])
def test_each_language_sitemap_validates_and_lists_every_page_with_its_alternates(
    built_site: BuiltSite, lang: str
) -> None:
    data = (built_site.root / language_sitemap(lang)).read_bytes()
    assert _validate(_schema("sitemap.xsd"), data) is None
    entries = {}
    for url in ET.fromstring(data).findall("sm:url", NS):
        links = {link.get("hreflang"): link.get("href") for link in url.findall("xhtml:link", NS)}
        entries[url.findtext("sm:loc", namespaces=NS)] = (url.findtext("sm:lastmod", namespaces=NS), links)
    assert set(entries) == {_address(lang, page.src_uri) for page in built_site.pages(lang)}
    for page in built_site.pages(lang):
        _, links = entries[_address(lang, page.src_uri)]
        assert links == _head_alternates(built_site, lang, page.src_uri), f"{page.path}: sitemap and <head> disagree"


def _git_date(path: Path) -> str | None:
    if not path.resolve().is_relative_to(REPO_ROOT):
        return None
    result = subprocess.run(
        ["git", "log", "-1", "--format=%cI", "--", str(path.resolve().relative_to(REPO_ROOT))],
        cwd=REPO_ROOT, capture_output=True, text=True, check=False,
    )
    return result.stdout.strip() or None


def test_lastmod_is_the_last_commit_of_each_page_not_the_build_date(built_site: BuiltSite) -> None:
    dated = 0
    for lang in LANGUAGES:
        root = ET.fromstring((built_site.root / language_sitemap(lang.code)).read_bytes())
        lastmod = {u.findtext("sm:loc", namespaces=NS): u.findtext("sm:lastmod", namespaces=NS)
                   for u in root.findall("sm:url", NS)}
        for page in built_site.pages(lang.code):
            expected = _git_date(page.path)
            assert lastmod[_address(lang.code, page.src_uri)] == expected, f"{page.path}"
            dated += expected is not None
    assert dated, "no page is dated from git"


# --- the schema check itself --------------------------------------------------------------------------

GOOD_URL = (
    '<url><loc>https://example.org/a/</loc><lastmod>2026-11-20T08:00:00+00:00</lastmod>'
    '<xhtml:link rel="alternate" hreflang="ja" href="https://example.org/a/"/></url>'
)


def _urlset(*urls: str) -> bytes:
    return (f'<urlset xmlns="{SITEMAP_NS}" xmlns:xhtml="{XHTML_NS}">' + "".join(urls) + "</urlset>").encode()


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ('<url><lastmod>2026-11-20</lastmod></url>', "lastmod"),  # no <loc>
        ('<url><loc>/a/</loc></url>', "loc"),  # not absolute
        ('<url><loc>https://example.org/a/</loc><lastmod>20 Nov 2026</lastmod></url>', "lastmod"),
        ('<url><loc>https://example.org/a/</loc><lastmod>2026-11-20T08:00:00</lastmod></url>', "lastmod"),  # no zone
        ('<url><loc>https://example.org/a/</loc><xhtml:link rel="alternate" hreflang="ja"/></url>', "href"),
        ('<url><loc>https://example.org/a/</loc>'
         '<xhtml:link rel="alternate" hreflang="Japanese" href="https://example.org/"/></url>', "hreflang"),
        ('<url><loc>https://example.org/a/</loc><xhtml:meta rel="alternate"/></url>', "meta"),
        ('<url><xhtml:link rel="alternate" hreflang="ja" href="https://example.org/"/>'
         '<loc>https://example.org/a/</loc></url>', "loc"),
    ],
)
def test_the_sitemap_schema_rejects_what_the_protocol_forbids(url: str, problem: str) -> None:
    schema = _schema("sitemap.xsd")
    assert _validate(schema, _urlset(GOOD_URL)) is None
    error = _validate(schema, _urlset(GOOD_URL.replace("/a/", "/b/"), url))
    assert error and problem in error


def test_the_sitemap_schema_rejects_a_page_listed_twice() -> None:
    error = _validate(_schema("sitemap.xsd"), _urlset(GOOD_URL, GOOD_URL))
    assert error and "Duplicate" in error
