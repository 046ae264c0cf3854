"""Placeholders (docs/conventions.md): each language words them itself; their place is checked."""

from __future__ import annotations

import textwrap
from pathlib import Path

from translations import parity, structure

JA = textwrap.dedent(
    """\
    # 例

    ## 手順

    メールアドレスを指定します。

    ```shell
    kubectl create clusterrolebinding admin-binding \\
      --clusterrole=cluster-admin --user="<あなたのメールアドレス>"
    ```

    ユーザー名だけを書きます。

    <!-- verify: file secret -->
    ```text
    <Elasticsearchのユーザー名>
    ```

    Podの一覧を表示します。

    ```shell
    kubectl get pods -o wide
    ```

    ```text
    NAME    READY   NOMINATED NODE   READINESS GATES
    web-0   1/1     <none>           <none>
    ```
    """
)

EN = (
    JA.replace("# 例", "# Example")
    .replace("## 手順", "## Steps {#手順}")
    .replace("メールアドレスを指定します。", "Give your email address.")
    .replace("ユーザー名だけを書きます。", "Write the user name and nothing else.")
    .replace("Podの一覧を表示します。", "List the Pods.")
    .replace("<あなたのメールアドレス>", "<your-email-address>")
    .replace("<Elasticsearchのユーザー名>", "<elasticsearch-user-name>")
)


def _mismatches(ja: str, en: str) -> list[str]:
    src = structure.parse(Path("docs_src/ja/p.md"), ja)
    dst = structure.parse(Path("docs/en/p.md"), en)
    return [m.message for m in parity.compare_pages(src, dst)]


def test_each_language_words_its_placeholders_itself() -> None:
    assert _mismatches(JA, EN) == []


def test_a_command_that_differs_outside_its_placeholder_is_a_mismatch() -> None:
    problems = _mismatches(JA, EN.replace("--clusterrole=cluster-admin", "--clusterrole=admin"))
    assert any("'  --clusterrole=cluster-admin --user=\"<…>\"' vs '  --clusterrole=admin --user=\"<…>\"'" in p for p in problems)


def test_a_placeholder_in_another_place_is_a_mismatch() -> None:
    moved = EN.replace('--user="<your-email-address>"', '--user="you@example.com" <your-email-address>')
    assert _mismatches(JA, moved)


def test_a_value_written_where_the_source_has_a_placeholder_is_a_mismatch() -> None:
    assert _mismatches(JA, EN.replace("<elasticsearch-user-name>", "elastic"))


def test_output_is_compared_as_written() -> None:
    """`<none>` is what kubectl prints: a translated output is a mismatch, not a placeholder."""
    assert _mismatches(JA, EN.replace("<none>           <none>", "<nothing>        <none>"))


def test_a_text_block_without_a_file_directive_is_an_output() -> None:
    ja = JA.replace("<!-- verify: file secret -->\n", "")
    en = EN.replace("<!-- verify: file secret -->\n", "")
    assert _mismatches(ja, en)


def test_a_quoted_reason_does_not_make_a_block_a_file() -> None:
    ja = JA.replace("<!-- verify: file secret -->", '<!-- verify: skip reason="no file here" -->')
    en = EN.replace("<!-- verify: file secret -->", '<!-- verify: skip reason="no file here" -->')
    assert _mismatches(ja, en)


def test_shell_redirections_and_heredocs_are_not_placeholders() -> None:
    ja = JA.replace("kubectl get pods -o wide", "kubectl apply -f - <<EOF\nkind: Pod\nEOF\ncat < pods.txt > out.txt")
    en = EN.replace("kubectl get pods -o wide", "kubectl apply -f - <<EOF\nkind: Pod\nEOF\ncat < nodes.txt > out.txt")
    assert _mismatches(ja, en)
    assert structure.PLACEHOLDER.findall("cat <<EOF < in.txt 2>&1 <!-- x -->") == []
    assert structure.PLACEHOLDER.findall('--user="<your-email-address>" <pod_name>') == ["<your-email-address>", "<pod_name>"]
