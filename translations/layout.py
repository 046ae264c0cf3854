"""Where the source pages and their translations live."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

SOURCE_DIR = Path("docs_src/ja")
TRANSLATION_DIRS = {"en": Path("docs/en")}


@dataclass(frozen=True)
class PagePair:
    """A Japanese source page and where its translation into `lang` lives (it may not exist)."""

    relative: Path  # e.g. tutorials/services/source-ip.md
    source: Path  # absolute path of the Japanese page
    translation: Path  # absolute path of the translated page
    lang: str


def source_pages(root: Path) -> list[Path]:
    """Every Japanese page, as paths relative to the source directory, in a stable order."""
    base = root / SOURCE_DIR
    return sorted(p.relative_to(base) for p in base.rglob("*.md"))


def pairs(root: Path, lang: str = "en") -> list[PagePair]:
    base, target = root / SOURCE_DIR, root / TRANSLATION_DIRS[lang]
    return [PagePair(rel, base / rel, target / rel, lang) for rel in source_pages(root)]


def orphan_translations(root: Path, lang: str = "en") -> list[Path]:
    """Translated pages whose Japanese source no longer exists."""
    base, target = root / SOURCE_DIR, root / TRANSLATION_DIRS[lang]
    if not target.is_dir():
        return []
    return sorted(p.relative_to(target) for p in target.rglob("*.md") if not (base / p.relative_to(target)).exists())
