"""The YAML front matter every page starts with: found, parsed, and each key's line remembered.

A page starts with a line ``---``, YAML, and a closing ``---``. What is wrong with it raises
`FrontMatterError` naming the file and the line a writer has to look at (for an unclosed bracket
or quote, the line where it was opened, not where PyYAML gave up).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from pagegrammar.errors import GrammarError

FRONT_MATTER = re.compile(r"\A---[ \t]*\n(?P<body>.*?\n)?---[ \t]*(?:\n|\Z)", re.DOTALL)
#: libyaml's parser when PyYAML was built with it (the same constructors and resolvers, so the same values):
#: the pure-Python parser took 12 ms a page, the largest part of reading 400 pages' front matter.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
#: The first line of YAML inside the front matter (line 1 is the opening '---').
FIRST_YAML_LINE = 2


class FrontMatterError(GrammarError):
    """A page's front matter is missing, is not valid YAML, or is not a mapping."""


@dataclass(frozen=True)
class FrontMatter:
    """A page's front matter: its values, the line of each top-level key, where the body starts."""

    data: dict[str, Any]
    key_lines: dict[str, int] = field(default_factory=dict)
    body_offset: int = 0  # the character offset where the page body starts
    body_line: int = 1
    closing_line: int = 1  # the closing '---', where a missing key would go
    present: bool = False  # False: the page has no front matter (and `data` is empty)

    def line_of(self, key: str) -> int:
        """The line of `key` (the first YAML line when the key is not there)."""
        return self.key_lines.get(key, FIRST_YAML_LINE)


def split_front_matter(text: str) -> tuple[str | None, int]:
    """Return the front matter's YAML text (None without front matter) and the offset of the body."""
    match = FRONT_MATTER.match(text)
    if match is None:
        return None, 0
    return match.group("body") or "", match.end()


def yaml_error(exc: yaml.YAMLError, first_line: int = FIRST_YAML_LINE) -> tuple[int, str]:
    """The line a writer should look at for `exc`, and a one-line description.

    PyYAML reports an unclosed bracket or quote where it gave up (often the next key or the end
    of the document); the line that needs fixing is where the construct was opened.
    """
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    context = getattr(exc, "context", None) or ""
    problem_mark = getattr(exc, "problem_mark", None)
    context_mark = getattr(exc, "context_mark", None)
    if context_mark is not None and ("flow" in context or "quoted" in context):
        what = context.replace("while parsing ", "").replace("while scanning ", "")
        where = f" on line {first_line + problem_mark.line}" if problem_mark is not None else ""
        return first_line + context_mark.line, f"{what} opened here is not closed ({problem}{where})"
    line = first_line + problem_mark.line if problem_mark is not None else first_line
    return line, problem


def _node_and_data(raw: str) -> tuple[yaml.Node | None, Any]:
    """The YAML's node tree (for the key lines) and its values, from one parse (what `yaml.load` does)."""
    loader = _LOADER(raw)
    try:
        node = loader.get_single_node()
        return node, (loader.construct_document(node) if node is not None else None) or {}
    finally:
        loader.dispose()


def parse_front_matter(text: str, path: Path | str = "<text>", *, required: bool = True) -> FrontMatter:
    """Read the front matter at the top of `text`; `path` is how errors name the page.

    Without front matter, raise `FrontMatterError` (`required`) or return an empty one.
    """
    raw, body_offset = split_front_matter(text)
    if raw is None:
        if required:
            raise FrontMatterError(path, 1, "page has no front matter (a leading '---' block closed by '---')")
        return FrontMatter({})
    try:
        node, data = _node_and_data(raw)
    except yaml.YAMLError as exc:
        line, message = yaml_error(exc)
        raise FrontMatterError(path, line, f"invalid YAML in front matter: {message}") from None
    if not isinstance(data, dict):
        raise FrontMatterError(path, FIRST_YAML_LINE, "front matter must be a mapping (key: value lines)")
    key_lines = {}
    if isinstance(node, yaml.MappingNode):
        key_lines = {
            str(k.value): FIRST_YAML_LINE + k.start_mark.line for k, _ in node.value if isinstance(k, yaml.ScalarNode)
        }
    body_line = text[:body_offset].count("\n") + 1
    return FrontMatter(data, key_lines, body_offset, body_line, FIRST_YAML_LINE + raw.count("\n"), present=True)


def read_front_matter(path: Path, display: Path | str | None = None, *, required: bool = True) -> FrontMatter:
    """The front matter of the page at `path`; errors name it as `display` (default: `path`)."""
    return parse_front_matter(path.read_text(encoding="utf-8"), display or path, required=required)
