"""What the built site contains, read from its HTML: languages, navigation, switcher, anchors, assets."""

from __future__ import annotations

import itertools
import json
import posixpath
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from languages import LANGUAGES, language
from site_helpers import BuiltSite, all_pages, parse, resolve
from site_tools.build import BUILD_INFO
from site_tools.languages import REPO_ROOT
from site_tools.node import MERMAID_JS
from site_tools.plugin.theme_script import MATERIAL_SELECTOR, NO_LOOKUP_SELECTOR
from site_tools.urls import page_url

#: Builds sites (or reads the shared node_modules): one worker runs all of these, one after another.
pytestmark = pytest.mark.xdist_group("site")


def test_each_language_is_built_at_its_own_root(built_site: BuiltSite) -> None:
    for lang in LANGUAGES:
        for page in built_site.pages(lang.code):
            html = built_site.html_file(lang.code, page.src_uri)
            assert html.is_file(), f"{page.path} was not built at {html}"
            assert parse(html).html_lang == lang.code, f"{html} is not marked lang={lang.code}"


def test_switcher_links_reach_the_same_page_in_the_other_language(built_site: BuiltSite) -> None:
    for lang, src_uri in all_pages(built_site):
        tags = parse(built_site.html_file(lang, src_uri)).tags
        links = {a["data-k8s-lang"]: a for tag, a in tags if tag == "a" and "data-k8s-lang" in a}
        assert set(links) == {lang.code for lang in LANGUAGES}, f"{lang}:{src_uri} has no complete switcher"
        for other, link in links.items():
            target = resolve(built_site, lang, src_uri, link["href"])
            assert target.is_file(), f"{lang}:{src_uri}: switcher link {link['href']!r} leads nowhere"
            if src_uri in built_site.src_uris(other):
                assert target == built_site.html_file(other, src_uri), f"{lang}:{src_uri} -> {other} goes elsewhere"
            else:
                assert target == built_site.html_file(other, "index.md")
                assert link["data-k8s-translated"] == "false"


def test_the_sites_script_is_materials_without_its_sitemap_lookup(built_site: BuiltSite) -> None:
    """Material's stock switcher follows each `link[rel=alternate]` to a sitemap; the site's copy of its script
    differs from the installed theme's in that one selector, so the hreflang links in <head> are not followed."""
    import material

    theme = Path(material.__file__).parent / "templates" / "assets" / "javascripts"
    for lang in LANGUAGES:
        built = sorted((built_site.root / lang.prefix / "assets" / "javascripts").glob("bundle.*.min.js"))
        assert len(built) == 1, built
        original = (theme / built[0].name).read_bytes()
        assert built[0].read_bytes() == original.replace(MATERIAL_SELECTOR, NO_LOOKUP_SELECTOR) != original


def _next_pages(site: BuiltSite, lang: str) -> list[str]:
    """The page order readers get (head <link rel="next"> chain), from the home page."""
    by_url = {page_url(p.src_uri): p.src_uri for p in site.pages(lang)}
    order = ["index.md"]
    while True:
        tags = parse(site.html_file(lang, order[-1])).tags
        nxt = next((a["href"] for tag, a in tags if tag == "link" and a.get("rel") == "next"), None)
        if nxt is None:
            return order
        target = resolve(site, lang, order[-1], nxt).parent.relative_to(site.root / language(lang).prefix)
        url = "" if str(target) == "." else target.as_posix() + "/"
        order.append(by_url[url])


@pytest.mark.parametrize("lang", [lang.code for lang in LANGUAGES])
def test_navigation_follows_the_front_matter_weight(built_site: BuiltSite, lang: str) -> None:
    meta = {p.src_uri: p.front_matter() for p in built_site.pages(lang)}
    order = _next_pages(built_site, lang)
    assert sorted(order) == sorted(meta), "some pages are missing from the navigation"
    assert order[0] == "index.md"
    for a, b in itertools.pairwise(order):
        if posixpath.dirname(a) == posixpath.dirname(b):
            assert meta[a]["weight"] <= meta[b]["weight"], f"{a} (weight {meta[a]['weight']}) comes before {b}"
    top = [uri for uri in order[1:] if "/" not in uri]
    assert [meta[u]["weight"] for u in top] == sorted(meta[u]["weight"] for u in top)


def test_navigation_titles_come_from_front_matter(built_site: BuiltSite) -> None:
    for lang in LANGUAGES:
        for page in built_site.pages(lang.code):
            html = built_site.html_file(lang.code, page.src_uri).read_text(encoding="utf-8")
            expected = page.front_matter()["title"]
            assert f"<title>{expected}" in html.replace("&#39;", "'").replace("&quot;", '"'), (
                f"{page.path}: <title> is not its front matter title"
            )


