"""Japanese typography and small screens, in Chromium at a phone's width (390 px) and a desktop's (1280 px).

Headings, navigation entries and table cells must not be cut inside a word (「アプリケーショ|ン」),
and no page may be wider than a phone: long commands scroll inside their own block. The tests
also leave screenshots in reports/screenshots/ for a person to look at.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from languages import LANGUAGES
from site_helpers import BuiltSite
from site_tools.languages import REPO_ROOT

#: Builds sites (or reads the shared node_modules): one worker runs all of these, one after another.
pytestmark = pytest.mark.xdist_group("site")

WIDTHS = (390, 1280)
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


@pytest.mark.parametrize("width", WIDTHS)
def test_japanese_headings_navigation_and_tables_break_between_words(
    browser, built_site: BuiltSite, site_url: str, width: int
) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context, page = _open(browser, width)
    problems = []
    for source in built_site.pages("ja"):
        path = built_site.url_path("ja", source.src_uri)
        page.goto(site_url + path, wait_until="load")
        page.screenshot(path=str(SCREENSHOTS / f"ja-{_slug(path)}-{width}.png"))
        if width < 1220:  # the navigation is a drawer: open it, as a reader would
            page.click(".md-header label[for=__drawer]")
            page.wait_for_timeout(300)
            page.screenshot(path=str(SCREENSHOTS / f"ja-{_slug(path)}-{width}-navigation.png"))
        for selector, strict in ((CONTENT, False), (NAVIGATION, True)):
            for found in page.evaluate(LINE_BREAKS_JS, [selector, strict]):
                problems.append(f"{path} <{found['tag']}> {found['in']!r}: cut as {found['text']!r} "
                                f"(word {found['width']} px, line {found['room']} px)")
    context.close()
    assert not problems, f"words cut in two at {width} px:\n" + "\n".join(problems)


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
    browser, built_site: BuiltSite, site_url: str, lang: str
) -> None:
    context, page = _open(browser, 390)
    too_wide, scrolling = [], 0
    for source in built_site.pages(lang):
        path = built_site.url_path(lang, source.src_uri)
        page.goto(site_url + path, wait_until="load")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 390:
            too_wide.append(f"{path}: {width} px")
        scrolling += page.evaluate(
            "() => [...document.querySelectorAll('.md-typeset pre > code')].filter(c =>"
            " c.scrollWidth > c.clientWidth && ['auto', 'scroll'].includes(getComputedStyle(c).overflowX)).length"
        )
    context.close()
    assert not too_wide, "pages wider than a 390 px phone:\n" + "\n".join(too_wide)
    assert scrolling, "no command is longer than a phone's screen: the scroll check saw nothing"
