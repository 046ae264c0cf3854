"""Reading the YAML front matter of a Markdown page, for the translation workflow.

The front matter is found exactly as the verifier finds it (`verify.parsers.frontmatter`);
this module only turns what is wrong with it into one `FrontMatterError` naming file and line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from verify.parsers.frontmatter import split_front_matter


class FrontMatterError(ValueError):
    """A page's front matter is missing or is not a YAML mapping."""


def split(text: str, path: Path | str = "<text>") -> tuple[dict[str, Any], str, int]:
    """Return (front matter, body, line number where the body starts)."""
    raw, body_offset = split_front_matter(text)
    if raw is None:
        raise FrontMatterError(f"{path}:1: page has no front matter (a leading '---' block closed by '---')")
    try:
        data = yaml.safe_load(raw) or {}
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", 0) + 2
        raise FrontMatterError(f"{path}:{line}: invalid YAML in front matter: {exc}") from None
    if not isinstance(data, dict):
        raise FrontMatterError(f"{path}:2: front matter must be a mapping")
    return data, text[body_offset:], text[:body_offset].count("\n") + 1


def read(path: Path) -> dict[str, Any]:
    return split(path.read_text(encoding="utf-8"), path)[0]
