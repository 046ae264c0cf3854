"""The page-status slot, the marks under command blocks, the verification status page and untranslated
pages, on a test build with fixture records and fixture pages.

The build uses copies of the real pages, the English home page made outdated (its recorded source blob
is not the Japanese page's), plus two fixture pages, a Japanese-only one (no translation yet) and an
English-only one whose front matter claims to be outdated, and fixture verification records made from the real
pages' steps (verify.records) for each case: a control-plane run, a failed run, a full cluster that
left out the steps needing Elasticsearch, a full cluster that ran everything, a page changed since
its record, and a page with no record.
"""

from __future__ import annotations

import re
import shutil
from html import unescape
from pathlib import Path

import pytest

from gitfacts import file_blob
from pagegrammar.pages import list_pages
from site_helpers import BuiltSite, build_or_fail, parse, require_mermaid, resolve, write_stand_in
from site_tools.languages import REPO_ROOT
from site_tools.verification import ICON_NAMES
from translations.status import last_changed
from verify import records
from verify.live.recording import Snapshot, build_record
from verify.live.results import PageResult, StepResult
from verify.model import Step, StepKind
from verify.outcomes import Checked, Failure, Outcome, Skip
from verify.parsers import load_page

#: Builds sites (or reads the shared node_modules): one worker runs all of these, one after another.
pytestmark = pytest.mark.xdist_group("site")

SOURCE_IP = "tutorials/services/source-ip.md"
APPARMOR = "tutorials/security/apparmor.md"
GUESTBOOK = "tutorials/stateless-application/guestbook-logs-metrics-with-elk.md"
STATEFULSET = "tutorials/stateful-application/basic-stateful-set.md"
EN_ONLY = "fixture-en-only.md"
OUTDATED = "index.md"  # the English home page, its translation stamp made stale
JA_ONLY = "fixture-ja-only.md"
NO_RECORD = "fixture-no-record.md"
STATUS_PAGE = "verification-status.md"
CP = {"target": "control-plane", "server_version": "v1.37.2", "nodes": 3, "kwok_version": "0.8.0"}
CLUSTER = {"target": "cluster", "server_version": "v1.37.2", "nodes": 3}
REAL_NODES = ("exec", "curl", "wget", "nslookup", "ssh", "ip addr", "cat /sys", "NODES=(")
FIXTURE_PAGE = "---\ntitle: {title}\nweight: {weight}\n---\n\n# {title}\n\n```shell\nkubectl version\n```\n\n" \
               "出力は次のようになります。\n\n```text\n{output}\n```\n"


def _passed(step: Step, kind: str) -> Outcome:
    """What the runner's handlers decide a passed step checked."""
    if kind == "terminal":
        return Outcome.passed(Checked.WATCH if step.directive.terminal_show else Checked.BACKGROUND)
    if step.kind is StepKind.CLAIM:
        return Outcome.passed(Checked.CLAIM)
    if step.output is not None:
        return Outcome.passed(Checked.NOT_COMPARED if step.output.directive.skip_reason else Checked.OUTPUT)
    return Outcome.passed(Checked.NONE if step.directive.exit_status == "any" else Checked.EXIT)


def _result(page_path: Path, root: Path, target: dict, *, fail: int | None = None,
            needs: str | None = None) -> PageResult:
    """A PageResult as the runner makes it: on a control plane, steps needing real nodes are skipped."""
    page = load_page(page_path, root)
    result = PageResult(page.path, namespace="verify-x-123456")
    failed_at: Step | None = None
    for identity in records.identities(page):
        step = identity.step
        text = "\n".join(step.commands) or step.text
        if failed_at is not None:
            outcome = Outcome.skipped(Skip.AFTER_FAILURE, f"after failure at {failed_at.location}",
                                      after=failed_at.location)
        elif identity.n == fail:
            outcome = Outcome.failed(Failure.OUTPUT, "output differs from the documented output at x.md:1")
            failed_at = step
        elif step.directive.skip_reason:
            outcome = Outcome.skipped(Skip.DIRECTIVE, step.directive.skip_reason)
        elif target["target"] == "control-plane" and any(word in text for word in REAL_NODES):
            outcome = Outcome.skipped(Skip.NEEDS, "cluster lacks exec (needs a container runtime: control-plane target)",
                                      needs=["exec"])
        elif needs and needs in step.directive.requires:
            outcome = Outcome.skipped(Skip.NEEDS, f"cluster lacks {needs} (not provided; pass --provide {needs} if you "
                                                  "have it)", needs=[needs])
        else:
            outcome = _passed(step, identity.kind)
        result.steps.append(StepResult(step.location, identity.kind, outcome, text))
    return result


