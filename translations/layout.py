"""Where the source pages and their translations live."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from site_tools.languages import LANGUAGES, SOURCE_LANGUAGE
from site_tools.pages import list_pages

SOURCE_DIR = Path(SOURCE_LANGUAGE.docs_dir)
TRANSLATION_DIRS = {lang.code: Path(lang.docs_dir) for lang in LANGUAGES if lang != SOURCE_LANGUAGE}


@dataclass(frozen=True)
class PagePair:
    """A Japanese source page and where its translation into `lang` lives (it may not exist)."""

    relative: Path  # e.g. tutorials/services/source-ip.md
    source: Path  # absolute path of the Japanese page
    translation: Path  # absolute path of the translated page
    lang: str


def source_pages(root: Path) -> list[Path]:
    """Every Japanese page (the pages the site builds), relative to the source directory, in a stable order."""
    return sorted(Path(page.src_uri) for page in list_pages(root / SOURCE_DIR))


def pairs(root: Path, lang: str = "en") -> list[PagePair]:
    base, target = root / SOURCE_DIR, root / TRANSLATION_DIRS[lang]
    return [PagePair(rel, base / rel, target / rel, lang) for rel in source_pages(root)]


def orphan_translations(root: Path, lang: str = "en") -> list[Path]:
    """Translated pages whose Japanese source no longer exists."""
    base = root / SOURCE_DIR
    return sorted(
        Path(page.src_uri) for page in list_pages(root / TRANSLATION_DIRS[lang]) if not (base / page.src_uri).exists()
    )