def test_japanese_headings_keep_readable_anchors(built_site: BuiltSite) -> None:
    ids = []
    for page in built_site.pages("ja"):
        tags = parse(built_site.html_file("ja", page.src_uri)).tags
        ids += [(page.src_uri, a["id"]) for tag, a in tags if re.fullmatch(r"h[1-6]", tag) and "id" in a]
    assert ids, "no headings found"
    assert not [x for x in ids if re.fullmatch(r"_\d+", x[1])], "headings got opaque anchors like #_1"
    statefulset = "tutorials/stateful-application/basic-stateful-set.md"
    if statefulset in built_site.src_uris("ja"):
        assert (statefulset, "statefulsetを作成する") in ids


def test_every_page_asset_comes_from_the_site_itself(built_site: BuiltSite) -> None:
    """Scripts, styles, icons and images are relative URLs (rel=canonical and the hreflang alternates
    name pages; they load nothing)."""
    for lang, src_uri in all_pages(built_site):
        for tag, a in parse(built_site.html_file(lang, src_uri)).tags:
            names_a_page = {"canonical", "alternate"} & set(a.get("rel", "").split())
            loads = tag in ("script", "img", "iframe", "source") or (tag == "link" and not names_a_page)
            url = (a.get("src") or a.get("href") or a.get("srcset")) if loads else None
            if url:
                assert not urlsplit(url).scheme and not url.startswith("//"), f"{lang}:{src_uri} loads {url}"


def test_mermaid_is_served_by_the_site_and_only_on_pages_with_diagrams(built_site: BuiltSite) -> None:
    with_diagrams = 0
    for lang, src_uri in all_pages(built_site):
        tags = parse(built_site.html_file(lang, src_uri)).tags
        figures = [a for tag, a in tags if tag == "figure" and "k8s-diagram" in a.get("class", "")]
        scripts = [a["src"] for tag, a in tags if tag == "script" and "src" in a]
        loads_mermaid = any(s.endswith("/mermaid.min.js") for s in scripts)
        assert loads_mermaid == bool(figures), f"{lang}:{src_uri}: {len(figures)} diagram(s), mermaid loaded={loads_mermaid}"
        assert not [a for tag, a in tags if tag == "pre" and "mermaid" in a.get("class", "").split()], (
            f"{lang}:{src_uri} still has a pre.mermaid block that Material would render from a CDN"
        )
        with_diagrams += bool(figures)
    assert with_diagrams, "no page has a diagram: the Source IP page should"
    for each in LANGUAGES:
        served = built_site.root / each.prefix / "assets/javascripts/mermaid.min.js"
        assert served.read_bytes() == MERMAID_JS.read_bytes()


def test_search_index_is_a_stub_naming_the_documents_file(built_site: BuiltSite) -> None:
    """search/search_index.json is what every page loads: the configuration; the documents are apart."""
    for lang in LANGUAGES:
        folder = built_site.root / lang.prefix / "search"
        stub = json.loads((folder / "search_index.json").read_text(encoding="utf-8"))
        assert stub["docs"] == [] and stub["config"]["lang"] == [lang.search_lang]
        documents = json.loads((folder / stub["config"]["k8s_documents"]).read_text(encoding="utf-8"))
        titles = {doc["title"] for doc in documents["docs"]}
        assert len(documents["docs"]) > len(built_site.pages(lang.code)) and titles
        assert {k: v for k, v in stub["config"].items() if k != "k8s_documents"} == documents["config"]
        assert len((folder / "search_index.json").read_bytes()) < 4096


def test_the_command_line_forks_the_builds_and_they_build_the_same_site(built_site: BuiltSite, tmp_path: Path) -> None:
    """`nox -s site` builds each language in a fork of one process that imported MkDocs once; the tests' builds
    (threads running, as under pytest-xdist) start a new interpreter per language. Both give the same site."""
    out = tmp_path / "site"
    inputs = [arg for lang, path in built_site.docs_dirs.items() for arg in ("--docs-dir", f"{lang}={path}")]
    done = subprocess.run([sys.executable, "-m", "site_tools.build", "--out", str(out), *inputs], cwd=REPO_ROOT,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "(parallel, forked: " in done.stdout
    ours = {p.relative_to(out) for p in out.rglob("*") if p.is_file()}
    theirs = {p.relative_to(built_site.root) for p in built_site.root.rglob("*") if p.is_file()}
    assert ours == theirs
    differ = [str(p) for p in sorted(ours) if p.name != BUILD_INFO
              and (out / p).read_bytes() != (built_site.root / p).read_bytes()]
    assert differ == []
