"""The translation workflow on small fixture repositories: status, diff, parity, glossary, stamp."""

from __future__ import annotations

import io
import os
import re
import subprocess
import textwrap
from pathlib import Path

import pytest

from gitfacts import blob_id
from translations import cli, parity, structure
from translations.layout import pairs
from translations.status import stamp, status_of, statuses

JA_PAGE = textwrap.dedent(
    """\
    ---
    title: テスト
    weight: 1
    requires: []
    ---

    # テスト

    ## 手順

    コントロールプレーンのノードを確認します。

    !!! note "備考"
        これは備考です。

    === "セルフマネージド"

        自分のサーバーの場合。

    === "マネージドサービス"

        クラウドの場合。

    <!-- verify: like -->
    ```shell
    # ノードを一覧します
    kubectl get nodes
    ```

    ```text
    NAME     STATUS   ROLES    AGE   VERSION
    node-1   Ready    <none>   2h    v1.37.0
    ```

    ```mermaid
    graph LR;
      client(クライアント)-->node1[ノード 1];
      node1-. SNAT .->node2[ノード 2];
    ```
    """
)

EN_PAGE = textwrap.dedent(
    """\
    ---
    title: Test
    weight: 1
    requires: []
    translation:
      source_blob: {blob}
    ---

    # Test

    ## Steps {{#手順}}

    Check the nodes of the control plane.

    !!! note "Note"
        This is a note.

    === "Self managed"

        On your own servers.

    === "Managed service"

        In the cloud.

    <!-- verify: like -->
    ```shell
    # List the nodes
    kubectl get nodes
    ```

    ```text
    NAME     STATUS   ROLES    AGE   VERSION
    node-1   Ready    <none>   2h    v1.37.0
    ```

    ```mermaid
    graph LR;
      client(client)-->node1[Node 1];
      node1-. SNAT .->node2[Node 2];
    ```
    """
)

GLOSSARY = textwrap.dedent(
    """\
    terms:
      - {ja: コントロールプレーン, en: control plane}
    avoid:
      ja:
        - {pattern: "コンテナー", use: コンテナ}
      en:
        - {pattern: "(?i)\\\\bmaster nodes?\\\\b", use: control plane node}
        - {pattern: "(?i)\\\\bk8s\\\\b", use: Kubernetes}
    """
)


# A commit date in the past, so that "when the source changed" cannot be mistaken for today.
PAST = "2024-03-05T12:00:00+00:00"