def _record(ja_dir: Path, src_uri: str, out: Path, target: dict, **kwargs) -> records.Record:
    page = ja_dir / src_uri
    root = ja_dir.parent.parent  # <work>/docs_src/ja; manifests are the repository's
    parsed = load_page(page, REPO_ROOT)
    files = {f"docs_src/ja/{src_uri}": file_blob(page)}
    for name in records.included_files(parsed, REPO_ROOT):
        files[name] = file_blob(REPO_ROOT / name)
    snapshot = Snapshot(page, f"docs_src/ja/{src_uri}", files, records.identities(parsed))
    kind = target["target"]
    described = records.Target(kind, target["server_version"], "v1.37.1", target["nodes"], target.get("kwok_version"))
    record = build_record(snapshot, _result(page, REPO_ROOT, target, **kwargs), described, "2026-11-20", "0" * 40, root)
    path = out / Path(src_uri).with_suffix(".json")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(records.dumps(record), encoding="utf-8")
    return record


@pytest.fixture(scope="module")
def status_site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    require_mermaid()
    work = tmp_path_factory.mktemp("status-site")
    ja_dir, en_dir, records_dir = work / "docs_src" / "ja", work / "en", work / "verification"
    shutil.copytree(REPO_ROOT / "docs_src/ja", ja_dir)
    if (REPO_ROOT / "docs/en").is_dir():
        shutil.copytree(REPO_ROOT / "docs/en", en_dir)
    for page in list_pages(ja_dir):
        if not (en_dir / page.src_uri).exists():
            write_stand_in(page, en_dir / page.src_uri)
    for src_uri, title, weight in ((JA_ONLY, "日本語だけのページ", 98), (NO_RECORD, "記録のないページ", 97)):
        (ja_dir / src_uri).write_text(FIXTURE_PAGE.format(title=title, weight=weight, output="Client Version: v1.37.1"),
                                      encoding="utf-8")
    write_stand_in(next(p for p in list_pages(ja_dir) if p.src_uri == NO_RECORD), en_dir / NO_RECORD)
    (en_dir / EN_ONLY).write_text(  # front matter cannot make a page outdated: only the translation workflow can
        "---\ntitle: Fixture English-only page\nweight: 99\ntranslation_status: outdated\n"
        "source_changed: 2026-11-01\n---\n\n# Fixture English-only page\n\n```shell\nkubectl version\n```\n",
        encoding="utf-8",
    )
    home = en_dir / OUTDATED
    stamp = re.compile(r"(?m)^(  source_blob: )[0-9a-f]{40}$")
    assert stamp.search(home.read_text(encoding="utf-8")), "the English home page has no translation stamp"
    home.write_text(stamp.sub(r"\g<1>" + "deadbeef" * 5, home.read_text(encoding="utf-8")), encoding="utf-8")
    _record(ja_dir, SOURCE_IP, records_dir, CP)
    _record(ja_dir, APPARMOR, records_dir, CP, fail=3)
    _record(ja_dir, GUESTBOOK, records_dir, CLUSTER, needs="elasticsearch")
    _record(ja_dir, STATEFULSET, records_dir, CLUSTER)
    _record(ja_dir, JA_ONLY, records_dir, CP)
    # The page changes after its record: one word of its documented output.
    changed = ja_dir / JA_ONLY
    changed.write_text(changed.read_text(encoding="utf-8").replace("Client Version", "Client version"), encoding="utf-8")
    build_or_fail(work / "site", docs_dirs={"ja": ja_dir, "en": en_dir}, verification_dir=records_dir)
    return BuiltSite(work / "site", {"ja": ja_dir, "en": en_dir})


def _html(site: BuiltSite, lang: str, src_uri: str) -> str:
    return site.html_file(lang, src_uri).read_text(encoding="utf-8")


def _found(pattern: str, html: str) -> re.Match[str]:
    match = re.search(pattern, html, re.DOTALL)
    assert match, f"no {pattern!r} in the page"
    return match


