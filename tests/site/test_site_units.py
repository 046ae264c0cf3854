"""The pure parts of the site machinery: language links, diagram hashes, status texts, search separator,
hreflang and sitemaps, diagrams in words, line-break hints."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import jinja2
import pytest

from languages import language
from pagegrammar.pages import list_pages
from site_helpers import split_like_material, unavailable
from site_tools.diagram_text import describe
from site_tools.diagrams import (
    Diagram,
    diagram_hash,
    diagrams_in_markdown,
    freshness_problems,
    svg_header,
)
from site_tools.git_dates import last_commit_dates
from site_tools.japanese import break_hints
from site_tools.languages import REPO_ROOT, alternate_links, hreflang_links, relative_href, root_url_from
from site_tools.render_diagrams import with_intrinsic_size
from site_tools.sitemap import entries, write_sitemaps
from site_tools.step_marks import MarkRenderer, code_blocks, insert_marks
from site_tools.urls import page_url
from site_tools.verification import mark_for, page_status
from tests.git_repo import git
from verify.records import PageFailure, Record, RecordStep, Target
from verify.results import FAILED, PASSED, SKIPPED

#: Builds sites (or reads the shared node_modules): one worker runs all of these, one after another.
pytestmark = pytest.mark.xdist_group("site")

# --- language links -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("src_uri", "url"),
    [("index.md", ""), ("tutorials/index.md", "tutorials/"),
     ("tutorials/services/source-ip.md", "tutorials/services/source-ip/")],
)
def test_page_url_is_the_directory_url_mkdocs_gives(src_uri: str, url: str) -> None:
    assert page_url(src_uri) == url


def test_japanese_page_links_to_the_same_english_page_relatively() -> None:
    links = alternate_links(
        "tutorials/services/source-ip.md",
        language("ja"),
        {"ja": {"tutorials/services/source-ip.md"}, "en": {"tutorials/services/source-ip.md"}},
    )
    by_lang = {link.lang: link for link in links}
    assert by_lang["en"].href == "../../../en/tutorials/services/source-ip/"
    assert by_lang["en"].translated and not by_lang["en"].note
    assert by_lang["ja"].href == "./" and by_lang["ja"].current


def test_english_page_links_back_to_the_japanese_page() -> None:
    links = alternate_links("tutorials/a.md", language("en"), {"ja": {"tutorials/a.md"}, "en": {"tutorials/a.md"}})
    assert {link.lang: link.href for link in links} == {"ja": "../../../tutorials/a/", "en": "./"}


def test_page_missing_in_english_links_to_the_english_home_and_says_so() -> None:
    links = alternate_links("tutorials/a.md", language("ja"), {"ja": {"tutorials/a.md"}, "en": {"index.md"}})
    english = next(link for link in links if link.lang == "en")
    assert english.href == "../../en/"
    assert not english.translated
    assert english.note == "not translated yet"


def test_home_pages_link_to_each_other() -> None:
    available = {"ja": {"index.md"}, "en": {"index.md"}}
    assert alternate_links("index.md", language("ja"), available)[1].href == "en/"
    assert alternate_links("index.md", language("en"), available)[0].href == "../"


def test_relative_href_between_sibling_directories() -> None:
    assert relative_href("en/a/", "a/") == "../en/a/"
    assert relative_href("", "en/") == "../"


# --- diagrams --------------------------------------------------------------------------------------

PAGE = """# Page

```mermaid
graph LR;
  a-->b;
```

=== "Tab"

    ```mermaid
    graph TD;
      c-->d;
    ```
