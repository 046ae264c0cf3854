"""Accessibility in a real browser: axe-core (WCAG 2.0/2.1 A and AA) on every page in both schemes,
keyboard use of the controls a reader needs, and diagrams a screen reader can read."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from languages import LANGUAGES
from site_helpers import BuiltSite, unavailable
from site_tools.diagram_text import describe
from site_tools.diagrams import diagrams_in_markdown
from site_tools.node import NodeDependencyError, ensure_axe

#: Builds sites (or reads the shared node_modules): one worker runs all of these, one after another.
pytestmark = pytest.mark.xdist_group("site")

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SCHEMES = {"light": "default", "dark": "slate"}  # prefers-color-scheme → Material's scheme
GUESTBOOK = "tutorials/stateless-application/guestbook-logs-metrics-with-elk.md"
SOURCE_IP = "tutorials/services/source-ip.md"


@pytest.fixture(scope="module")
def axe_js() -> str:
    """axe-core from node_modules (package-lock.json), injected as a script: nothing is fetched."""
    try:
        return ensure_axe().read_text(encoding="utf-8")
    except NodeDependencyError as err:
        unavailable(f"axe-core is not installed: {err}")


def _context(browser, site_url: str, **options):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, **options)
    context.set_default_timeout(15_000)
    context.route(re.compile(r"^(?!" + re.escape(site_url) + r"/).*"), lambda route: route.abort())
    return context


def _wait_for_diagrams(page) -> None:
    count = page.locator("figure.k8s-diagram").count()
    if count:
        page.wait_for_function(
            "n => document.querySelectorAll('figure.k8s-diagram[data-rendered]').length === n", arg=count
        )


def _every_url(site: BuiltSite) -> list[str]:
    pages = [site.url_path(lang.code, page.src_uri) for lang in LANGUAGES for page in site.pages(lang.code)]
    return pages + [f"/{lang.prefix}404.html" for lang in LANGUAGES]


@dataclass(frozen=True)
class Violation:
    url: str
    rule: str
    impact: str
    nodes: int
    example: str

    def __str__(self) -> str:
        return f"{self.url}: {self.rule} ({self.impact}, {self.nodes} element(s)), e.g. {self.example}"


def _axe(page, axe_js: str) -> list[dict]:
    page.add_script_tag(content=axe_js)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_TAGS,
    )
    return result["violations"]


@pytest.mark.parametrize("scheme", list(SCHEMES))
def test_axe_finds_no_wcag_a_or_aa_violation_on_any_page(
    browser, built_site: BuiltSite, site_url: str, axe_js: str, scheme: str
) -> None:
    context = _context(browser, site_url, color_scheme=scheme)
    page = context.new_page()
    found: list[Violation] = []
    checked = 0
    for path in _every_url(built_site):
        page.goto(site_url + path, wait_until="load")
        _wait_for_diagrams(page)
        assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == SCHEMES[scheme], path
        for violation in _axe(page, axe_js):
            node = violation["nodes"][0]
            message = ((node.get("any") or node.get("all") or [{}])[0]).get("message", "")
            found.append(
                Violation(path, violation["id"], str(violation["impact"]), len(violation["nodes"]),
                          f"{node['target'][0]}: {message}")
            )
        checked += 1
    context.close()
    assert checked == len(_every_url(built_site))
    assert not found, f"{len(found)} axe violation(s) in the {scheme} scheme:\n" + "\n".join(map(str, found))


def test_axe_itself_reports_a_violation_it_should(browser, site_url: str, axe_js: str) -> None:
    """The check can fail: pale text, and a link told apart by a slightly different colour only."""
    context = _context(browser, site_url)
    page = context.new_page()
    page.goto(site_url + "/", wait_until="load")
    page.evaluate(
        "() => document.querySelector('.md-content p').insertAdjacentHTML('beforeend',"
        " ' <span style=\"color:#bbb\">pale words on white</span>'"
        " + ' <a href=\"#x\" style=\"color:#3a3a3a;text-decoration:none\">a link that looks like text</a>')"
    )
    rules = {violation["id"] for violation in _axe(page, axe_js)}
    context.close()
    assert {"color-contrast", "link-in-text-block"} <= rules


# --- keyboard ----------------------------------------------------------------------------------------

_FOCUSED = """() => {
  const e = document.activeElement, r = e.getBoundingClientRect();
  return {
    tag: e.tagName.toLowerCase(), classes: e.className.toString(), lang: e.dataset.k8sLang || "",
    name: (e.getAttribute("aria-label") || e.title || (e.labels && e.labels[0] && e.labels[0].textContent)
           || e.textContent || "").trim(),
    where: e.closest(".md-header") ? "header" : e.closest(".md-content") ? "content" : "other",
    visible: r.width > 0 && r.height > 0 && r.bottom > 0 && r.top < innerHeight,
    tab: !!e.closest(".tabbed-set"), inDrawer: !!e.closest(".md-sidebar"),
  };
}"""


def _tab_through(page, stops: int) -> list[dict]:
    seen = []
    for _ in range(stops):
        page.keyboard.press("Tab")
        seen.append(page.evaluate(_FOCUSED))
    return seen


def test_skip_link_comes_first_and_leads_into_the_content(browser, built_site: BuiltSite, site_url: str) -> None:
    context = _context(browser, site_url)
    page = context.new_page()
    page.goto(site_url + built_site.url_path("ja", SOURCE_IP), wait_until="load")
    first = _tab_through(page, 1)[0]
    assert "md-skip" in first["classes"] and first["visible"], f"first stop: {first}"
    assert first["name"] == "コンテンツにスキップ"
    page.keyboard.press("Enter")
    after = _tab_through(page, 1)[0]
    context.close()
    assert after["where"] == "content", f"after the skip link, Tab went to {after}"


def test_focus_reaches_switcher_tabs_and_copy_buttons_in_order(browser, built_site: BuiltSite, site_url: str) -> None:
    context = _context(browser, site_url)
    page = context.new_page()
    page.goto(site_url + built_site.url_path("ja", GUESTBOOK), wait_until="load")
    stops = _tab_through(page, 160)

    def first(predicate) -> int:
        return next((i for i, stop in enumerate(stops) if predicate(stop)), -1)

    skip = first(lambda s: "md-skip" in s["classes"])
    switcher = first(lambda s: s["where"] == "header" and s["name"] == "言語切り替え")
    english = first(lambda s: s["lang"] == "en")
    tab = first(lambda s: s["tab"] and s["tag"] == "input")
    copy = first(lambda s: "md-code__button" in s["classes"] or "md-clipboard" in s["classes"])
    assert skip == 0
    assert 0 < switcher < english, f"switcher button {switcher}, its English link {english}"
    assert stops[english]["visible"], "the switcher's links must show when they have focus (no hover needed)"
    assert -1 not in (tab, copy), f"tab {tab}, copy button {copy}: not reached with Tab"
    assert english < copy and english < tab
    assert stops[copy]["name"] == "クリップボードへコピー" and stops[copy]["visible"]
    assert stops[tab]["name"] == "セルフマネージド"
    context.close()


def test_tabs_switch_with_arrow_keys(browser, built_site: BuiltSite, site_url: str) -> None:
    context = _context(browser, site_url)
    page = context.new_page()
    page.goto(site_url + built_site.url_path("ja", GUESTBOOK), wait_until="load")
    for _ in range(300):
        page.keyboard.press("Tab")
        if page.evaluate("!!document.activeElement.closest('.tabbed-set')"):
            break
    shown = ("() => [...document.querySelector('.tabbed-set .tabbed-content').children]"
             ".map(b => getComputedStyle(b).display !== 'none')")
    assert page.evaluate(shown) == [True, False]
    page.keyboard.press("ArrowRight")
    assert page.evaluate(shown) == [False, True]
    assert page.evaluate("document.activeElement.labels[0].textContent.trim()") == "Elastic Cloud Hosted"
    context.close()


def test_copy_button_copies_the_command_from_the_keyboard(browser, built_site: BuiltSite, site_url: str) -> None:
    context = _context(browser, site_url, permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(site_url + built_site.url_path("ja", SOURCE_IP), wait_until="load")
    for _ in range(300):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('.md-code__button, .md-clipboard')"):
            break
    code = page.evaluate("document.querySelector(document.activeElement.dataset.clipboardTarget).innerText")
    page.keyboard.press("Enter")
    copied = page.evaluate("navigator.clipboard.readText()")
    context.close()
    assert code.strip() and copied.strip() == code.strip()


# --- diagrams ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", [lang.code for lang in LANGUAGES])
def test_each_diagram_is_an_image_named_by_its_text(browser, built_site: BuiltSite, site_url: str, lang: str) -> None:
    source = built_site.docs_dirs[lang] / SOURCE_IP
    diagrams = diagrams_in_markdown(source.read_text(encoding="utf-8"), source)
    names = [describe(d.source, lang).summary(n) for n, d in enumerate(diagrams, 1)]
    assert all("→" in name for name in names)
    context = _context(browser, site_url)
    page = context.new_page()
    page.goto(site_url + built_site.url_path(lang, SOURCE_IP), wait_until="load")
    _wait_for_diagrams(page)
    for name in names:
        assert page.get_by_role("img", name=name, exact=True).count() == 1, f"no image named {name!r}"
    # The same sentences, as a list any reader can open under the diagram.
    first = page.locator("figure.k8s-diagram figcaption details").first
    first.locator("summary").click()
    items = first.locator("li").all_inner_texts()
    assert items == describe(diagrams[0].source, lang).sentences()
    context.close()

    context = _context(browser, site_url, java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url + built_site.url_path(lang, SOURCE_IP), wait_until="load")
    alts = page.locator("figure.k8s-diagram noscript + *, figure.k8s-diagram img").evaluate_all(
        "els => els.filter(e => e.tagName === 'IMG').map(e => e.alt)"
    )
    context.close()
    assert alts == names
