"""A step's outcome travels as data (`verify.outcomes.Outcome`): no product code reads facts back out of a message.

Messages are for people. This walks the product's Python and fails on any test of a `message`'s text:
`message.startswith(…)`, `… in x.message`, a regular expression applied to one, or a comparison with it.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PRODUCT = ("verify", "site_tools", "translations", "bench", "cluster", "pagegrammar", "languages", "docs/hooks")
TEXT_TESTS = {"startswith", "endswith", "find", "index", "count", "split", "partition", "rpartition"}


def _is_message(node: ast.AST) -> bool:
    if isinstance(node, ast.Attribute) and node.attr in ("message", "skip_reason", "error"):
        return True
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and node.slice.value == "message":
        return True
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get" and \
        bool(node.args) and isinstance(node.args[0], ast.Constant) and node.args[0].value == "message"


def _reads(node: ast.AST) -> bool:
    """Whether `node` tests a message's words."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        if node.func.attr in TEXT_TESTS and _is_message(node.func.value):
            return True
        if isinstance(node.func.value, ast.Name) and node.func.value.id == "re":
            return any(_is_message(arg) for arg in node.args)
    if isinstance(node, ast.Compare):
        parts = [node.left, *node.comparators]
        text_ops = any(isinstance(op, (ast.In, ast.NotIn)) for op in node.ops)
        return text_ops and any(_is_message(p) for p in parts[1:])
    return False


def test_no_product_code_reads_facts_out_of_a_message() -> None:
    files = [p for folder in PRODUCT for p in sorted((ROOT / folder).rglob("*.py"))]
    assert len(files) > 50, "the product's modules were not found"
    found = []
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        found += [f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', '?')}: {ast.unparse(node)}"
                  for node in ast.walk(tree) if _reads(node)]
    assert found == [], "\n".join(found)


def test_the_walk_sees_what_it_looks_for() -> None:
    for parsed in ('m.message.startswith("output differs")', '"page needs" in s.message',
                   're.findall("cluster lacks", res.message)', '"x" in step["message"]'):
        assert any(_reads(node) for node in ast.walk(ast.parse(parsed))), parsed
    assert not any(_reads(node) for node in ast.walk(ast.parse('print(s.message)')))