"""


def test_mermaid_fences_are_found_with_their_line_even_inside_tabs(tmp_path: Path) -> None:
    found = diagrams_in_markdown(PAGE, tmp_path / "page.md")
    assert [(d.line, d.source) for d in found] == [
        (3, "graph LR;\n  a-->b;"),
        (10, "graph TD;\n  c-->d;"),
    ]


def test_hash_ignores_trailing_blanks_but_not_content() -> None:
    assert diagram_hash("graph LR;\n  a-->b;  \n\n") == diagram_hash("\ngraph LR;\n  a-->b;")
    assert diagram_hash("graph LR;\n  a-->b;") != diagram_hash("graph LR;\n  a-->c;")


def test_unclosed_fence_names_file_and_line(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"page\.md:2: code fence ```mermaid is never closed"):
        diagrams_in_markdown("text\n```mermaid\ngraph LR;\n", tmp_path / "page.md")


def _render_fake(diagrams_dir: Path, source: str) -> Path:
    path = diagrams_dir / f"{diagram_hash(source)}.svg"
    path.write_text(svg_header(source, "11.0.0") + "<svg></svg>\n", encoding="utf-8")
    return path


def test_fresh_diagrams_have_no_problem(tmp_path: Path) -> None:
    diagram = Diagram(tmp_path / "p.md", 3, "graph LR;\n  a-->b;")
    _render_fake(tmp_path, diagram.source)
    assert freshness_problems([diagram], tmp_path) == []


def test_changed_diagram_without_new_svg_is_reported_with_page_and_line(tmp_path: Path) -> None:
    _render_fake(tmp_path, "graph LR;\n  a-->b;")
    changed = Diagram(tmp_path / "p.md", 7, "graph LR;\n  a-->c;")
    problems = freshness_problems([changed], tmp_path)
    assert any("p.md:7: mermaid diagram has no pre-rendered" in p and "nox -s diagrams" in p for p in problems)
    assert any("no page has this diagram any more" in p for p in problems)


def test_svg_whose_recorded_source_disagrees_is_reported(tmp_path: Path) -> None:
    diagram = Diagram(tmp_path / "p.md", 3, "graph LR;\n  a-->b;")
    (tmp_path / f"{diagram.hash}.svg").write_text(svg_header("graph LR;\n  x-->y;", "11") + "<svg/>", encoding="utf-8")
    assert any("does not record the source" in p for p in freshness_problems([diagram], tmp_path))


def test_svg_from_another_mermaid_is_reported(tmp_path: Path) -> None:
    diagram = Diagram(tmp_path / "p.md", 3, "graph LR;\n  a-->b;")
    _render_fake(tmp_path, diagram.source)  # records mermaid 11.0.0
    assert freshness_problems([diagram], tmp_path, mermaid_version="11.0.0") == []
    problems = freshness_problems([diagram], tmp_path, mermaid_version="11.17.2")
    assert any("rendered by mermaid 11.0.0, the site serves 11.17.2" in p for p in problems)


def test_prerendered_svg_gets_an_intrinsic_size_for_img() -> None:
    svg = '<svg id="d" width="100%" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 525.6 76.2"><g/></svg>'
    assert with_intrinsic_size(svg).startswith('<svg id="d" width="526" height="77" xmlns=')


# --- verification status (from records, verify/records.py) ---------------------------------------

STEPS = (
    RecordStep(1, "command", "a", 9, "kubectl apply -f web.yaml", PASSED, check="output", output_sha="o1"),
    RecordStep(2, "terminal", "b", 12, "kubectl get -w", PASSED, check="background"),
    RecordStep(3, "hidden-command", "c", 15, "kubectl wait", PASSED, hidden=True, check="exit"),
    RecordStep(4, "command", "d", 18, "kubectl exec web-0 -- hostname", SKIPPED, skip="needs", needs=("exec",),
               output_sha="o4"),
    RecordStep(5, "command", "e", 21, "kubectl get pods <pod>", SKIPPED, skip="directive", reason="例示のため"),
)


def record(kind: str = "control-plane", steps: tuple[RecordStep, ...] = STEPS, outcome: str = PASSED,
           failure: PageFailure | None = None) -> Record:
    """A record built from verify.records' own types (what build_record returns and read_record reads)."""
    target = Target(kind, "v1.37.2", "v1.37.1", 3, kwok="0.8.0" if kind == "control-plane" else None)
    return Record("docs_src/ja/tutorials/a.md", {}, target, "2026-11-20", None, outcome, tuple(steps), failure)


def test_no_record_means_not_run_yet_in_both_languages() -> None:
    assert page_status(None, [], "ja").text == "このページはまだ実行されていません(検証の記録がありません)。"
    assert page_status(None, [], "en").state == "none"


