"""Where the site lives is set in one place: every absolute URL follows it, and a subdirectory base works.

The site is built twice more, at the root of one host and below a path on another
(``https://owner.github.io/repo/``, as on GitHub Pages for a project), with ``--site-url``. Every
absolute URL the site writes (canonical and hreflang links, the sitemap index and its sitemaps,
robots.txt) must start with that base, the configured default host must appear nowhere, and in the
browser the subdirectory site's switcher and search must work when it is served below ``/repo/``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

import pytest

from languages import LANGUAGES
from site_helpers import BuiltSite, build_or_fail, docs_dirs_in_repo, parse, require_mermaid
from site_tools.languages import REPO_ROOT
from site_tools.serve import base_url, serve_directory
from site_tools.site_url import ENV, configured_root
from site_tools.sitemap import INDEX, SITEMAP_NS, XHTML_NS

AT_ROOT = "https://docs.example.net/"
BELOW_A_PATH = "https://owner.github.io/repo/"
NS = {"sm": SITEMAP_NS, "xhtml": XHTML_NS}
#: What the site writes as text that may hold an absolute URL of its own.
TEXT_FILES = (".html", ".xml", ".txt", ".json")
#: Its own worker: the two builds below are module fixtures, set up again on every worker that runs one of the
#: tests (and again whenever a worker's next test is another module's) if these spread like ungrouped tests.
pytestmark = pytest.mark.xdist_group("site-url")


@pytest.fixture(scope="module", params=[AT_ROOT, BELOW_A_PATH], ids=["root", "subdirectory"])
def site_at(request, tmp_path_factory) -> tuple[str, BuiltSite]:
    require_mermaid()
    out = tmp_path_factory.mktemp("site-url") / "site"
    build_or_fail(out, site_url=request.param)
    return request.param, BuiltSite(out, docs_dirs_in_repo())


def _absolute_urls(site: BuiltSite) -> dict[str, list[str]]:
    """Every canonical/hreflang link of every page, and every URL of the sitemaps and robots.txt."""
    found: dict[str, list[str]] = {"canonical": [], "hreflang": [], "sitemap": [], "robots": []}
    for lang in LANGUAGES:
        for page in site.pages(lang.code):
            for tag, attrs in parse(site.html_file(lang.code, page.src_uri)).tags:
                if tag == "link" and attrs.get("rel") == "canonical":
                    found["canonical"].append(attrs["href"])
                elif tag == "link" and "hreflang" in attrs:
                    found["hreflang"].append(attrs["href"])
    for sitemap in site.root.glob("sitemap*.xml"):
        tree = ET.parse(sitemap)
        found["sitemap"] += [e.text or "" for e in tree.iterfind(".//sm:loc", NS)]
        found["sitemap"] += [e.get("href", "") for e in tree.iterfind(".//xhtml:link", NS)]
    robots = site.root / "robots.txt"
    if robots.is_file():
        found["robots"] = re.findall(r"(?m)^Sitemap: (\S+)$", robots.read_text(encoding="utf-8"))
    return found


def test_every_absolute_url_starts_with_the_base_it_was_built_for(site_at: tuple[str, BuiltSite]) -> None:
    base, site = site_at
    found = _absolute_urls(site)
    assert found["canonical"] and found["hreflang"] and found["sitemap"], {k: len(v) for k, v in found.items()}
    wrong = {kind: [u for u in urls if not u.startswith(base)] for kind, urls in found.items()}
    assert not any(wrong.values()), wrong
    pages = sum(len(site.pages(lang.code)) for lang in LANGUAGES)
    assert len(found["canonical"]) == pages


def test_the_configured_default_host_appears_nowhere(site_at: tuple[str, BuiltSite]) -> None:
    _, site = site_at
    default_host = urlsplit(configured_root()).netloc
    leaks = [str(p.relative_to(site.root)) for p in site.root.rglob("*")
             if p.suffix in TEXT_FILES and default_host in p.read_text(encoding="utf-8", errors="replace")]
    assert not leaks, f"{default_host} is still written in {leaks}"


def test_robots_txt_only_at_the_root_of_a_host(site_at: tuple[str, BuiltSite]) -> None:
    base, site = site_at
    robots = site.root / "robots.txt"
    if urlsplit(base).path == "/":
        assert robots.read_text(encoding="utf-8").endswith(f"Sitemap: {base}{INDEX}\n")
    else:  # a robots.txt below a path is never read: the host's own names the sitemap, or the owner submits it
        assert not robots.exists()


def test_the_404_pages_find_their_assets_below_the_base(site_at: tuple[str, BuiltSite]) -> None:
    """MkDocs gives 404.html absolute paths (it is served for any missing URL): they carry the base's path."""
    base, site = site_at
    path = urlsplit(base).path
    for lang in LANGUAGES:
        assets = [a["href"] for tag, a in parse(site.root / lang.prefix / "404.html").tags
                  if tag == "link" and a.get("rel") == "stylesheet"]
        assert assets and all(href.startswith(path + lang.prefix + "assets/") for href in assets), assets


