"""How a page becomes steps: the shape writers use (tabs, admonitions, hidden steps, includes,
outputs after a short sentence) and the model both tiers read."""

from __future__ import annotations

import html
import re
from pathlib import Path

import markdown
import pytest

from verify import PageError, StepKind, load_page, read_page
from verify.includes import snippet_config

ROOT = Path(__file__).resolve().parents[2]
GOOD = ROOT / "tests" / "fixtures" / "good" / "page.md"


def write(tmp_path: Path, body: str, front: str = "title: t\nweight: 1\n") -> Path:
    page = tmp_path / "page.md"
    page.write_text(f"---\n{front}---\n\n{body}", encoding="utf-8")
    return page


@pytest.fixture(scope="module")
def page():
    return load_page(GOOD, ROOT)


def test_steps_come_in_page_order_with_the_line_of_their_fence(page) -> None:
    kinds = [(s.kind, s.location.line) for s in page.steps]
    assert kinds[:4] == [
        (StepKind.MANIFEST, 11),
        (StepKind.COMMAND, 18),
        (StepKind.COMMAND, 22),
        (StepKind.HIDDEN_COMMAND, 34),
    ]
    assert str(page.steps[0].location).endswith("tests/fixtures/good/page.md:11")


def test_comment_lines_are_prose_not_commands(page) -> None:
    apply = page.steps[2]
    assert apply.commands == ("kubectl apply -f web.yaml",)
    assert apply.command_lines == (24,)


def test_an_output_after_one_short_sentence_belongs_to_the_command(page) -> None:
    apply = page.steps[2]
    assert apply.output is not None
    assert apply.output.location.line == 29
    assert apply.output.mode == "like"
    assert apply.output.text == "service/nginx created\nstatefulset.apps/web created"


def test_an_output_directly_after_its_command_and_its_mode_directive(page) -> None:
    patch = next(s for s in page.steps if s.location.line == 75)
    assert patch.output is not None and patch.output.mode == "unordered"


def test_blocks_inside_tabs_and_admonitions_are_found(page) -> None:
    loop = next(s for s in page.steps if s.location.line == 57)
    assert loop.commands == ("for i in 0 1; do kubectl exec \"web-$i\" -- sh -c 'hostname'; done",)
    assert loop.output is not None and loop.output.text == "web-0\nweb-1"
    excerpt = next(s for s in page.steps if s.kind is StepKind.EXCERPT)
    assert excerpt.text == "spec:\n  replicas: 2"
    assert excerpt.title == "web.yaml（抜粋）"


def test_directives_and_skips(page) -> None:
    watch = page.steps[1]
    assert watch.directive.terminal == "watch" and watch.directive.location.line == 17
    skipped = next(s for s in page.steps if s.location.line == 94)
    assert skipped.directive.sybil_skip and skipped.skipped
    assert not page.steps[2].skipped


def test_hidden_steps_are_commands_the_reader_does_not_see(page) -> None:
    hidden = page.steps[3]
    assert hidden.commands == ("kubectl wait --for=condition=Ready pod/web-1 --timeout=120s",)
    assert hidden.command_lines == (35,)


def test_front_matter(page) -> None:
    assert page.front_matter.title == "良いページ"
    assert page.front_matter.requires == ("dynamic-pv", "exec")


def test_an_include_resolves_to_exactly_what_mkdocs_renders(page) -> None:
    """The manifest text of the step equals the code block pymdownx renders for the page."""
    manifest = page.steps[0]
    assert manifest.includes == (ROOT / "tests/fixtures/good/manifests/web.yaml",)
    config = snippet_config(ROOT)
    md = markdown.Markdown(
        extensions=["pymdownx.snippets", "pymdownx.superfences"],
        extension_configs={"pymdownx.snippets": config},
    )
    rendered = md.convert(GOOD.read_text(encoding="utf-8"))
    blocks = [html.unescape(re.sub(r"<[^>]+>", "", b)) for b in re.findall(r"<code>(.*?)</code>", rendered, flags=re.DOTALL)]
    # superfences ends every code block with one newline; the model keeps the text without it
    assert blocks[0] == manifest.text + "\n"
    assert blocks[1] == page.steps[1].text + "\n"


