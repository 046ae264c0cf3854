"""Reading the YAML front matter of a Markdown page, for the translation workflow.

The front matter is found exactly as the verifier finds it (`verify.parsers.frontmatter`);
this module turns what is wrong with it into one `FrontMatterError` naming the file and
the line a writer has to look at, and remembers the line of each key for messages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from verify.parsers.frontmatter import split_front_matter

# The first line of YAML inside the front matter (line 1 is the opening '---').
_FIRST_YAML_LINE = 2


class FrontMatterError(ValueError):
    """A page's front matter is missing or is not a YAML mapping."""


@dataclass(frozen=True)
class FrontMatter:
    """A page's front matter: its values, the line of each top-level key, where the body starts."""

    data: dict[str, Any]
    key_lines: dict[str, int] = field(default_factory=dict)
    body_line: int = 1
    closing_line: int = 1  # the closing '---', where a missing key would go


def yaml_error(exc: yaml.YAMLError, first_line: int) -> tuple[int, str]:
    """The line a writer should look at for `exc`, and a one-line description.

    PyYAML reports an unclosed bracket or quote where it gave up (often the next key or the end
    of the document); the line that needs fixing is where the construct was opened.
    """
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    context = getattr(exc, "context", None) or ""
    problem_mark = getattr(exc, "problem_mark", None)
    context_mark = getattr(exc, "context_mark", None)
    unclosed = context_mark is not None and ("flow" in context or "quoted" in context)
    if unclosed:
        what = context.replace("while parsing ", "").replace("while scanning ", "")
        where = f" on line {first_line + problem_mark.line}" if problem_mark is not None else ""
        return first_line + context_mark.line, f"{what} opened here is not closed ({problem}{where})"
    line = first_line + problem_mark.line if problem_mark is not None else first_line
    return line, problem


def parse(text: str, path: Path | str = "<text>", *, required: bool = True) -> FrontMatter:
    """Read the front matter of `text`; `path` is how messages name the page.

    Without front matter, raise (`required`) or return an empty one.
    """
    raw, body_offset = split_front_matter(text)
    if raw is None:
        if required:
            raise FrontMatterError(f"{path}:1: page has no front matter (a leading '---' block closed by '---')")
        return FrontMatter({})
    try:
        node = yaml.compose(raw, Loader=yaml.SafeLoader)
        data = yaml.safe_load(raw) or {}
    except yaml.YAMLError as exc:
        line, message = yaml_error(exc, _FIRST_YAML_LINE)
        raise FrontMatterError(f"{path}:{line}: invalid YAML in front matter: {message}") from None
    if not isinstance(data, dict):
        raise FrontMatterError(f"{path}:{_FIRST_YAML_LINE}: front matter must be a mapping (key: value lines)")
    key_lines = {}
    if isinstance(node, yaml.MappingNode):
        key_lines = {
            str(k.value): _FIRST_YAML_LINE + k.start_mark.line for k, _ in node.value if isinstance(k, yaml.ScalarNode)
        }
    body_line = text[:body_offset].count("\n") + 1
    return FrontMatter(data, key_lines, body_line, _FIRST_YAML_LINE + raw.count("\n"))


def split(text: str, path: Path | str = "<text>") -> tuple[dict[str, Any], str, int]:
    """Return (front matter, body, line number where the body starts)."""
    front = parse(text, path)
    _, body_offset = split_front_matter(text)
    return front.data, text[body_offset:], front.body_line


def read(path: Path, display: Path | str | None = None) -> dict[str, Any]:
    """The front matter of the page at `path`; errors name it as `display` (default: `path`)."""
    return parse(path.read_text(encoding="utf-8"), display or path).data