def test_the_environment_variable_sets_the_base_like_the_option(tmp_path: Path) -> None:
    """`K8S_SITE_URL` reaches a plain `mkdocs build` of a translation too: its build lives below the root."""
    out = tmp_path / "en"
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", "mkdocs.en.yml", "-d", str(out)],
                          cwd=REPO_ROOT, capture_output=True, text=True, check=False,
                          env={**os.environ, "NO_MKDOCS_2_WARNING": "1", ENV: "https://mirror.example.com/docs"})
    assert done.returncode == 0, done.stderr
    canonical = next(a["href"] for tag, a in parse(out / "index.html").tags if tag == "link" and a.get("rel") == "canonical")
    assert canonical == "https://mirror.example.com/docs/en/"


def test_a_base_that_is_not_an_absolute_url_is_refused(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "site_tools.build", "--out", str(tmp_path / "site"),
                           "--site-url", "owner.github.io/repo"], cwd=REPO_ROOT, capture_output=True, text=True,
                          check=False)
    assert done.returncode == 2 and "--site-url: 'owner.github.io/repo' is not an absolute http(s) URL" in done.stderr
    assert not (tmp_path / "site").exists()


# --- below a path, in the browser -----------------------------------------------------------------


@pytest.fixture(scope="module")
def below_a_path(site_at: tuple[str, BuiltSite], tmp_path_factory) -> Iterator[str]:
    """The subdirectory build served at http://127.0.0.1:PORT/repo/."""
    base, site = site_at
    prefix = urlsplit(base).path
    assert prefix != "/", base
    www = tmp_path_factory.mktemp("www")
    shutil.copytree(site.root, www / prefix.strip("/"))
    server = serve_directory(www, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base_url(server) + prefix
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("site_at", [BELOW_A_PATH], ids=["subdirectory"], indirect=True)
def test_below_a_path_the_switcher_and_search_work(browser, below_a_path: str) -> None:
    served = below_a_path
    own = urlsplit(served).netloc
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    context.set_default_timeout(10_000)
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    context.route(re.compile(r"^(?!" + re.escape(f"http://{own}/") + r").*"), lambda route: route.abort())
    page = context.new_page()
    try:
        page.goto(served + "tutorials/stateful-application/basic-stateful-set/", wait_until="load")
        page.hover(".k8s-language-switcher .md-select")
        with page.expect_navigation(wait_until="load"):
            page.click(".k8s-language-switcher a[data-k8s-lang=en]")
        assert page.url == served + "en/tutorials/stateful-application/basic-stateful-set/"
        page.click("input.md-search__input")
        page.keyboard.type("StatefulSet")
        page.keyboard.press("End")
        page.wait_for_selector(".md-search-result__item > a")
        hrefs = page.eval_on_selector_all(".md-search-result__item > a", "els => els.map(e => e.href)")
        assert hrefs and all(h.startswith(served + "en/") for h in hrefs), hrefs[:3]
        with page.expect_navigation(wait_until="load"):
            page.click(".md-search-result__item > a")
        assert page.url.startswith(served + "en/") and page.title()
    finally:
        context.close()
    outside = [r for r in requests if not r.startswith(served)]
    assert not outside, f"requests outside {served}: {outside}"
