"""The built site in a real browser (Debian Chromium, headless): diagrams, switcher, search, requests."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest

from languages import LANGUAGES, language
from pagegrammar.pages import list_pages
from site_helpers import BuiltSite, split_like_material
from site_tools.diagrams import diagrams_in_markdown
from site_tools.languages import REPO_ROOT

#: Builds sites (or reads the shared node_modules): one worker runs all of these, one after another.
pytestmark = pytest.mark.xdist_group("site")

SOURCE_IP = "tutorials/services/source-ip.md"
STATEFULSET = "tutorials/stateful-application/basic-stateful-set.md"
APPARMOR = "tutorials/security/apparmor.md"
GUESTBOOK = "tutorials/stateless-application/guestbook-logs-metrics-with-elk.md"


def _open(browser, *, javascript: bool = True):
    context = browser.new_context(java_script_enabled=javascript, viewport={"width": 1400, "height": 900})
    context.set_default_timeout(10_000)
    return context, context.new_page()


# --- every page once: what it requests ------------------------------------------------------------


@dataclass(frozen=True)
class Visit:
    url: str
    requests: tuple[str, ...]
    diagrams: int
    mermaid_defined: bool
    hreflang: int  # <link> elements whose relList has `alternate` and that have an hreflang
    exact_alternates: int  # `link[rel=alternate]`: the selector Material's stock script follows to sitemaps


@pytest.fixture(scope="module")
def visits(browser, built_site: BuiltSite, site_url: str) -> list[Visit]:
    """Load every page of both languages (and open the search, which starts its worker); record requests."""
    context, page = _open(browser)
    seen: list[str] = []
    context.on("request", lambda request: seen.append(request.url))
    # Anything not on the site's own server is refused, so a leak cannot reach the network either.
    context.route(re.compile(r"^(?!" + re.escape(site_url) + r"/).*"), lambda route: route.abort())
    result = []
    pages = [(lang.code, source.src_uri) for lang in LANGUAGES for source in built_site.pages(lang.code)]
    for lang, src_uri in [*pages, ("ja", "no-such-page.md")]:  # the last one gets the 404 page
        seen.clear()
        url = site_url + built_site.url_path(lang, src_uri)
        page.goto(url, wait_until="load")
        diagrams = page.locator("figure.k8s-diagram").count()
        if diagrams:
            page.wait_for_function(
                "n => document.querySelectorAll('figure.k8s-diagram[data-rendered]').length === n", arg=diagrams
            )
        if src_uri == "index.md":
            page.click("input.md-search__input")
            page.keyboard.type("kubectl")
            page.keyboard.press("End")
            page.wait_for_selector(".md-search-result__item")
        page.wait_for_load_state("networkidle")
        defined = page.evaluate("() => typeof window.mermaid !== 'undefined'")
        hreflang = page.evaluate(
            "() => [...document.querySelectorAll('link[hreflang]')].filter(l => l.relList.contains('alternate')).length"
        )
        exact = page.evaluate("() => document.querySelectorAll('link[rel=alternate]').length")
        result.append(Visit(url, tuple(seen), diagrams, defined, hreflang, exact))
    context.close()
    return result


def test_no_request_leaves_the_site(visits: list[Visit], site_url: str) -> None:
    own = urlsplit(site_url).netloc
    leaks = {(v.url, r) for v in visits for r in v.requests if urlsplit(r).netloc != own}
    assert visits and not leaks, "requests to other hosts:\n" + "\n".join(f"{p} -> {r}" for p, r in sorted(leaks))


def test_hreflang_links_coexist_with_materials_script_without_a_sitemap_lookup(visits: list[Visit]) -> None:
    """Every page's alternates are plain `rel="alternate"` links, and the site's script fetches no sitemap for them."""
    pages = [v for v in visits if not v.url.endswith("/no-such-page/")]
    assert pages and all(v.hreflang == len(LANGUAGES) + 1 for v in pages), [(v.url, v.hreflang) for v in pages]
    assert all(v.exact_alternates == v.hreflang for v in visits)
    lookups = [(v.url, r) for v in visits for r in v.requests if "sitemap" in urlsplit(r).path]
    assert not lookups, f"sitemap requests: {lookups}"


def test_only_pages_with_diagrams_load_mermaid(visits: list[Visit]) -> None:
    without = [v for v in visits if not v.diagrams]
    with_diagrams = [v for v in visits if v.diagrams]
    assert without and with_diagrams
    for visit in without:
        assert not any(r.endswith(("/mermaid.min.js", "/diagrams.js")) for r in visit.requests), visit.url
        assert not visit.mermaid_defined, f"{visit.url} has window.mermaid without a diagram"
    for visit in with_diagrams:
        assert any(r.endswith("/assets/javascripts/mermaid.min.js") for r in visit.requests), visit.url


# --- diagrams -------------------------------------------------------------------------------------


def _mermaid_blocks(built_site: BuiltSite, lang: str) -> int:
    page = built_site.docs_dirs[lang] / SOURCE_IP
    if not page.is_file():
        pytest.skip(f"{lang}: no {SOURCE_IP} yet")
    return len(diagrams_in_markdown(page.read_text(encoding="utf-8"), page))


@pytest.mark.parametrize("lang", [lang.code for lang in LANGUAGES])
def test_source_ip_page_renders_every_diagram_as_svg(browser, built_site: BuiltSite, site_url: str, lang: str) -> None:
    blocks = _mermaid_blocks(built_site, lang)
    assert blocks >= 1
    context, page = _open(browser)
    page.goto(site_url + built_site.url_path(lang, SOURCE_IP))
    figures = page.locator("figure.k8s-diagram")
    assert figures.count() == blocks
    page.wait_for_function("n => document.querySelectorAll('figure.k8s-diagram[data-rendered]').length === n", arg=blocks)
    for i in range(blocks):
        figure = figures.nth(i)
        assert figure.get_attribute("data-rendered") == "live", f"diagram {i + 1} fell back to the image"
        svg = figure.locator(".k8s-diagram__live > svg")
        box = svg.bounding_box()
        assert box and box["width"] > 100 and box["height"] > 30, f"diagram {i + 1} is not drawn: {box}"
        assert svg.locator("text, foreignObject").count() > 0, f"diagram {i + 1} has no labels"
    context.close()


@pytest.mark.parametrize("lang", [lang.code for lang in LANGUAGES])
def test_source_ip_diagrams_are_visible_without_javascript(
    browser, built_site: BuiltSite, site_url: str, lang: str
) -> None:
    blocks = _mermaid_blocks(built_site, lang)
    context, page = _open(browser, javascript=False)
    page.goto(site_url + built_site.url_path(lang, SOURCE_IP))
    images = page.locator("figure.k8s-diagram img")
    assert images.count() == blocks
    for i in range(blocks):
        image = images.nth(i)
        image.scroll_into_view_if_needed()
        assert image.is_visible()
        assert image.get_attribute("src").endswith(".svg")
        loaded = image.evaluate("img => img.complete && img.naturalWidth > 0")
        box = image.bounding_box()
        assert loaded and box and box["width"] > 100, f"diagram {i + 1} image not shown: {box}"
    assert page.locator("figure.k8s-diagram svg").count() == 0  # no script ran
    context.close()


# --- language switcher ----------------------------------------------------------------------------


def _switch(page, lang: str) -> None:
    """Use the switcher as a reader does: point at the language button, then click the language."""
    page.hover(".k8s-language-switcher .md-select")
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.click(f".k8s-language-switcher a[data-k8s-lang={lang}]")


JAPANESE_PAGES = [page.src_uri for page in list_pages(REPO_ROOT / LANGUAGES[0].docs_dir)]


@pytest.fixture(scope="module")
def reader(browser):
    """One tab for the switcher tests: like a reader, it keeps its cache from page to page."""
    context, page = _open(browser)
    yield page
    context.close()


@pytest.mark.parametrize("src_uri", JAPANESE_PAGES)
def test_switcher_goes_to_the_english_page_and_back(reader, built_site: BuiltSite, site_url: str, src_uri: str) -> None:
    page = reader
    page.goto(site_url + built_site.url_path("ja", src_uri), wait_until="domcontentloaded")
    _switch(page, "en")
    assert urlsplit(page.url).path == built_site.url_path("en", src_uri)
    assert page.evaluate("document.documentElement.lang") == "en"
    _switch(page, "ja")
    assert urlsplit(page.url).path == built_site.url_path("ja", src_uri)
    assert page.evaluate("document.documentElement.lang") == "ja"


# --- Japanese search ------------------------------------------------------------------------------

# Typed without spaces, as a Japanese reader types them; each is written from its page's text.
QUERIES = [
    ("送信元IPアドレス", SOURCE_IP),
    ("送信元NAT", SOURCE_IP),
    ("ヘルスチェック", SOURCE_IP),
    ("ロードバランサー", SOURCE_IP),
    ("スケールダウン", STATEFULSET),
    ("永続ボリューム", STATEFULSET),
    ("StatefulSetを作成する", STATEFULSET),
    ("安定したネットワーク識別子", STATEFULSET),
    ("順序インデックス", STATEFULSET),
    ("カナリア版", STATEFULSET),
    ("非カスケードな削除", STATEFULSET),
    ("一般利用可能", APPARMOR),
    ("コンテナランタイム", APPARMOR),
    ("プロファイル", APPARMOR),
    ("ゲストブック", GUESTBOOK),
    ("軽量データシッパー", GUESTBOOK),
]


@pytest.fixture(scope="module")
def search_page(browser, built_site: BuiltSite, site_url: str):
    context, page = _open(browser)
    page.goto(site_url + "/")
    yield page
    context.close()


@pytest.mark.parametrize(("query", "src_uri"), QUERIES)
def test_japanese_query_without_spaces_ranks_the_expected_page_first(
    search_page, built_site: BuiltSite, query: str, src_uri: str
) -> None:
    source = built_site.docs_dirs["ja"] / src_uri
    text = source.read_text(encoding="utf-8")
    missing = [word for word in split_like_material(query) if word not in text]
    assert not missing, f"query {query!r} is no longer written from {source}: {missing} not in the page"

    page = search_page
    page.fill("input.md-search__input", "")
    page.click("input.md-search__input")
    # keyboard.type() inserts Japanese text without key events; an IME's commit ends with a key
    # release, and Material searches on key release: End leaves the text as it is.
    page.keyboard.type(query)
    page.keyboard.press("End")
    page.wait_for_function(
        "q => document.querySelector('.md-search-result__meta').textContent.match(/\\d|何も/) && "
        "document.querySelector('input.md-search__input').value === q",
        arg=query,
    )
    page.wait_for_timeout(150)  # results for the final text, not an intermediate one
    hrefs = page.eval_on_selector_all(".md-search-result__item > a", "els => els.map(e => e.href)")
    assert hrefs, f"{query!r} found nothing"
    first = urlsplit(hrefs[0]).path
    assert first == built_site.url_path("ja", src_uri), f"{query!r}: first result is {first}, then {hrefs[1:3]}"


# --- search loads its documents when a reader opens it ----------------------------------------------


@pytest.mark.parametrize("lang", [lang.code for lang in LANGUAGES])
def test_the_search_documents_load_when_the_search_opens_not_with_the_page(
    browser, built_site: BuiltSite, site_url: str, lang: str
) -> None:
    context, page = _open(browser)
    requests: list[str] = []
    context.on("request", lambda request: requests.append(urlsplit(request.url).path))
    page.goto(site_url + built_site.url_path(lang, STATEFULSET), wait_until="load")
    page.wait_for_load_state("networkidle")
    prefix = "/" + language(lang).prefix
    assert prefix + "search/search_index.json" in requests  # the configuration: Material's script needs it
    documents = [r for r in requests if re.fullmatch(re.escape(prefix) + r"search/search_index\.[0-9a-f]{12}\.json", r)]
    assert not documents, f"the search documents loaded with the page: {documents}"
    assert not [r for r in requests if "/workers/material-" in r or "/lunr/" in r]

    with page.expect_request(re.compile(re.escape(prefix) + r"search/search_index\.[0-9a-f]{12}\.json$")):
        page.click("input.md-search__input")  # opening the search is enough: nothing typed yet
    page.keyboard.type("StatefulSet")
    page.keyboard.press("End")
    page.wait_for_selector(".md-search-result__item > a")
    first = urlsplit(page.eval_on_selector(".md-search-result__item > a", "a => a.href")).path
    assert first == built_site.url_path(lang, STATEFULSET)
    context.close()


def test_a_query_typed_at_once_waits_for_the_documents_and_finds_them(browser, built_site: BuiltSite, site_url: str) -> None:
    """No message from the page (an old browser without BroadcastChannel): the first query fetches the documents."""
    context, page = _open(browser)
    page.add_init_script("delete window.BroadcastChannel")
    page.goto(site_url + "/", wait_until="load")
    page.focus("input.md-search__input")
    page.keyboard.type("永続ボリューム")
    page.keyboard.press("End")
    page.wait_for_selector(".md-search-result__item > a")
    first = urlsplit(page.eval_on_selector(".md-search-result__item > a", "a => a.href")).path
    assert first == built_site.url_path("ja", STATEFULSET)
    context.close()
