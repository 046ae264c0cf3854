"""The committed verification records on the built site, in Chromium, with JavaScript on and off:
each tutorial's status slot and one mark under each command block in both languages, marks a
screen reader can read, and copy-to-clipboard that copies the command only."""

from __future__ import annotations

import pytest

from languages import LANGUAGES
from site_helpers import BuiltSite
from site_tools.languages import REPO_ROOT
from verify import records
from verify.parsers import load_page

#: Builds sites (or reads the shared node_modules): one worker runs all of these, one after another.
pytestmark = pytest.mark.xdist_group("site")

TUTORIALS = sorted(p.relative_to(REPO_ROOT / "docs_src" / "ja").as_posix()
                   for p in (REPO_ROOT / "docs_src" / "ja" / "tutorials").rglob("*.md"))
SR = {"ja": "検証: ", "en": "Verification: "}


def _visible_steps(site: BuiltSite, lang: str, src_uri: str) -> int:
    page = load_page(site.docs_dirs[lang] / src_uri, REPO_ROOT)
    return sum(1 for identity in records.identities(page) if not identity.hidden)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("lang", [lang.code for lang in LANGUAGES])
def test_each_tutorial_shows_its_record_and_a_mark_under_each_command(
        browser, built_site: BuiltSite, site_url: str, lang: str, javascript: bool) -> None:
    context = browser.new_context(java_script_enabled=javascript, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        for src_uri in TUTORIALS:
            record = records.read_record(REPO_ROOT / "verification" / src_uri.replace(".md", ".json"))
            page.goto(site_url + built_site.url_path(lang, src_uri))
            slot = page.locator(".k8s-page-status")
            assert slot.is_visible(), f"{lang}:{src_uri}: no status slot"
            assert slot.get_attribute("data-k8s-verification") == records.verdict(record)
            text = slot.inner_text()
            assert record.date in text and str(record.target.kubernetes) in text
            if record.target.kind == "control-plane":
                assert ("コントロールプレーン" if lang == "ja" else "control plane") in text
                assert "検証済み" not in text and "verified" not in text.lower()
            marks = page.locator(".k8s-step-mark")
            assert marks.count() == _visible_steps(built_site, lang, src_uri), f"{lang}:{src_uri}"
            details = page.evaluate("""() => [...document.querySelectorAll('.k8s-step-mark')].map(m => ({
                text: m.textContent,
                afterCode: !!(m.previousElementSibling && m.previousElementSibling.matches('div.highlight')),
                inPre: !!m.closest('pre'),
                icon: getComputedStyle(m, '::before').getPropertyValue('mask-image'),
                iconText: getComputedStyle(m, '::before').getPropertyValue('content'),
                title: m.getAttribute('title') || '',
                shown: m.getBoundingClientRect().height > 0,
                codeShown: !!m.previousElementSibling && m.previousElementSibling.getBoundingClientRect().height > 0,
                state: m.getAttribute('data-k8s-step'),
            }))""")
            for detail in details:
                assert detail["text"].startswith(SR[lang]) and detail["afterCode"] and not detail["inPre"]
                assert detail["icon"].startswith('url("data:image/svg+xml') and detail["iconText"] == '""'  # nothing read
                assert (record.date in detail["title"]) == javascript  # the slot's shared tooltip, given by a script
                assert detail["shown"] == detail["codeShown"]  # seen with its block (both hidden in a closed tab)
            # read with the rest above: one round trip for the page, not one per mark (173 per case)
            states = {detail["state"] for detail in details}
            assert states <= {"matched", "ran", "skipped", "failed", "changed"}
            if record.outcome == "passed":
                assert "failed" not in states
    finally:
        context.close()


def test_the_copy_button_copies_the_command_and_not_its_mark(browser, built_site: BuiltSite, site_url: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site_url)
    page = context.new_page()
    try:
        page.goto(site_url + built_site.url_path("ja", "tutorials/stateful-application/basic-stateful-set.md"))
        block = page.locator("div.highlight:has(+ .k8s-step-mark)").first
        block.hover()
        block.locator("button[data-md-type=copy]").click()
        copied = page.evaluate("() => navigator.clipboard.readText()")
        assert copied.strip() == block.locator("code").inner_text().strip()
        assert "検証" not in copied and "コントロールプレーン" not in copied
    finally:
        context.close()


def test_the_status_page_lists_every_tutorial_in_both_languages(browser, built_site: BuiltSite, site_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        for lang in ("ja", "en"):
            page.goto(site_url + built_site.url_path(lang, "verification-status.md"))
            status, images = page.locator("table").nth(0), page.locator("table").nth(1)
            assert status.locator("tbody tr").count() == len(TUTORIALS)
            for src_uri in TUTORIALS:
                title = load_page(built_site.docs_dirs[lang] / src_uri, REPO_ROOT).front_matter.title
                assert status.get_by_role("link", name=title).count() == 1
            # The images of the records from real nodes, each with what it was built from.
            recorded = {name for src_uri in TUTORIALS for name in (records.read_record(
                REPO_ROOT / "verification" / src_uri.replace(".md", ".json")).images or {})}
            assert images.locator("tbody tr").count() == len(recorded)
            assert "docker.io/library/busybox:1.28" in images.inner_text()
            assert page.locator(".k8s-step-legend li").count() == 7
    finally:
        context.close()
