"""The glossary: agreed term pairs and preferred spellings, checked on both sides.

File format (docs/glossary.yml)::

    terms:                       # where the Japanese page uses `ja`, the translation uses `en`
      - ja: コントロールプレーン
        en: control plane
    avoid:                       # spellings not to use in prose (regular expressions)
      ja:
        - pattern: "コンテナー"
          use: コンテナ
      en:
        - pattern: "(?i)\\bmaster node"
          use: control plane node
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from .structure import Page


class GlossaryError(ValueError):
    pass


@dataclass(frozen=True)
class Term:
    ja: str
    en: str


@dataclass(frozen=True)
class Avoid:
    pattern: re.Pattern[str]
    use: str


@dataclass(frozen=True)
class Glossary:
    terms: tuple[Term, ...]
    avoid: dict[str, tuple[Avoid, ...]]


@dataclass(frozen=True)
class Finding:
    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


def load(path: Path) -> Glossary:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise GlossaryError(f"{path}:{(mark.line + 1) if mark else 1}: invalid YAML: {exc}") from None
    terms = []
    for n, entry in enumerate(data.get("terms") or [], 1):
        if not isinstance(entry, dict) or not entry.get("ja") or not entry.get("en"):
            raise GlossaryError(f"{path}: terms entry {n} needs both 'ja' and 'en'")
        terms.append(Term(str(entry["ja"]), str(entry["en"])))
    avoid: dict[str, tuple[Avoid, ...]] = {}
    for lang, entries in (data.get("avoid") or {}).items():
        items = []
        for entry in entries or []:
            try:
                items.append(Avoid(re.compile(entry["pattern"]), str(entry["use"])))
            except (KeyError, TypeError, re.error) as exc:
                raise GlossaryError(f"{path}: avoid.{lang} entry {entry!r} is invalid: {exc}") from None
        avoid[lang] = tuple(items)
    return Glossary(tuple(terms), avoid)


_INLINE_CODE = re.compile(r"`[^`]*`")
_LINK_TARGET = re.compile(r"\]\([^)]*\)")
_BARE_URL = re.compile(r"https?://\S+")


def _prose(page: Page) -> list[tuple[int, str]]:
    """Prose lines without inline code, link targets or URLs: those stay the same in every language."""
    def clean(text: str) -> str:
        return _BARE_URL.sub("", _LINK_TARGET.sub("]", _INLINE_CODE.sub("", text)))

    return [(n, clean(text)) for n, text in page.prose]


def check_spellings(glossary: Glossary, page: Page, lang: str) -> list[Finding]:
    found = []
    for line, text in _prose(page):
        for avoid in glossary.avoid.get(lang, ()):
            m = avoid.pattern.search(text)
            if m:
                found.append(Finding(page.path, line, f"write '{avoid.use}', not '{m.group(0)}' (docs/glossary.yml)"))
    return found


def check_terms(glossary: Glossary, source: Page, translation: Page) -> list[Finding]:
    """Each glossary term the Japanese page uses must appear, as agreed, in its translation."""
    translated = "\n".join(text for _, text in _prose(translation)).lower()
    found = []
    for term in glossary.terms:
        uses = [line for line, text in _prose(source) if term.ja in text]
        if uses and term.en.lower() not in translated:
            found.append(
                Finding(
                    translation.path,
                    1,
                    f"the source uses '{term.ja}' (line {uses[0]} of {source.path}) "
                    f"but the translation never says '{term.en}' (docs/glossary.yml)",
                )
            )
    return found
