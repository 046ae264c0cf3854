"""Japanese typography and small screens, in Chromium at a phone's width (390 px) and a desktop's (1280 px).

Headings, navigation entries and table cells must not be cut inside a word (「アプリケーショ|ン」),
and no page may be wider than a phone: long commands scroll inside their own block. The tests
also leave screenshots in reports/screenshots/ for a person to look at.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from languages import LANGUAGES
from site_helpers import BuiltSite
from site_tools.languages import REPO_ROOT

#: Builds sites (or reads the shared node_modules): one worker runs all of these, one after another.
pytestmark = pytest.mark.xdist_group("site")

PHONE = 390
WIDTHS = (PHONE, 1280)
LINE_BREAKS_JS = re.sub(r"\A/\*.*?\*/\s*", "", (Path(__file__).parent / "line_breaks.js").read_text(encoding="utf-8"), flags=re.S)
# Must not break inside a word that fits: these may hold words longer than their line (a heading
# with a long identifier on a phone); table cells never shrink below their longest word.
CONTENT = ".md-content :is(h1, h2, h3, h4, h5, h6, th, td), .md-footer__title"
# Must not break inside a word at all: the navigation is made wide enough for its words.
NAVIGATION = ".md-nav__title, .md-nav__link .md-ellipsis"
SCREENSHOTS = REPO_ROOT / "reports" / "screenshots"


def _open(browser, width: int):
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.set_default_timeout(15_000)
    return context, context.new_page()


def _slug(path: str) -> str:
    return path.strip("/").replace("/", "_") or "home"


@dataclass(frozen=True)
class Visit:
    """What one pass over a language's pages at one width found."""

    problems: list[str]  # words cut in two (when the pass looked for them)
    too_wide: list[str]  # pages wider than the width (when the pass measured them)
    scrolling: int  # command blocks that scroll sideways in their own box (likewise)


def _visit(browser, built_site: BuiltSite, site_url: str, lang: str, width: int, *, breaks: bool,
           widths: bool) -> Visit:
    """Every page of LANG at WIDTH once: its width as loaded, then (BREAKS) screenshots and the word check."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context, page = _open(browser, width)
    problems, too_wide, scrolling = [], [], 0
    for source in built_site.pages(lang):
        path = built_site.url_path(lang, source.src_uri)
        page.goto(site_url + path, wait_until="load")
        if widths:
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            if scroll_width > width:
                too_wide.append(f"{path}: {scroll_width} px")
            scrolling += page.evaluate(
                "() => [...document.querySelectorAll('.md-typeset pre > code')].filter(c =>"
                " c.scrollWidth > c.clientWidth && ['auto', 'scroll'].includes(getComputedStyle(c).overflowX)).length"
            )
        if not breaks:
            continue
        page.screenshot(path=str(SCREENSHOTS / f"{lang}-{_slug(path)}-{width}.png"))
        if width < 1220:  # the navigation is a drawer: open it, as a reader would
            page.click(".md-header label[for=__drawer]")
            page.wait_for_timeout(300)
            page.screenshot(path=str(SCREENSHOTS / f"{lang}-{_slug(path)}-{width}-navigation.png"))
        for selector, strict in ((CONTENT, False), (NAVIGATION, True)):
            for found in page.evaluate(LINE_BREAKS_JS, [selector, strict]):
                problems.append(f"{path} <{found['tag']}> {found['in']!r}: cut as {found['text']!r} "
                                f"(word {found['width']} px, line {found['room']} px)")
    context.close()
    return Visit(problems, too_wide, scrolling)


@pytest.fixture(scope="module")
def japanese_on_a_phone(browser, built_site: BuiltSite, site_url: str) -> Visit:
    """The Japanese pages at a phone's width, loaded once for both tests that read them there (each page's
    width is measured as loaded, before the word check opens the navigation drawer)."""
    return _visit(browser, built_site, site_url, "ja", PHONE, breaks=True, widths=True)


@pytest.mark.parametrize("width", WIDTHS)
def test_japanese_headings_navigation_and_tables_break_between_words(
    request: pytest.FixtureRequest, browser, built_site: BuiltSite, site_url: str, width: int
) -> None:
    if width == PHONE:
        visit = request.getfixturevalue("japanese_on_a_phone")
    else:
        visit = _visit(browser, built_site, site_url, "ja", width, breaks=True, widths=False)
    assert not visit.problems, f"words cut in two at {width} px:\n" + "\n".join(visit.problems)


def test_the_break_check_sees_a_word_cut_in_two(browser) -> None:
    context, page = _open(browser, 390)
    page.set_content(
        '<html lang="ja"><body><h2 style="width: 14em; word-break: break-all">'
        "Podセキュリティアドミッションを使用したプロファイルの制限</h2></body></html>"
    )
    found = page.evaluate(LINE_BREAKS_JS, ["h2", False])
    context.close()
    assert found and found[0]["text"].replace("|", "") in ("セキュリティアドミッション", "プロファイル")


@pytest.mark.parametrize("lang", [lang.code for lang in LANGUAGES])
def test_no_page_is_wider_than_a_phone_and_long_commands_scroll_in_their_block(
    request: pytest.FixtureRequest, browser, built_site: BuiltSite, site_url: str, lang: str
) -> None:
    if lang == "ja":
        visit = request.getfixturevalue("japanese_on_a_phone")
    else:
        visit = _visit(browser, built_site, site_url, lang, PHONE, breaks=False, widths=True)
    assert not visit.too_wide, f"pages wider than a {PHONE} px phone:\n" + "\n".join(visit.too_wide)
    assert visit.scrolling, "no command is longer than a phone's screen: the scroll check saw nothing"
