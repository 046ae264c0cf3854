"""The page-status slot and untranslated pages, on a test build with a fixture report and fixture pages.

The build uses copies of the real pages plus two fixture pages, a Japanese-only
one (no translation yet) and an English-only one marked outdated, and a fixture
verify-report.json.
"""

from __future__ import annotations

import json
import shutil
from html import unescape

import pytest

from site_tools.languages import REPO_ROOT
from site_tools.pages import list_pages

from site_helpers import BuiltSite, build_or_fail, parse, require_mermaid, resolve, write_stand_in

SOURCE_IP = "tutorials/services/source-ip.md"
APPARMOR = "tutorials/security/apparmor.md"
OUTDATED = "fixture-outdated.md"
JA_ONLY = "fixture-ja-only.md"
REPORT = {
    "schema": 1,
    "tiers": {
        "live": {
            "target": "cluster",
            "server_version": "v1.37.1",
            "started": "2026-11-20T08:00:00+00:00",
            "pages": [
                {"path": f"docs_src/ja/{SOURCE_IP}", "status": "passed", "verified": True},
                {"path": f"docs_src/ja/{APPARMOR}", "status": "failed", "error": "step 4 timed out"},
            ],
        }
    },
}
LISTED = {SOURCE_IP, APPARMOR}


@pytest.fixture(scope="module")
def status_site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    require_mermaid()
    work = tmp_path_factory.mktemp("status-site")
    ja_dir, en_dir = work / "ja", work / "en"
    shutil.copytree(REPO_ROOT / "docs_src/ja", ja_dir)
    if (REPO_ROOT / "docs/en").is_dir():
        shutil.copytree(REPO_ROOT / "docs/en", en_dir)
    for page in list_pages(ja_dir):
        if not (en_dir / page.src_uri).exists():
            write_stand_in(page, en_dir / page.src_uri)
    (ja_dir / JA_ONLY).write_text(
        "---\ntitle: 日本語だけのページ\nweight: 98\n---\n\n# 日本語だけのページ\n\n```shell\nkubectl version\n```\n",
        encoding="utf-8",
    )
    (en_dir / OUTDATED).write_text(
        "---\ntitle: Fixture outdated page\nweight: 99\ntranslation_status: outdated\n"
        "source_changed: 2026-11-01\n---\n\n# Fixture outdated page\n\n```shell\nkubectl version\n```\n",
        encoding="utf-8",
    )
    report = work / "verify-report.json"
    report.write_text(json.dumps(REPORT), encoding="utf-8")
    build_or_fail(work / "site", docs_dirs={"ja": ja_dir, "en": en_dir}, verify_report=report)
    return BuiltSite(work / "site", {"ja": ja_dir, "en": en_dir})


def _text(site: BuiltSite, lang: str, src_uri: str) -> str:
    return " ".join(unescape(site.html_file(lang, src_uri).read_text(encoding="utf-8")).split())


def test_verified_page_shows_version_and_date_in_each_language(status_site) -> None:
    site = status_site
    ja = _text(site, "ja", SOURCE_IP).replace("</strong>", "")
    en = _text(site, "en", SOURCE_IP).replace("</strong>", "")
    assert 'data-k8s-verification="verified"' in ja and 'data-k8s-verification="verified"' in en
    assert "検証状況: Kubernetes v1.37.1 で検証済み（2026-11-20）" in ja
    assert "Verification: Verified against Kubernetes v1.37.1 on 2026-11-20" in en


def test_failed_page_says_so(status_site) -> None:
    site = status_site
    text = _text(site, "en", APPARMOR).replace("</strong>", "")
    assert "Verification: Verification failed on 2026-11-20 (Kubernetes v1.37.1)" in text
    assert "検証に失敗しました（2026-11-20、Kubernetes v1.37.1）" in _text(site, "ja", APPARMOR)


def test_page_absent_from_the_report_is_not_yet_verified(status_site) -> None:
    site = status_site
    unlisted = [p.src_uri for p in site.pages("ja") if p.src_uri not in LISTED and "```shell" in p.read()]
    assert unlisted, "expected a page with commands that the fixture report does not list"
    for src_uri in unlisted:
        assert 'data-k8s-verification="unverified"' in _text(site, "ja", src_uri)
        assert "未検証" in _text(site, "ja", src_uri)


def test_page_without_commands_has_no_verification_slot(status_site) -> None:
    site = status_site
    assert "data-k8s-verification" not in _text(site, "ja", "index.md")


def test_outdated_translation_shows_the_banner_with_a_link_to_the_japanese_side(status_site) -> None:
    site = status_site
    html = site.html_file("en", OUTDATED)
    assert (
        "The Japanese source of this page changed on 2026-11-01; this translation may be out of date."
        in _text(site, "en", OUTDATED)
    )
    link = next(a for tag, a in parse(html).tags if tag == "a" and a.get("hreflang") == "ja" and "md-select__link" not in a.get("class", ""))
    # This page has no Japanese source, so the banner (like the switcher) leads to the Japanese home page.
    assert resolve(site, "en", OUTDATED, link["href"]) == site.html_file("ja", "index.md")


def test_current_translation_has_no_banner(status_site) -> None:
    site = status_site
    assert "k8s-translation-notice" not in _text(site, "en", APPARMOR)


def test_japanese_page_without_translation_links_to_the_english_home(status_site) -> None:
    site = status_site
    tags = parse(site.html_file("ja", JA_ONLY)).tags
    english = next(a for tag, a in tags if tag == "a" and a.get("data-k8s-lang") == "en")
    assert english["data-k8s-translated"] == "false"
    assert resolve(site, "ja", JA_ONLY, english["href"]) == site.html_file("en", "index.md")
    assert "English (not translated yet)" in _text(site, "ja", JA_ONLY)


def test_english_only_page_links_to_the_japanese_home(status_site) -> None:
    site = status_site
    tags = parse(site.html_file("en", OUTDATED)).tags
    japanese = next(a for tag, a in tags if tag == "a" and a.get("data-k8s-lang") == "ja")
    assert resolve(site, "en", OUTDATED, japanese["href"]) == site.html_file("ja", "index.md")
    assert "日本語 (未翻訳)" in _text(site, "en", OUTDATED)


def test_a_page_in_one_language_only_has_no_hreflang_alternates(status_site) -> None:
    site = status_site
    for lang, src_uri in (("ja", JA_ONLY), ("en", OUTDATED)):
        links = [a for tag, a in parse(site.html_file(lang, src_uri)).tags if tag == "link" and "hreflang" in a]
        assert links == [], f"{lang}:{src_uri} has no translation, yet links {links}"
    assert [a for tag, a in parse(site.html_file("ja", APPARMOR)).tags if tag == "link" and "hreflang" in a]
