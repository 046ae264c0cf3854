"""Structural parity between a Japanese page and its translation."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from .structure import Element, Page, parse


@dataclass(frozen=True)
class Mismatch:
    source: Path
    source_line: int | None
    translation: Path
    translation_line: int | None
    message: str

    def __str__(self) -> str:
        left = f"{self.source}:{self.source_line}" if self.source_line else str(self.source)
        right = f"{self.translation}:{self.translation_line}" if self.translation_line else str(self.translation)
        return f"{left} <-> {right}: {self.message}"


def _sequence_mismatches(src: Page, dst: Page, kinds: tuple[str, ...], what: str) -> list[Mismatch]:
    a = [e for e in src.elements if e.kind in kinds]
    b = [e for e in dst.elements if e.kind in kinds]
    out: list[Mismatch] = []
    matcher = difflib.SequenceMatcher(a=[e.key for e in a], b=[e.key for e in b], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        left: Element | None = a[i1] if i1 < i2 else None
        right: Element | None = b[j1] if j1 < j2 else None
        if tag == "replace":
            message = f"{what}: {left.shown} here is not the same as {right.shown} in the translation"
            if left.kind == right.kind == "code":
                message += _first_difference(left.key, right.key)
        elif tag == "delete":
            message = f"{what}: {left.shown} has no counterpart in the translation"
        else:
            message = f"{what}: the translation has an extra {right.shown}"
        anchor_right = right or (b[j1 - 1] if j1 > 0 and b else None)
        anchor_left = left or (a[i1 - 1] if i1 > 0 and a else None)
        out.append(
            Mismatch(
                src.path,
                anchor_left.line if anchor_left else None,
                dst.path,
                anchor_right.line if anchor_right else None,
                message,
            )
        )
    return out


def _first_difference(a: str, b: str) -> str:
    for x, y in zip(a.splitlines(), b.splitlines()):
        if x != y:
            return f" (first differing line: {x!r} vs {y!r})"
    return " (one block has more lines)"


def compare(source: Path, translation: Path) -> list[Mismatch]:
    return compare_pages(parse(source), parse(translation))


def compare_pages(src: Page, dst: Page) -> list[Mismatch]:
    problems = _sequence_mismatches(src, dst, ("code", "directive"), "code blocks and directives")
    problems += _sequence_mismatches(src, dst, ("admonition",), "admonitions")
    problems += _sequence_mismatches(src, dst, ("tab",), "tabs")
    problems += _sequence_mismatches(src, dst, ("heading",), "headings")
    return problems
