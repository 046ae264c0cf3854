"""Resolve `--8<--` snippet includes with pymdownx.snippets itself, configured as in mkdocs.yml.

Using the extension's own preprocessor (not a re-implementation) means the verifier sees exactly
the text MkDocs renders: same base paths, same sandboxing under the base path, same line/section
selection and the same indentation rules.
"""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import markdown
import yaml
from pymdownx.snippets import SnippetMissingError, SnippetPreprocessor

#: A line that is (only) an inline or block snippet marker, as pymdownx.snippets recognises it.
SNIPPET_LINE = SnippetPreprocessor.RE_ALL_SNIPPETS
INLINE_TARGET = re.compile(r"""-{1,}8<-{1,}[ \t]+(["'])(?P<target>.+)\1""")


class IncludeError(Exception):
    """An include that does not resolve; `line_offset` is the 0-based line within the block."""

    def __init__(self, message: str, line_offset: int) -> None:
        super().__init__(message)
        self.line_offset = line_offset


@dataclass(frozen=True)
class Resolved:
    """A block body after includes: its text and the files it included (in order)."""

    text: str
    files: tuple[Path, ...]


class _Loader(yaml.SafeLoader):
    """Reads mkdocs.yml, whose `!!python/…` tags are none of our business."""


_Loader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)
_Loader.add_multi_constructor("!", lambda loader, suffix, node: None)


@functools.lru_cache(maxsize=8)
def snippet_config(root: Path) -> dict[str, Any]:
    """The pymdownx.snippets options from `root/mkdocs.yml` (defaults if absent)."""
    config: dict[str, Any] = {"base_path": ["."], "check_paths": True}
    path = root / "mkdocs.yml"
    if path.is_file():
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader) or {}
        for entry in data.get("markdown_extensions") or []:
            if isinstance(entry, dict) and "pymdownx.snippets" in entry:
                config.update(entry["pymdownx.snippets"] or {})
    base = config["base_path"]
    bases = [base] if isinstance(base, str) else list(base)
    # MkDocs runs from the repository root, so relative base paths are relative to it.
    config["base_path"] = [str((root / b).resolve()) for b in bases]
    config["check_paths"] = True  # an include that does not resolve is always an error here
    config["url_download"] = False
    return config


@functools.lru_cache(maxsize=8)
def _preprocessor(root: Path) -> SnippetPreprocessor:
    md = markdown.Markdown(extensions=["pymdownx.snippets"], extension_configs={"pymdownx.snippets": snippet_config(root)})
    return md.preprocessors["snippet"]


def has_include(body: str) -> bool:
    return any(SNIPPET_LINE.match(line) for line in body.split("\n"))


def include_targets(body: str) -> list[tuple[int, str]]:
    """The (line offset, target) of each inline `--8<-- "target"` in a block body."""
    found = []
    for offset, line in enumerate(body.split("\n")):
        m = SNIPPET_LINE.match(line)
        if m and not m.group("escape") and m.group("inline_marker"):
            target = INLINE_TARGET.search(line)
            if target:
                found.append((offset, target.group("target").strip()))
    return found


def resolve(body: str, root: Path) -> Resolved:
    """Expand every include in `body`; raise `IncludeError` if one does not resolve."""
    if not has_include(body):
        return Resolved(body, ())
    processor = _preprocessor(root.resolve())
    targets = include_targets(body)
    files: list[Path] = []
    for offset, target in targets:
        parsed = processor.parse_snippet_target(target)
        path = parsed["path"] if parsed else ""
        snippet = processor.get_snippet_path(path) if path else None
        if snippet is None:
            raise IncludeError(_missing(path, processor), offset)
        files.append(Path(snippet))
    processor.seen = set()
    processor.bases = None
    try:
        lines = processor.parse_snippets(body.split("\n"))
    except SnippetMissingError as error:
        offset = targets[0][0] if targets else 0
        raise IncludeError(str(error), offset) from None
    return Resolved("\n".join(lines), tuple(files))


def _missing(path: str, processor: SnippetPreprocessor) -> str:
    bases = ", ".join(os.path.relpath(b) if os.path.isabs(b) else b for b in processor.base_path)
    return f"include {path!r} does not resolve (pymdownx.snippets base_path: {bases})"
