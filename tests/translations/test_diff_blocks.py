"""`--diff` works block by block: what changed in Japanese, the English a translator edits, and a count.

Each changed place is the Japanese block's change (sentences, or labelled code lines), then the
English block that translates it as it reads now; a block that only moved, or a paragraph split in
two, says so instead of printing nothing. The report ends with how many places changed.
"""

from __future__ import annotations

import re

from tests.translations.fixture_repo import Repo

PAGE = "tutorials/lb/example.md"
EXPOSE = "Deploymentをロードバランサー経由で公開します。外部IPが割り当てられるまで待ちます。"
READY = "ロードバランサーの準備ができたら、外部IPにアクセスします。"


def change_japanese(repo: Repo, *replacements: tuple[str, str]) -> None:
    text = repo.ja(PAGE).read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    repo.write(repo.ja(PAGE), text)
    repo.commit("change the Japanese page")


def places(out: str) -> list[list[str]]:
    """The report's places: each a header line (`docs_src/…:N …`) and the lines under it."""
    found: list[list[str]] = []
    for line in out.splitlines():
        if line.startswith("docs_src/ja/") and re.match(r"docs_src/ja/\S+:\d+ ", line):
            found.append([line])
        elif found and line.startswith("  "):
            found[-1].append(line)
    return found


def test_the_english_text_of_the_block_stands_under_the_japanese_change(drift_repo: Repo, capsys) -> None:
    change_japanese(drift_repo, (EXPOSE, EXPOSE.replace("待ちます。", "数分待ちます。")))
    code, out = drift_repo.cli("--diff", PAGE, capsys=capsys)
    assert code == 0, out
    [place] = places(out)
    en_line = drift_repo.line_of(drift_repo.en(PAGE), "Expose the Deployment through a load balancer.")
    assert place[1:] == [
        "  ~ 外部IPが割り当てられるまで{+数分+}待ちます。",
        f"  English: docs/en/{PAGE}:{en_line} (in '## Expose the Service'), not edited since the stamp",
        "  | Expose the Deployment through a load balancer. Wait until an external IP is assigned.",
    ]


def test_a_line_wrapped_mid_sentence_is_not_a_rewrite(drift_repo: Repo, capsys) -> None:
    change_japanese(drift_repo, (EXPOSE, "Deploymentをロードバランサー経由で公開します。外部IPが\n"
                                         "割り当てられるまで数分待ちます。"))
    code, out = drift_repo.cli("--diff", PAGE, capsys=capsys)
    assert code == 0, out
    [place] = places(out)
    assert place[1] == "  ~ 外部IPが割り当てられるまで{+数分+}待ちます。"
    assert not any("[-" in line for line in place)


def test_a_paragraph_split_in_two_says_so(drift_repo: Repo, capsys) -> None:
    change_japanese(drift_repo, (EXPOSE, EXPOSE.replace("。外部", "。\n\n外部")))
    code, out = drift_repo.cli("--diff", PAGE, capsys=capsys)
    assert code == 0, out
    [place] = places(out)
    assert place[0].endswith("paragraph split in two, no sentence changed"), place
    assert any(line.startswith("  English: ") for line in place)


def test_blank_lines_between_blocks_are_not_a_change(drift_repo: Repo, capsys) -> None:
    change_japanese(drift_repo, ("まず、Deploymentを作成します。\n\n", "まず、Deploymentを作成します。\n\n\n"),
                    ("作成したServiceとDeploymentを削除します。", "作成したServiceとDeploymentをすべて削除します。"))
    code, out = drift_repo.cli("--diff", PAGE, capsys=capsys)
    assert code == 0, out
    assert len(places(out)) == 1
    assert all(len(place) > 1 for place in places(out))


def test_code_lines_are_labelled(drift_repo: Repo, capsys) -> None:
    command = "kubectl expose deployment web --port=80 --type=LoadBalancer\n"
    change_japanese(drift_repo, (command, command + "kubectl get service web\n"))
    code, out = drift_repo.cli("--diff", PAGE, capsys=capsys)
    assert code == 0, out
    [place] = places(out)
    assert "shell code block" in place[0]
    assert "  code + kubectl get service web" in place
    assert "  | kubectl expose deployment web --port=80 --type=LoadBalancer" in place  # the English block as it is


def test_a_moved_block_is_labelled_with_where_it_was(drift_repo: Repo, capsys) -> None:
    old_line = drift_repo.line_of(drift_repo.ja(PAGE), READY)
    text = drift_repo.ja(PAGE).read_text(encoding="utf-8").replace(READY + "\n\n", "")
    drift_repo.write(drift_repo.ja(PAGE), text.replace("## Serviceを公開する\n\n", f"## Serviceを公開する\n\n{READY}\n\n"))
    drift_repo.commit("move a paragraph")
    code, out = drift_repo.cli("--diff", PAGE, capsys=capsys)
    assert code == 0, out
    moved = [place for place in places(out) if "moved" in place[0]]
    assert len(moved) == 1, out
    assert f"paragraph moved from line {old_line}, no sentence changed" in moved[0][0]


def test_the_report_ends_with_a_count(drift_repo: Repo, capsys) -> None:
    command = "kubectl expose deployment web --port=80 --type=LoadBalancer\n"
    change_japanese(drift_repo, (EXPOSE, EXPOSE.replace("待ちます。", "数分待ちます。")),
                    (command, command + "kubectl get service web\n"),
                    ("作成したServiceとDeploymentを削除します。", "作成したServiceとDeploymentを削除します。\n\n名前はwebです。"))
    code, out = drift_repo.cli("--diff", PAGE, capsys=capsys)
    assert code == 0, out
    assert len(places(out)) == 3
    assert ("3 changed places (1 paragraph rewritten, 1 code block rewritten, 1 paragraph added); "
            "0 of their English blocks edited since the stamp") in out.splitlines()


def test_a_changed_title_heading_is_a_heading_not_front_matter(drift_repo: Repo, capsys) -> None:
    change_japanese(drift_repo, ("# ロードバランサーの例\n", "# ロードバランサーの使用例\n"))
    code, out = drift_repo.cli("--diff", PAGE, capsys=capsys)
    assert code == 0, out
    [place] = places(out)
    assert "heading rewritten" in place[0] and "front matter" not in place[0]
