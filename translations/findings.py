"""What the checks report: a place in one file, or a pair of places in a page and its translation."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Finding:
    """A problem at one place of one file."""

    path: Path
    line: int | None  # None: the file as a whole
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}" if self.line else f"{self.path}: {self.message}"


@dataclass(frozen=True)
class Mismatch:
    """A difference between a source page and its translation, with the line on each side."""

    source: Path
    source_line: int | None
    translation: Path
    translation_line: int | None
    message: str

    def __str__(self) -> str:
        left = f"{self.source}:{self.source_line}" if self.source_line else str(self.source)
        right = f"{self.translation}:{self.translation_line}" if self.translation_line else str(self.translation)
        return f"{left} <-> {right}: {self.message}"