def test_a_control_plane_record_is_summarised_and_never_verified() -> None:
    status = page_status(record(), [], "ja")
    assert status.state == "control-plane"
    assert status.text == ("2026-11-20にKubernetes v1.37.2のコントロールプレーン"
                           "(ノード3台はkwokによるシミュレーション)で実行しました。"
                           "5ステップのうち3ステップを実行し、結果はすべて期待どおりでした。"
                           "ページに記載された出力2件のうち1件を、実際の出力と照合しました。"
                           "実行しなかったステップ: 実ノードが必要なもの1件(コンテナ内でのコマンド実行)、"
                           "ページの指定により実行しないもの1件。")
    en = page_status(record(), [], "en").text
    assert en == ("Run on 2026-11-20 on a Kubernetes v1.37.2 control plane (3 nodes simulated by kwok). "
                  "3 of 5 steps ran, all as expected. 1 of the 2 outputs shown on the page were compared with the "
                  "real output. Not run: 1 that need real nodes (running commands in a container), 1 that the page "
                  "marks as not to be run.")


def test_a_full_cluster_verifies_only_when_nothing_was_left_out_for_a_need() -> None:
    assert page_status(record("cluster"), [], "en").state == "partial"
    everything = tuple(s for s in STEPS if s.skip != "needs")
    status = page_status(record("cluster", everything), [], "en")
    assert status.state == "verified" and "All 4 steps ran, all as expected (verified)." in status.text


def test_a_failure_says_which_step_and_why() -> None:
    steps = (replace(STEPS[0], status=FAILED, why="output", message="…", check=None), *STEPS[1:])
    failed = record(steps=steps, outcome=FAILED, failure=PageFailure(1, 9, "output", "…"))
    assert page_status(failed, [], "ja").sentences[1] == ("5ステップのうち3ステップを実行し、1番目のステップ"
                                                         "(kubectl apply -f web.yaml)で失敗しました: 出力が記載と異なりました。")
    assert page_status(failed, [], "en").state == "failed"


def test_a_page_changed_since_its_record_says_so_first() -> None:
    status = page_status(record(), ["manifests/web.yaml"], "en")
    assert status.outdated and "(changed: manifests/web.yaml)" in status.outdated
    assert status.text.startswith("This page (or a manifest it includes) changed after this run")


def test_marks_never_call_a_step_that_did_not_run_or_was_not_compared_matched() -> None:
    steps = {s.n: s for s in STEPS}
    assert mark_for(steps[1], record(), "en").state == "matched"
    assert mark_for(steps[1], record(), "en").label == "Ran on the control plane: output as shown"
    assert mark_for(steps[1], record("cluster"), "ja").label == "実行: 出力は記載どおり"
    assert mark_for(steps[2], record(), "en").state == "ran"
    assert mark_for(steps[3], record(), "en").state == "ran"
    skipped = mark_for(steps[4], record(), "ja")
    assert (skipped.state, skipped.label, skipped.detail) == ("skipped", "未実行: 実ノードが必要です",
                                                              "コンテナ内でのコマンド実行")
    assert mark_for(steps[5], record(), "en").detail == "例示のため"
    assert mark_for(None, record(), "en").state == "changed"


def test_a_step_skipped_for_an_image_difference_says_so_and_keeps_the_page_short_of_verified() -> None:
    image = RecordStep(6, "in-container", "f", 30, "nslookup web-0.nginx", SKIPPED, skip="image",
                       reason="the target's image docker.io/library/busybox:1.28 differs for nslookup: BusyBox 1.35")
    everything = (*tuple(s for s in STEPS if s.skip != "needs"), image)
    status = page_status(record("cluster", everything), [], "en")
    assert status.state == "partial"
    assert "1 whose output depends on how the target's image differs" in status.text
    mark = mark_for(image, record("cluster", everything), "ja")
    assert (mark.state, mark.detail) == ("skipped", image.reason)
    assert "イメージ" in mark.label