def test_an_indented_include_keeps_the_indentation_pymdownx_gives_it(tmp_path: Path) -> None:
    page = write(
        tmp_path,
        '!!! note "備考"\n\n    ```yaml title="web.yaml"\n    --8<-- "tests/fixtures/good/manifests/web.yaml"\n    ```\n',
    )
    step = load_page(page, ROOT).steps[0]
    assert step.text.splitlines()[:2] == ["apiVersion: v1", "kind: Service"]


def test_load_page_raises_at_the_first_problem(tmp_path: Path) -> None:
    page = write(tmp_path, "```shell\nkubectl get pods\n```\n\n<!-- verify: sorted -->\n```text\nx\n```\n")
    with pytest.raises(PageError) as error:
        load_page(page, ROOT)
    assert error.value.line == 10
    assert str(error.value).endswith(f"page.md:10: {error.value.message}")


def test_read_page_collects_every_problem(tmp_path: Path) -> None:
    page = write(tmp_path, "<!-- verify: bogus -->\n```shell\nkubectl get pods\n```\n\n"
                           "```text\norphan?\n```\n\n```\nno info\n```\n")
    problems = read_page(page, ROOT).problems
    assert [(p.location.line, p.check) for p in problems] == [(6, "directive"), (15, "fence")]


def test_a_second_output_for_one_command_is_an_error(tmp_path: Path) -> None:
    page = write(tmp_path, "```shell\nkubectl get pods\n```\n\n```text\na\n```\n\n```text\nb\n```\n")
    problems = read_page(page, ROOT).problems
    assert [(p.location.line, p.check) for p in problems] == [(14, "output")]
    assert "already has its output at line 10" in problems[0].message


def test_a_long_paragraph_separates_an_output_from_its_command(tmp_path: Path) -> None:
    prose = "これは長い説明です。" * 30
    page = write(tmp_path, f"```shell\nkubectl get pods\n```\n\n{prose}\n\n```text\na\n```\n")
    problems = read_page(page, ROOT).problems
    assert [(p.location.line, p.check) for p in problems] == [(12, "output")]


def test_an_output_after_a_hidden_step_belongs_to_the_hidden_step(tmp_path: Path) -> None:
    page = write(
        tmp_path,
        '<!-- verify: skip reason="example address" -->\n```shell\ncurl 203.0.113.1\n```\n\n'
        "<!-- invisible-code-block: shell\ncurl -s \"$ADDRESS\"\n-->\n\n出力は次のようになります。\n\n```text\nhello\n```\n",
    )
    steps = load_page(page, ROOT).steps
    assert steps[0].output is None and steps[0].directive.skip_reason == "example address"
    assert steps[1].kind is StepKind.HIDDEN_COMMAND
    assert steps[1].output is not None and steps[1].output.text == "hello"


def test_access_beyond_the_page_namespace_is_declared_rule_by_rule_with_a_reason(tmp_path: Path) -> None:
    body = "```shell\nkubectl get nodes\n```\n"
    declared = ("title: t\nweight: 1\naccess:\n- reason: the page lists the nodes\n  verbs: [get, list]\n"
                "  resources: [nodes]\n- reason: kube-system's pods\n  namespace: kube-system\n  verbs: [list]\n"
                "  resources: [pods]\n")
    page = read_page(write(tmp_path, body, front=declared), ROOT)
    assert page.problems == []
    nodes, pods = page.page.front_matter.access
    assert (nodes.namespace, nodes.rule()) == (None, {"apiGroups": [""], "resources": ["nodes"], "verbs": ["get", "list"]})
    assert (pods.namespace, pods.verbs) == ("kube-system", ("list",))