def git(root: Path, *args: str, env: dict[str, str] | None = None) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, env=env)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository with three Japanese pages: `current.md` translated, `stale.md` changed since, `new.md` untranslated."""
    (tmp_path / "docs_src/ja").mkdir(parents=True)
    (tmp_path / "docs/en").mkdir(parents=True)
    (tmp_path / "docs/glossary.yml").write_text(GLOSSARY, encoding="utf-8")
    for name in ("current.md", "stale.md", "new.md"):
        (tmp_path / "docs_src/ja" / name).write_text(JA_PAGE, encoding="utf-8")
    blob = blob_id(JA_PAGE.encode())
    for name in ("current.md", "stale.md"):
        (tmp_path / "docs/en" / name).write_text(EN_PAGE.format(blob=blob), encoding="utf-8")
    git(tmp_path, "init", "-q")
    git(tmp_path, "-c", "user.name=t", "-c", "user.email=t@t", "add", "-A")
    git(tmp_path, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "pages")
    stale = tmp_path / "docs_src/ja/stale.md"
    stale.write_text(JA_PAGE.replace("これは備考です。", "これは書き換えた備考です。"), encoding="utf-8")
    past = {**os.environ, "GIT_AUTHOR_DATE": PAST, "GIT_COMMITTER_DATE": PAST}
    git(tmp_path, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qam", "change stale", env=past)
    return tmp_path


def run_cli(repo: Path, *argv: str, capsys) -> tuple[int, str]:
    code = cli.main(list(argv), root=repo)
    out = capsys.readouterr()
    return code, out.out + out.err


def test_each_page_gets_its_state(repo: Path) -> None:
    states = {str(s.relative): s.state for s in statuses(repo)}
    assert states == {"current.md": "current", "stale.md": "outdated", "new.md": "missing"}


def test_an_outdated_page_knows_when_its_source_changed(repo: Path) -> None:
    stale = next(s for s in statuses(repo) if str(s.relative) == "stale.md")
    out = subprocess.run(["git", "log", "-1", "--format=%cs"], cwd=repo, capture_output=True, text=True,
                         check=True).stdout.strip()
    assert stale.source_changed == out


def test_status_table_lists_every_page(repo: Path, capsys) -> None:
    code, out = run_cli(repo, capsys=capsys)
    assert code == 0
    assert "current.md  current" in out
    assert "new.md      missing" in out
    assert "stale.md    outdated (source changed" in out


def test_diff_prints_the_japanese_change_since_the_translation(repo: Path, capsys) -> None:
    code, out = run_cli(repo, "--diff", "stale.md", capsys=capsys)
    assert code == 0
    assert "~ これは{+書き換えた+}備考です。" in out
    assert "English: docs/en/stale.md:16 (in '## Steps')" in out
    assert "Once docs/en/stale.md is updated: nox -s translations -- stamp stale.md" in out


def test_diff_of_a_current_page_says_so(repo: Path, capsys) -> None:
    code, out = run_cli(repo, "--diff", "docs/en/current.md", capsys=capsys)
    assert code == 0 and "is current" in out


def test_diff_of_an_unknown_page_is_a_usage_error(repo: Path, capsys) -> None:
    code, out = run_cli(repo, "--diff", "nope.md", capsys=capsys)
    assert code == 2 and "nope.md: no such Japanese page" in out


def test_check_fails_while_a_page_is_missing_or_outdated(repo: Path, capsys) -> None:
    code, out = run_cli(repo, "--check", capsys=capsys)
    assert code == 1
    assert "docs/en/new.md: missing" in out
    assert "docs/en/stale.md: outdated" in out


def test_check_passes_once_everything_is_translated_and_stamped(repo: Path, capsys) -> None:
    unstamped = EN_PAGE.replace("translation:\n  source_blob: {blob}\n", "").format()
    (repo / "docs/en/new.md").write_text(unstamped, encoding="utf-8")
    stale = repo / "docs/en/stale.md"
    stale.write_text(stale.read_text(encoding="utf-8").replace("This is a note.", "This is a rewritten note."), encoding="utf-8")
    code, out = run_cli(repo, "stamp", "new.md", "stale.md", capsys=capsys)
    assert code == 0, out
    code, out = run_cli(repo, "--check", capsys=capsys)
    assert code == 0, out


def test_stamp_changes_only_the_recorded_blob(repo: Path) -> None:
    pair = next(p for p in pairs(repo) if str(p.relative) == "stale.md")
    before = pair.translation.read_text(encoding="utf-8")
    blob = stamp(pair)
    after = pair.translation.read_text(encoding="utf-8")
    assert blob == blob_id(pair.source.read_bytes())
    assert after == before.replace(blob_id(JA_PAGE.encode()), blob)
    assert status_of(repo, pair).state == "current"
    assert not list(repo.glob("docs/en/*.tmp"))


def _mismatches(repo: Path, en_text: str) -> list[str]:
    en = repo / "docs/en/current.md"
    en.write_text(en_text, encoding="utf-8")
    return [str(m) for m in parity.compare(repo / "docs_src/ja/current.md", en)]


def _en(repo: Path) -> str:
    return (repo / "docs/en/current.md").read_text(encoding="utf-8")


def test_a_faithful_translation_has_no_mismatch(repo: Path) -> None:
    assert _mismatches(repo, _en(repo)) == []


def test_a_changed_command_names_both_files_and_lines(repo: Path) -> None:
    problems = _mismatches(repo, _en(repo).replace("kubectl get nodes", "kubectl get node"))
    assert len(problems) == 1
    ja_line = JA_PAGE.splitlines().index("```shell") + 1
    en_line = _en(repo).splitlines().index("```shell") + 1
    assert problems[0].startswith(f"{repo}/docs_src/ja/current.md:{ja_line} <-> {repo}/docs/en/current.md:{en_line}")
    assert "'kubectl get nodes' vs 'kubectl get node'" in problems[0]


def test_a_changed_output_is_a_mismatch(repo: Path) -> None:
    assert _mismatches(repo, _en(repo).replace("node-1   Ready", "node-2   Ready"))


def test_a_changed_directive_is_a_mismatch(repo: Path) -> None:
    problems = _mismatches(repo, _en(repo).replace("<!-- verify: like -->", "<!-- verify: exact -->"))
    expected = "code blocks and directives: <!-- verify: like --> here is not the same as <!-- verify: exact -->"
    assert any(expected in p for p in problems)


def test_a_dropped_directive_is_a_mismatch(repo: Path) -> None:
    problems = _mismatches(repo, _en(repo).replace("<!-- verify: like -->\n", ""))
    assert any("has no counterpart in the translation" in p for p in problems)


def test_a_changed_diagram_edge_is_a_mismatch_but_a_label_is_not(repo: Path) -> None:
    assert _mismatches(repo, _en(repo).replace("[Node 1]", "[First node]")) == []
    assert _mismatches(repo, _en(repo).replace("node1-. SNAT .->node2", "node2-. SNAT .->node1"))


def test_a_missing_admonition_is_a_mismatch(repo: Path) -> None:
    problems = _mismatches(repo, _en(repo).replace('!!! note "Note"', '??? note "Note"'))
    expected = "admonition '!!! note' here is not the same as admonition '??? note' in the translation"
    assert any(p.endswith(expected) for p in problems)


def test_a_missing_tab_is_a_mismatch(repo: Path) -> None:
    text = _en(repo).replace('=== "Managed service"\n\n    In the cloud.\n', "")
    expected = ("tab «=== \"マネージドサービス\"» has no counterpart in the translation "
                "(2 tabs in '## 手順', 1 in its translation '## Steps')")
    assert any(expected in p for p in _mismatches(repo, text))


def test_an_extra_heading_is_a_mismatch(repo: Path) -> None:
    text = _en(repo).replace("## Steps {#手順}\n", "## Steps {#手順}\n\n### Extra\n")
    problems = _mismatches(repo, text)
    assert any("the translation has an extra section '### Extra' with no counterpart in the source" in p for p in problems)


def test_an_unclosed_fence_names_its_line(repo: Path) -> None:
    bad = repo / "docs/en/current.md"
    bad.write_text(_en(repo) + "\n```shell\nkubectl get pods\n", encoding="utf-8")
    with pytest.raises(structure.UnclosedFence, match=r"current\.md:\d+: code fence ```shell is never closed"):
        structure.parse(bad)


def test_glossary_flags_an_avoided_spelling_on_each_side(repo: Path, capsys) -> None:
    ja = repo / "docs_src/ja/current.md"
    ja.write_text(JA_PAGE.replace("コントロールプレーンのノード", "コンテナーのノード"), encoding="utf-8")
    en = repo / "docs/en/current.md"
    en.write_text(_en(repo).replace("nodes of the control plane", "master nodes of the control plane"), encoding="utf-8")
    cli.check(repo, "en", out=(buf := io.StringIO()))
    out = buf.getvalue()
    line = JA_PAGE.splitlines().index("コントロールプレーンのノードを確認します。") + 1
    assert f"docs_src/ja/current.md:{line}: write 'コンテナ', not 'コンテナー'" in out
    en_line = en.read_text(encoding="utf-8").splitlines().index("Check the master nodes of the control plane.") + 1
    assert f"docs/en/current.md:{en_line}: write 'control plane node', not 'master nodes'" in out


def test_glossary_flags_a_term_the_translation_does_not_use(repo: Path) -> None:
    en = repo / "docs/en/current.md"
    en.write_text(_en(repo).replace("nodes of the control plane", "nodes of the management layer"), encoding="utf-8")
    cli.check(repo, "en", out=(buf := io.StringIO()))
    line = JA_PAGE.splitlines().index("コントロールプレーンのノードを確認します。") + 1
    en_line = en.read_text(encoding="utf-8").splitlines().index("Check the nodes of the management layer.") + 1
    assert (
        f"docs_src/ja/current.md:{line} <-> docs/en/current.md:{en_line}: the source's paragraph "
        "«コントロールプレーンのノードを確認します。» uses 'コントロールプレーン', but its translation "
        "«Check the nodes of the manage…» never says 'control plane'"
    ) in buf.getvalue()


def test_inline_code_is_not_checked_by_the_glossary(repo: Path) -> None:
    ja = repo / "docs_src/ja/current.md"
    ja.write_text(JA_PAGE.replace("これは備考です。", "`コンテナー` という名前です。"), encoding="utf-8")
    en = repo / "docs/en/current.md"
    en.write_text(_en(repo).replace("This is a note.", "It is named `コンテナー`."), encoding="utf-8")
    cli.check(repo, "en", out=(buf := io.StringIO()))
    findings = [line for line in buf.getvalue().splitlines() if re.search(r"current\.md:\d", line)]  # file:line
    assert findings == []


def test_link_targets_and_urls_are_not_checked_by_the_glossary(repo: Path) -> None:
    en = repo / "docs/en/current.md"
    original = _en(repo)
    en.write_text(
        original.replace("This is a note.", "See [the picture](https://example.org/beats-k8s-send/x.png) and https://k8s.example/."),
        encoding="utf-8",
    )
    cli.check(repo, "en", out=(buf := io.StringIO()))
    assert "not 'k8s'" not in buf.getvalue()
    en.write_text(original.replace("This is a note.", "Run it on k8s."), encoding="utf-8")
    cli.check(repo, "en", out=(buf := io.StringIO()))
    assert "write 'Kubernetes', not 'k8s'" in buf.getvalue()


def test_stamp_adds_the_record_to_a_new_translation(repo: Path) -> None:
    new = repo / "docs/en/new.md"
    new.write_text("---\ntitle: New\nweight: 1\nrequires: []\n---\n\n# New\n", encoding="utf-8")
    pair = next(p for p in pairs(repo) if str(p.relative) == "new.md")
    blob = stamp(pair)
    assert new.read_text(encoding="utf-8") == (
        f"---\ntitle: New\nweight: 1\nrequires: []\ntranslation:\n  source_blob: {blob}\n---\n\n# New\n"
    )
    assert status_of(repo, pair).state == "current"