def test_the_images_table_lists_each_image_of_real_node_records_with_its_pages() -> None:
    from site_tools.verification import StatusRow, images_table

    busybox = {"built_from": ["Debian busybox-static 1:1.35.0-4+b3"], "upstream": "BusyBox 1.28",
               "differs": "BusyBox 1.35 | not 1.28"}
    images: dict[str, dict[str, Any]] = {"docker.io/library/busybox:1.28": busybox,
                                         "docker.elastic.co/beats/filebeat:8.17.0": {
                                             "differs": "unavailable: not packaged by Debian"}}
    on_nodes = replace(record("cluster"), images=images)
    rows = [StatusRow("tutorials/a.md", "A", on_nodes, ()), StatusRow("tutorials/b.md", "B", record(), ())]
    table = images_table(rows, "en", "../").splitlines()
    assert table[0] == "| Image | Built for the real nodes from | Differences | Used by |"
    assert table[2] == ("| `docker.elastic.co/beats/filebeat:8.17.0` | (cannot be had) | not packaged by Debian | "
                        "[A](../tutorials/a.md) |")
    assert table[3] == ("| `docker.io/library/busybox:1.28` | Debian busybox-static 1:1.35.0-4+b3 | "
                        "BusyBox 1.35 \\| not 1.28 | [A](../tutorials/a.md) |")
    assert images_table(rows[1:], "ja", "../") == "実ノードで実行した記録はまだありません。"


def _renderer() -> MarkRenderer:
    """The theme's template for marks, as the build loads it (docs/overrides)."""
    return MarkRenderer(jinja2.Environment(loader=jinja2.FileSystemLoader(REPO_ROOT / "docs" / "overrides")))


def test_a_mark_is_accessible_html_placed_after_its_block() -> None:
    mark = mark_for(STEPS[4], record(), "en")
    html = _renderer().html(mark, "en", shared_title=mark.title)
    assert '<span class="k8s-sr-only">Verification: </span>' in html
    assert "<svg" not in html and f'class="k8s-step-mark k8s-icon--{mark.icon}"' in html  # site_tools/icons
    assert "title=" not in html  # the page's status slot holds the shared tooltip once
    assert '<span class="k8s-step-mark__detail" lang="ja">(例示のため)</span>' in html  # the reason's own language
    own = _renderer().html(mark, "en", shared_title="Record of another day")
    assert 'title="Record of 2026-11-20, Kubernetes v1.37.2 control plane (simulated nodes)"' in own

    class Step:
        raw = "kubectl get pods <pod>"
        location = None

    page = ('<p>a</p><div class="highlight"><pre><span></span><code>kubectl<span class="w"> </span>get pods '
            '&lt;pod&gt;\n</code></pre></div><p>b</p>')
    out, missing = insert_marks(page, [(Step(), mark)], "en", _renderer(), mark.title)
    assert missing == [] and out.startswith(page.split("<p>b</p>")[0] + html)


def test_code_blocks_are_read_with_their_text_and_end_whatever_their_attributes() -> None:
    page = ('<div class="admonition"><div class="highlight"><span class="filename">a.sh</span><pre><span></span>'
            '<code>echo &quot;a&quot; &amp;&amp; <span class="nb">ls</span>\n</code></pre></div></div>'
            '<div class="language-text highlight"><pre><code>out</code></pre></div><p>x</p>')
    blocks = code_blocks(page)
    assert [b.text for b in blocks] == ['echo "a" && ls\n', "out"]
    assert page[: blocks[0].end].endswith("</code></pre></div>") and page[blocks[0].end:].startswith("</div>")
    assert page[blocks[1].end:] == "<p>x</p>"


def test_a_mark_whose_block_is_missing_is_reported_not_placed() -> None:
    class Step:
        raw = "kubectl delete pod x"

    page = '<div class="highlight"><pre><code>kubectl get pods</code></pre></div>'
    mark = mark_for(STEPS[4], record(), "en")
    out, missing = insert_marks(page, [(Step(), mark)], "en", _renderer(), mark.title)
    assert out == page and len(missing) == 1


# --- Japanese search separator ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("送信元IPアドレス", ["送信元", "IP", "アドレス"]),
        ("永続ボリューム", ["永続", "ボリューム"]),
        ("スケールダウン", ["スケールダウン"]),
        ("StatefulSetを作成する", ["StatefulSet", "を", "作成", "する"]),
        ("web-0、web-1。", ["web", "0", "web", "1"]),
    ],
)
def test_separator_splits_where_the_script_changes(text: str, words: list[str]) -> None:
    assert split_like_material(text) == words


# --- browser tests without a browser ----------------------------------------------------------------


def test_missing_chromium_skips_locally_but_fails_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="no Chromium here"):
        unavailable("no Chromium here")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI is set, so this must run, but: no Chromium here"):
        unavailable("no Chromium here")