@pytest.mark.parametrize("entry, problem", [
    ("- verbs: [get]\n  resources: [nodes]\n", "needs a `reason`"),
    ("- reason: r\n  verbs: ['*']\n  resources: [nodes]\n", "wildcard"),
    ("- reason: r\n  verbs: [get]\n  resources: ['*']\n", "wildcard"),
    ("- reason: r\n  verbs: [own]\n  resources: [nodes]\n", "unknown verb"),
    ("- reason: r\n  verbs: [get]\n  resources: [nodes]\n  scope: all\n", "unknown key"),
    ("  nodes: get\n", "must be a list"),
])
def test_a_wrong_access_declaration_is_an_error_at_its_line(tmp_path: Path, entry: str, problem: str) -> None:
    front = "title: t\nweight: 1\naccess:\n" + entry
    problems = read_page(write(tmp_path, "text\n", front=front), ROOT).problems
    assert [(p.location.line, p.check) for p in problems] == [(4, "front-matter")]
    assert problem in problems[0].message


def test_cluster_scoped_is_gone_and_says_what_replaced_it(tmp_path: Path) -> None:
    problems = read_page(write(tmp_path, "text\n", front="title: t\nweight: 1\ncluster_scoped: true\n"), ROOT).problems
    assert [p.check for p in problems] == ["front-matter"] and "access:" in problems[0].message
    old = "<!-- verify: cluster-scoped -->\n```shell\nkubectl get nodes\n```\n"
    assert "cluster-scoped" in read_page(write(tmp_path, old), ROOT).problems[0].message


def test_multi_line_commands_stay_one_logical_command(tmp_path: Path) -> None:
    body = (
        "```shell\nkubectl create clusterrolebinding x \\\n  --clusterrole=cluster-admin --user=me\n"
        "for i in 0 1\ndo\n  kubectl get pod web-$i\ndone\n"
        "cat <<EOF | kubectl apply -f -\napiVersion: v1\n# not a comment\nEOF\n```\n"
    )
    step = load_page(write(tmp_path, body), ROOT).steps[0]
    assert step.commands == (
        "kubectl create clusterrolebinding x --clusterrole=cluster-admin --user=me",
        "for i in 0 1\ndo\n  kubectl get pod web-$i\ndone",
        "cat <<EOF | kubectl apply -f -\napiVersion: v1\n# not a comment\nEOF",
    )
    assert step.command_lines == (7, 9, 13)


def test_sybil_skip_keeps_its_reason(tmp_path: Path) -> None:
    body = '<!-- skip: next "needs a browser" -->\n```shell\nkubectl proxy\n```\n\n```shell\nkubectl get pods\n```\n'
    steps = load_page(write(tmp_path, body), ROOT).steps
    assert (steps[0].directive.sybil_skip, steps[0].directive.skip_reason) == (True, "needs a browser")
    assert not steps[1].skipped


def test_an_expected_exit_status_is_part_of_the_step() -> None:
    from verify.directives import DirectiveError, build, parse_options

    assert build(parse_options("exit=1")[0]).exit_status == "1"
    assert build(parse_options("exit=any")[0]).exit_status == "any"
    assert build(parse_options("")[0]).exit_status is None
    for bad in ("exit=-1", "exit=300", "exit=sometimes"):
        with pytest.raises(DirectiveError, match="is not an exit status"):
            build(parse_options(bad)[0])


def test_each_flag_sets_a_bool_field_of_the_directive() -> None:
    import dataclasses

    from verify.directives import FLAGS, build, parse_options
    from verify.model import Directive

    fields = {f.name: f for f in dataclasses.fields(Directive)}
    for word, attribute in FLAGS.items():
        assert fields[attribute].default is False, attribute
        assert getattr(build(parse_options(word)[0]), attribute) is True
