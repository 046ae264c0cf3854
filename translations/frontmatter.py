"""Reading and writing the YAML front matter of a Markdown page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


class FrontMatterError(ValueError):
    """A page's front matter is missing or is not a YAML mapping."""


def split(text: str, path: Path | str = "<text>") -> tuple[dict[str, Any], str, int]:
    """Return (front matter, body, line number where the body starts)."""
    if not text.startswith("---\n"):
        raise FrontMatterError(f"{path}:1: page has no front matter (expected a leading '---' line)")
    end = text.find("\n---\n", 4)
    if end == -1:
        raise FrontMatterError(f"{path}:1: front matter is not closed by a '---' line")
    raw = text[4:end]
    try:
        data = yaml.safe_load(raw) or {}
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", 0) + 2
        raise FrontMatterError(f"{path}:{line}: invalid YAML in front matter: {exc}") from None
    if not isinstance(data, dict):
        raise FrontMatterError(f"{path}:2: front matter must be a mapping")
    body_start_line = raw.count("\n") + 3
    return data, text[end + 5 :], body_start_line


def read(path: Path) -> dict[str, Any]:
    return split(path.read_text(encoding="utf-8"), path)[0]