# --- hreflang and the sitemap ------------------------------------------------------------------------

ROOT = "https://example.org/"


def test_hreflang_lists_every_language_with_the_page_and_x_default_the_japanese_one() -> None:
    available = {"ja": {"a/b.md"}, "en": {"a/b.md"}}
    links = [(link.hreflang, link.href) for link in hreflang_links("a/b.md", available, ROOT)]
    assert links == [
        ("ja", "https://example.org/a/b/"),
        ("en", "https://example.org/en/a/b/"),
        ("x-default", "https://example.org/a/b/"),
    ]


def test_a_page_in_one_language_only_has_no_alternates() -> None:
    assert hreflang_links("a.md", {"ja": {"a.md"}, "en": set()}, ROOT) == []
    assert hreflang_links("b.md", {"ja": set(), "en": {"b.md"}}, ROOT) == []


def test_root_url_comes_from_either_builds_site_url() -> None:
    assert root_url_from("https://example.org/", language("ja")) == ROOT
    assert root_url_from("https://example.org/en/", language("en")) == ROOT
    assert root_url_from("https://example.org/docs/en", language("en")) == "https://example.org/docs/"
    with pytest.raises(ValueError, match="should end with /en/"):
        root_url_from("https://example.org/", language("en"))


def _pages(tmp_path: Path, lang: str, *uris: str) -> Path:
    for uri in uris:
        (tmp_path / lang / uri).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / lang / uri).write_text("---\ntitle: t\n---\n", encoding="utf-8")
    return tmp_path / lang


def test_sitemaps_replace_the_builds_own_and_carry_alternates_and_dates(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "en").mkdir(parents=True)
    for stale in (site / "sitemap.xml.gz", site / "en" / "sitemap.xml", site / "en" / "sitemap.xml.gz"):
        stale.write_text("old", encoding="utf-8")
    dirs = {"ja": _pages(tmp_path, "ja", "index.md", "a.md"), "en": _pages(tmp_path, "en", "index.md")}
    dates = {"a.md": "2026-11-02T10:00:00+09:00", "index.md": "2026-11-01T00:00:00+00:00"}
    written = write_sitemaps(site, ROOT, dirs, lambda path: dates.get(path.name))
    assert sorted(p.name for p in written) == ["robots.txt", "sitemap-en.xml", "sitemap-ja.xml", "sitemap.xml"]
    assert not (site / "en" / "sitemap.xml").exists() and not (site / "sitemap.xml.gz").exists()
    ja = (site / "sitemap-ja.xml").read_text(encoding="utf-8")
    assert '<xhtml:link rel="alternate" hreflang="en" href="https://example.org/en/" />' in ja
    assert "<loc>https://example.org/a/</loc>\n    <lastmod>2026-11-02T10:00:00+09:00</lastmod>\n  </url>" in ja
    index = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>https://example.org/sitemap-ja.xml</loc>\n    <lastmod>2026-11-02T10:00:00+09:00</lastmod>" in index


def test_sitemap_entries_without_a_known_date_have_no_lastmod(tmp_path: Path) -> None:
    pages = {"ja": list_pages(_pages(tmp_path, "ja", "x.md"))}
    [entry] = entries(pages, ROOT, lambda path: None)["ja"]
    assert entry.lastmod is None and entry.alternates == ()


def test_git_dates_a_committed_file_and_nothing_outside_the_repository(tmp_path: Path) -> None:
    dates = last_commit_dates([REPO_ROOT / "mkdocs.yml", tmp_path / "page.md"])
    assert dates[REPO_ROOT / "mkdocs.yml"] is not None
    assert dates[tmp_path / "page.md"] is None


def _log_1(repo: Path, path: Path) -> str | None:
    """`git log -1 -- path`'s date: what the one `git log` for every page must agree with."""
    if not path.is_relative_to(repo):
        return None
    return git(repo, "log", "-1", "--format=%cI", "--", str(path.relative_to(repo))).strip() or None