def _text(site: BuiltSite, lang: str, src_uri: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", "", _html(site, lang, src_uri))).split())


def _slot(site: BuiltSite, lang: str, src_uri: str) -> tuple[dict[str, str], str]:
    html = _html(site, lang, src_uri)
    match = re.search(r'<div class="k8s-page-status([^"]*)"\s+data-k8s-verification="([^"]+)"\s+'
                      r'data-k8s-record="([^"]+)"[^>]*>(.*?)</div>', html, re.DOTALL)
    assert match, f"{lang}:{src_uri} has no status slot"
    text = " ".join(unescape(re.sub(r"<[^>]+>", "", match.group(4))).split())
    return {"class": match.group(1), "state": match.group(2), "record": match.group(3)}, text


def _marks(site: BuiltSite, lang: str, src_uri: str) -> list[tuple[str, str]]:
    html = _html(site, lang, src_uri)
    return [(m.group(1), " ".join(unescape(re.sub(r"<[^>]+>", "", m.group(2))).split()))
            for m in re.finditer(r'<p class="k8s-step-mark[^"]*" data-k8s-step="(\w+)".*?>(.*?)</p>', html, re.DOTALL)]


def test_a_control_plane_run_says_so_in_each_language_and_never_verified(status_site) -> None:
    attrs, ja = _slot(status_site, "ja", SOURCE_IP)
    assert attrs == {"class": " k8s-page-status--control-plane", "state": "control-plane", "record": "current"}
    assert ("検証状況: 2026-11-20にKubernetes v1.37.2のコントロールプレーン"
            "(ノード3台はkwokによるシミュレーション)で実行しました。") in ja
    assert re.search(r"\d+ステップのうち\d+ステップを実行し、結果はすべて期待どおりでした。", ja)
    assert re.search(r"ページに記載された出力\d+件のうち\d+件を、実際の出力と照合しました。", ja)
    assert re.search(r"実行しなかったステップ: 実ノードが必要なもの\d+件\(", ja)
    assert "検証済み" not in ja
    _, en = _slot(status_site, "en", SOURCE_IP)
    assert "Verification: Run on 2026-11-20 on a Kubernetes v1.37.2 control plane (3 nodes simulated by kwok)." in en
    assert re.search(r"\d+ of \d+ steps ran, all as expected\. \d+ of the \d+ outputs shown on the page were compared", en)
    assert re.search(r"Not run: \d+ that need real nodes \(", en)
    assert "verified" not in en.lower()


def test_the_counts_in_the_slot_are_the_records(status_site) -> None:
    record = records.read_record(status_site.root.parent / "verification" / "tutorials/services/source-ip.json")
    summary = record.summary
    _, ja = _slot(status_site, "ja", SOURCE_IP)
    assert f"{summary.steps}ステップのうち{summary.run}ステップを実行し" in ja
    assert f"出力{summary.outputs.documented}件のうち{summary.outputs.compared}件" in ja
    assert summary.outputs.compared < summary.outputs.documented


def test_a_failed_run_is_red_and_says_which_step(status_site) -> None:
    for lang, words in (("ja", "3番目のステップ"), ("en", "step 3")):
        attrs, _text = _slot(status_site, lang, APPARMOR)
        assert attrs["state"] == "failed"
        html = _html(status_site, lang, APPARMOR)
        failure = re.search(r'<span class="k8s-page-status__sentence k8s-page-status__failure">([^<]*)</span>', html)
        assert failure and words in failure.group(1)
    assert "出力が記載と異なりました" in _slot(status_site, "ja", APPARMOR)[1]
    assert "the output differed from the one shown" in _slot(status_site, "en", APPARMOR)[1]


def test_a_full_cluster_run_without_elasticsearch_is_never_verified(status_site) -> None:
    attrs, ja = _slot(status_site, "ja", GUESTBOOK)
    assert attrs["state"] == "partial" and "検証済み" not in ja
    assert "Elasticsearchが必要なもの" in ja and "クラスター(ノード3台)で実行しました" in ja
    attrs, en = _slot(status_site, "en", GUESTBOOK)
    assert attrs["state"] == "partial" and "verified" not in en.lower() and "that need Elasticsearch" in en


def test_only_a_complete_full_cluster_run_says_verified(status_site) -> None:
    attrs, ja = _slot(status_site, "ja", STATEFULSET)
    assert attrs["state"] == "verified" and "ステップをすべて実行し、結果はすべて期待どおりでした(検証済み)" in ja
    attrs, en = _slot(status_site, "en", STATEFULSET)
    assert attrs["state"] == "verified" and re.search(r"All \d+ steps ran, all as expected \(verified\)", en)


def test_a_page_changed_since_its_record_says_so(status_site) -> None:
    attrs, ja = _slot(status_site, "ja", JA_ONLY)
    assert attrs["record"] == "outdated" and "k8s-page-status--outdated" in attrs["class"]
    assert "この実行の後に変更されています(変更されたファイル: docs_src/ja/fixture-ja-only.md)" in ja
    # The step whose documented output changed is not shown as matched any more.
    assert _marks(status_site, "ja", JA_ONLY) == [("changed", "検証: 未実行: 前回の実行の後に変更されたステップです")]


def test_a_page_without_a_record_was_not_run(status_site) -> None:
    attrs, ja = _slot(status_site, "ja", NO_RECORD)
    assert attrs["state"] == "none" and attrs["record"] == "none"
    assert "まだ実行されていません" in ja and _marks(status_site, "ja", NO_RECORD) == []
    attrs, en = _slot(status_site, "en", NO_RECORD)
    assert "This page has not been run yet" in en


def test_page_without_commands_has_no_verification_slot(status_site) -> None:
    assert "data-k8s-verification" not in _html(status_site, "ja", "index.md")
    assert "data-k8s-verification" not in _html(status_site, "en", STATUS_PAGE)


@pytest.mark.parametrize("src_uri", [SOURCE_IP, APPARMOR, GUESTBOOK, STATEFULSET])
def test_every_command_block_has_one_mark_in_both_languages(status_site, src_uri: str) -> None:
    visible = [i for i in records.identities(load_page(status_site.docs_dirs["ja"] / src_uri, REPO_ROOT)) if not i.hidden]
    ja, en = _marks(status_site, "ja", src_uri), _marks(status_site, "en", src_uri)
    assert len(ja) == len(en) == len(visible)
    assert [state for state, _ in ja] == [state for state, _ in en]
    assert all(text.startswith("検証: ") for _, text in ja) and all(text.startswith("Verification: ") for _, text in en)


def test_marks_say_what_ran_and_why_the_rest_did_not(status_site) -> None:
    ja = _marks(status_site, "ja", SOURCE_IP)
    texts = {text for _, text in ja}
    assert "検証: コントロールプレーンで実行: 出力は記載どおり" in texts
    assert any(t.startswith("検証: コントロールプレーンで実行: 出力は照合していません (") for t in texts)
    assert any(t.startswith("検証: 未実行: 実ノードが必要です (") for t in texts)
    assert any(t.startswith("検証: 未実行: ページの指定によります (") for t in texts)
    states = {state for state, _ in ja}
    assert states <= {"matched", "ran", "skipped"} and {"matched", "ran", "skipped"} <= states
    # A skipped step is never "matched", and a watch started in the background is not either.
    sts = _marks(status_site, "en", STATEFULSET)
    assert ("ran", "Verification: Ran (started in the background): its output is compared at the watch block below") in sts
    failed = _marks(status_site, "en", APPARMOR)
    assert [state for state, _ in failed].count("failed") == 1
    after = [text for state, text in failed[[s for s, _ in failed].index("failed") + 1:]]
    assert after and all(not t.startswith("Verification: Ran") for t in after)


def test_marks_sit_outside_the_code_so_copying_a_command_copies_only_the_command(status_site) -> None:
    html = _html(status_site, "ja", SOURCE_IP)
    for code in re.findall(r"<pre>.*?</pre>", html, re.DOTALL):
        assert "k8s-step-mark" not in code
    assert re.search(r'</code></pre></div>\s*<p class="k8s-step-mark', html)
    mark = _found(r'<p class="k8s-step-mark[^>]*>(.*?)</p>', html).group(0)
    assert 'class="k8s-sr-only"' in mark and "title=" not in mark and "<span" + ' aria-hidden' not in mark
    # the tooltip every mark shares is held once, by the slot (a script of the page gives it to each mark)
    assert re.search(r'<div class="k8s-page-status[^>]*data-k8s-marks-title="2026-11-20、', html)


def test_icons_are_drawn_once_by_the_stylesheet_not_repeated_in_the_page(status_site) -> None:
    """Each slot and mark names its icon by class; the site's stylesheet holds each icon's shape once."""
    sheet = (status_site.root / "assets/stylesheets/k8s-site.css").read_text(encoding="utf-8")
    rule = r'\.k8s-icon--([\w-]+)\s*\{\s*--k8s-icon:\s*url\("data:image/svg\+xml;charset=utf-8,(<svg .*?</svg>)"\);?\s*\}'
    shapes = dict(re.findall(rule, sheet))
    assert set(shapes) == set(ICON_NAMES) and all("<path d=" in svg for svg in shapes.values())
    used: set[str] = set()
    for lang in ("ja", "en"):
        for src_uri in (SOURCE_IP, APPARMOR, GUESTBOOK, STATEFULSET, STATUS_PAGE) + ((JA_ONLY,) if lang == "ja" else ()):
            html = _html(status_site, lang, src_uri)
            article = _found(r"<article.*?</article>", html).group(0)
            assert "<svg" not in article, f"{lang}:{src_uri}: an inline SVG in the page's content"
            icons = re.findall(r'<span class="k8s-page-status__icon k8s-icon k8s-icon--([\w-]+)" aria-hidden="true"></span>'
                               r'|<p class="k8s-step-mark k8s-icon--([\w-]+)"', html)
            icons = [slot or mark for slot, mark in icons]
            assert icons, f"{lang}:{src_uri}: no icon"
            used.update(icons)
    # every state the fixtures make: ran and matched (cluster, control plane), ran, not run, failed, changed
    assert {"check-circle", "check-circle-outline", "play-circle-outline", "minus-circle-outline", "close-circle",
            "help-circle-outline", "alert-circle-outline"} <= used <= set(shapes)


def test_the_slot_links_to_the_status_page_which_lists_every_page(status_site) -> None:
    site = status_site
    for lang, words in (("ja", ("コントロールプレーン(Kubernetes v1.37.2、ノードはシミュレーション)", "**失敗**", "検証済み")),
                        ("en", ("control plane (Kubernetes v1.37.2, simulated nodes)", "failed", "verified"))):
        slot = _found(r'<div class="k8s-page-status.*?</div>', _html(site, lang, SOURCE_IP)).group(0)
        href = unescape(_found(r'<a href="([^"]+)">', slot).group(1))
        assert resolve(site, lang, SOURCE_IP, href) == site.html_file(lang, STATUS_PAGE)
        text = _text(site, lang, STATUS_PAGE)
        for page in (SOURCE_IP, APPARMOR, GUESTBOOK, STATEFULSET, JA_ONLY, NO_RECORD):
            source = site.docs_dirs[lang] / page
            title = load_page(source if source.exists() else site.docs_dirs["ja"] / page, REPO_ROOT).front_matter.title
            assert title in text, f"{lang}: {title} missing from the status page"
        assert words[0] in text and words[1].strip("*") in text and words[2] in text
    assert "古い(ページの変更後に未実行)" in _text(site, "ja", STATUS_PAGE)
    assert "outdated (page changed since)" in _text(site, "en", STATUS_PAGE)


def test_outdated_translation_shows_the_banner_with_a_link_to_the_japanese_side(status_site) -> None:
    site = status_site
    html = site.html_file("en", OUTDATED)
    changed = last_changed(REPO_ROOT, REPO_ROOT / "docs_src/ja" / OUTDATED)
    assert changed, "the Japanese home page has no date in git"
    assert (
        f"The Japanese source of this page changed on {changed}; this translation may be out of date."
        in _text(site, "en", OUTDATED)
    )
    link = next(a for tag, a in parse(html).tags
                if tag == "a" and a.get("hreflang") == "ja" and "md-select__link" not in a.get("class", ""))
    assert resolve(site, "en", OUTDATED, link["href"]) == site.html_file("ja", OUTDATED)


def test_front_matter_cannot_mark_a_page_outdated(status_site) -> None:
    assert "k8s-translation-notice" not in _html(status_site, "en", EN_ONLY)


def test_current_translation_has_no_banner(status_site) -> None:
    assert "k8s-translation-notice" not in _html(status_site, "en", APPARMOR)


def test_japanese_page_without_translation_links_to_the_english_home(status_site) -> None:
    site = status_site
    tags = parse(site.html_file("ja", JA_ONLY)).tags
    english = next(a for tag, a in tags if tag == "a" and a.get("data-k8s-lang") == "en")
    assert english["data-k8s-translated"] == "false"
    assert resolve(site, "ja", JA_ONLY, english["href"]) == site.html_file("en", "index.md")
    assert "English (not translated yet)" in _text(site, "ja", JA_ONLY)


def test_english_only_page_links_to_the_japanese_home(status_site) -> None:
    site = status_site
    tags = parse(site.html_file("en", EN_ONLY)).tags
    japanese = next(a for tag, a in tags if tag == "a" and a.get("data-k8s-lang") == "ja")
    assert resolve(site, "en", EN_ONLY, japanese["href"]) == site.html_file("ja", "index.md")
    assert "日本語 (未翻訳)" in _text(site, "en", EN_ONLY)


def test_a_page_in_one_language_only_has_no_hreflang_alternates(status_site) -> None:
    site = status_site
    for lang, src_uri in (("ja", JA_ONLY), ("en", EN_ONLY)):
        links = [a for tag, a in parse(site.html_file(lang, src_uri)).tags if tag == "link" and "hreflang" in a]
        assert links == [], f"{lang}:{src_uri} has no translation, yet links {links}"
    assert [a for tag, a in parse(site.html_file("ja", APPARMOR)).tags if tag == "link" and "hreflang" in a]
