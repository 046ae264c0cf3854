"""The page grammar, read without Sybil or MkDocs: fences, directive comments, shell names, front matter."""

from __future__ import annotations

import pytest

from pagegrammar import (
    DIRECTIVES,
    FrontMatterError,
    UnclosedFence,
    closed_fences,
    find_comments,
    find_fences,
    is_shell,
    parse_front_matter,
)
from pagegrammar.comments import DEFAULT_SKIP_REASON, directive_comments, skip_instruction

PAGE = """---
title: t
weight: 1
---

```shell
kubectl get pods
```

    ~~~yaml title="web.yaml"
    kind: Pod
    ~~~

````markdown
```shell
echo inside
```
````
"""


def test_fences_have_language_lines_and_body_without_their_indentation() -> None:
    shell, yaml, _markdown = find_fences(PAGE)
    assert (shell.language, shell.line, shell.end_line, shell.body) == ("shell", 6, 8, "kubectl get pods")
    assert (yaml.language, yaml.title, yaml.line, yaml.end_line) == ("yaml", "web.yaml", 10, 12)
    assert yaml.prefix == "    " and yaml.body == "kind: Pod"


def test_a_longer_fence_holds_shorter_ones_as_its_body() -> None:
    markdown = find_fences(PAGE)[-1]
    assert (markdown.marker, markdown.language, markdown.line, markdown.end_line) == ("````", "markdown", 14, 18)
    assert markdown.body == "```shell\necho inside\n```"


def test_an_unclosed_fence_runs_to_the_end_and_names_its_file_and_line() -> None:
    text = "# t\n\n```shell\nkubectl get pods\n"
    (fence,) = find_fences(text)
    assert not fence.closed and fence.end == len(text) and fence.body == "kubectl get pods"
    with pytest.raises(UnclosedFence, match=r"^docs/x\.md:3: code fence ```shell is never closed$") as raised:
        closed_fences(text, "docs/x.md")
    assert raised.value.line == 3


def test_a_fence_closed_by_the_next_blocks_opening_says_where() -> None:
    (fence,) = find_fences("```shell\nls\n```text\nout\n```\n")
    assert fence.closed and fence.opening_inside() == 1


def test_the_one_table_of_directives() -> None:
    assert set(DIRECTIVES) == {"verify", "invisible-code-block", "skip"}


def test_comments_outside_code_blocks_with_their_names() -> None:
    text = (
        "<!-- verify: like -->\n"
        "```text\n<!-- verify: not me -->\n```\n"
        "<!-- invisible-code-block: shell\n  kubectl wait --for=condition=Ready pod/web-0\n-->\n"
        "<!-- verify like -->\n"
        "<!-- a note for writers -->\n"
    )
    comments = find_comments(text, find_fences(text))
    assert [(c.line, c.name, c.keyword) for c in comments] == [
        (1, "verify", "verify"), (5, "invisible-code-block", "invisible-code-block"), (8, None, "verify"), (9, None, "a"),
    ]
    hidden = comments[1]
    assert hidden.arguments == "shell" and hidden.end_line == 7
    assert hidden.source.strip() == "kubectl wait --for=condition=Ready pod/web-0"
    assert [c.line for c in directive_comments(text, find_fences(text))] == [1, 5]


def test_sybil_skip_reads_its_action_and_reason() -> None:
    assert skip_instruction('next "needs credentials"').reason == "needs credentials"
    assert skip_instruction("next").reason == DEFAULT_SKIP_REASON
    assert skip_instruction("start").action == "start"


def test_shell_aliases() -> None:
    assert all(is_shell(name) for name in ("shell", "bash", "sh", "console"))
    assert not is_shell("yaml") and not is_shell("text")


def test_front_matter_values_key_lines_and_body() -> None:
    front = parse_front_matter(PAGE, "p.md")
    assert front.data == {"title": "t", "weight": 1}
    assert front.key_lines == {"title": 2, "weight": 3} and front.body_line == 5 and front.closing_line == 4


@pytest.mark.parametrize(
    "text, line, message",
    [
        ("# no front matter\n", 1, "page has no front matter"),
        ("---\ntitle: [a, b\nweight: 1\n---\n", 2, "invalid YAML in front matter: a flow sequence opened here is not closed"),
        ("---\n- a\n---\n", 2, "front matter must be a mapping"),
    ],
)
def test_front_matter_errors_name_file_and_line(text: str, line: int, message: str) -> None:
    with pytest.raises(FrontMatterError) as raised:
        parse_front_matter(text, "docs/p.md")
    assert raised.value.line == line and str(raised.value).startswith(f"docs/p.md:{line}: {message}")


def test_front_matter_may_be_optional() -> None:
    assert parse_front_matter("# t\n", required=False).data == {}