def test_one_git_log_dates_every_page_as_one_log_per_page_does(tmp_path: Path) -> None:
    """The sitemap dates all pages from one `git log`; each answer is the one `git log -1 -- page` gives.
    (On the real pages, tests/site/test_site_seo.py compares each built page's lastmod with it.)"""
    repo = tmp_path / "repo"
    (repo / "docs/sub").mkdir(parents=True)
    git(repo, "init", "-q")
    (repo / "docs/a.md").write_text("a\n", encoding="utf-8")
    (repo / "docs/sub/b.md").write_text("b\n", encoding="utf-8")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "first", date="2026-01-01T00:00:00+09:00")
    (repo / "docs/a.md").write_text("a, changed\n", encoding="utf-8")
    git(repo, "commit", "-q", "-am", "second", date="2026-02-01T12:00:00+00:00")
    git(repo, "mv", "docs/sub/b.md", "docs/sub/c.md")
    git(repo, "commit", "-q", "-m", "renamed", date="2026-03-01T00:00:00+00:00")
    (repo / "docs/new.md").write_text("never committed\n", encoding="utf-8")
    paths = [repo / "docs/a.md", repo / "docs/sub/c.md", repo / "docs/new.md", tmp_path / "outside.md"]

    dates = last_commit_dates(paths, repo)

    assert dates == {path: _log_1(repo, path) for path in paths}
    assert dates[repo / "docs/a.md"] == "2026-02-01T12:00:00+00:00"
    assert dates[repo / "docs/sub/c.md"] == "2026-03-01T00:00:00+00:00"
    assert dates[repo / "docs/new.md"] is None and dates[tmp_path / "outside.md"] is None


# --- diagrams in words -------------------------------------------------------------------------------


def test_a_flowchart_is_told_arrow_by_arrow_with_labels_not_ids() -> None:
    source = (
        'graph LR;\n  client("クライアント")-->node2["Node 2"];\n  node2-. SNAT .->node1["Node 1"];\n'
        "  classDef k8s fill:#326ce5;\n  class node1,node2 k8s;"
    )
    text = describe(source, "ja")
    assert text.sentences() == ["クライアント → Node 2", "Node 2 → Node 1(SNAT)"]
    assert text.summary(2) == "図2: クライアント → Node 2。Node 2 → Node 1(SNAT)"


def test_crossed_arrows_quoted_and_piped_labels_and_chains() -> None:
    source = (
        "flowchart TD\n"
        '  lb -. "health check: fails" .-x n2["Node 2"]\n'
        "  a -->|traffic| b --> c\n"
        "  c --- d"
    )
    assert describe(source, "en").sentences() == [
        "lb → Node 2 (health check: fails, does not get through)",
        "a → b (traffic)",
        "b → c",
        "c → d",
    ]


def test_other_diagram_types_get_a_plain_name() -> None:
    text = describe("sequenceDiagram\n  Alice->>Bob: Hi", "en")
    assert text.edges == () and text.summary(1) == "Diagram 1"


# --- line-break hints --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "hinted"),
    [
        ("Podセキュリティアドミッションを使用した", "Pod<wbr>セキュリティアドミッションを使用した"),
        ("非推奨のAppArmorアノテーション", "非推奨のAppArmor<wbr>アノテーション"),
        ("ELASTICSEARCH_PASSWORD", "ELASTICSEARCH_<wbr>PASSWORD"),
        ("ステートフルアプリケーション", "ステートフルアプリケーション"),  # one word: no hint inside
        ("クレデンシャルを設定する", "クレデンシャルを設定する"),  # kana after hiragana: already a break
    ],
)
def test_break_hints_go_where_a_katakana_word_or_an_identifiers_part_starts(text: str, hinted: str) -> None:
    assert break_hints(text) == hinted


def test_a_browser_dropping_a_connection_mid_answer_is_not_reported_as_an_error(tmp_path: Path,
                                                                                capsys: pytest.CaptureFixture[str]) -> None:
    import socket
    import struct
    import threading
    import time

    from site_tools.serve import serve_directory

    (tmp_path / "big.html").write_bytes(b"x" * 20_000_000)  # more than the socket buffers hold
    server = serve_directory(tmp_path)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        host, port = server.server_address[:2]
        for _ in range(3):
            client = socket.create_connection((str(host), port))
            client.sendall(b"GET /big.html HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            assert client.recv(64).startswith(b"HTTP/1.0 200")
            client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # reset, as a tab closed
            client.close()
        time.sleep(1.0)  # the server's writes fail after the reset
    finally:
        server.shutdown()
        server.server_close()
    assert "Traceback" not in capsys.readouterr().err
