"""The glossary: agreed terms and preferred spellings, checked in every language.

File format (docs/glossary.yml)::

    terms:                       # each time the source page uses its text (`ja`), a translation uses its own
      - ja: コントロールプレーン
        en: control plane
    avoid:                       # spellings not to use in prose, per language (regular expressions)
      ja:
        - pattern: "コンテナー"
          use: コンテナ
      en:
        - pattern: "(?i)\\bmaster node"
          use: control plane node

A term names its text in the source language and in each translation of the registry
(languages/registry.yaml), keyed by language code; a language with spaces between words
(``word_spaces``) matches a term in any inflection, the others match it literally. A language
just added to the registry has no texts yet: its own check reports which terms lack one
(`missing`), and no other language's check is affected.

Prose is read block by block, not line by line, so a term or a spelling split by a line
break is still found ("master" at the end of one line, "node" at the start of the next).
Inline code is not prose: `healthCheckNodePort` neither uses "health check" nor misspells
anything. Whether each block's translation keeps the block's terms is `translations.terms`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import yaml

from languages import SOURCE_LANGUAGE, codes, language
from pagegrammar.frontmatter import yaml_error

from .findings import Finding
from .structure import ANCHOR_KINDS, Block, Page
from .text import mask_untranslated, strip_untranslated


class GlossaryError(ValueError):
    pass


_ENDINGS = ("ers", "er", "es", "ed", "ing", "e", "s")


def _stem(word: str) -> str:
    """`word` without one common English ending, so that any inflection of it matches."""
    if word.lower().endswith("ex"):
        return word[:-2] + "(?:ex|ic)"  # index, indexes, indices
    for ending in _ENDINGS:
        if len(word) - len(ending) >= 4 and word.lower().endswith(ending):
            return word[: -len(ending)]
    return word


def _english_pattern(term: str) -> re.Pattern[str]:
    """Match `term` in any inflected or compounded form (load balancers, load-balanced, LoadBalancer,
    cleanup), across line breaks."""
    parts = [_stem(re.escape(word)) + r"[a-z]*" for word in term.split()]
    return re.compile(r"(?<![A-Za-z])" + r"(?:\s+|-)?".join(parts) + r"(?![A-Za-z])", re.IGNORECASE)


@dataclass(frozen=True, eq=False)
class Term:
    """One agreed term: its text in each language, by language code."""

    texts: Mapping[str, str]

    def text(self, lang: str) -> str:
        return self.texts[lang]

    def has(self, lang: str) -> bool:
        """Whether the term has a text in `lang` (a language just added to the registry may not yet)."""
        return lang in self.texts

    @cached_property
    def _patterns(self) -> dict[str, re.Pattern[str]]:
        return {
            lang: _english_pattern(text) if language(lang).word_spaces else re.compile(re.escape(text))
            for lang, text in self.texts.items()
        }

    def pattern(self, lang: str) -> re.Pattern[str]:
        """How the term is found in `lang`: any inflection where words are spaced, else literally."""
        return self._patterns[lang]

    def count(self, text: str, lang: str) -> int:
        """How many times `text` (prose, in `lang`) uses this term (0 when it has no text in `lang`)."""
        return len(self.offsets(join_lines(text, lang), lang)) if self.has(lang) else 0

    def offsets(self, flat: str, lang: str) -> list[int]:
        return [m.start() for m in self.pattern(lang).finditer(flat)]


@dataclass(frozen=True)
class Avoid:
    pattern: re.Pattern[str]
    use: str


@dataclass(frozen=True)
class Glossary:
    terms: tuple[Term, ...]
    avoid: dict[str, tuple[Avoid, ...]]

    def missing(self, lang: str) -> list[int]:
        """The entry numbers (1-based) of the terms with no text in `lang`."""
        return [n for n, term in enumerate(self.terms, 1) if not term.has(lang)]


def load(path: Path, display: Path | str | None = None) -> Glossary:
    """Read the glossary at `path`; errors name it as `display` (default: `path`)."""
    name = display or path
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        line, message = yaml_error(exc, 1)
        raise GlossaryError(f"{name}:{line}: invalid YAML: {message}") from None
    if not isinstance(data, dict):
        raise GlossaryError(f"{name}:1: the glossary must be a mapping with 'terms' and 'avoid'")
    terms = []
    for n, entry in enumerate(data.get("terms") or [], 1):
        terms.append(Term(_texts(name, n, entry)))
    avoid: dict[str, tuple[Avoid, ...]] = {}
    for lang, entries in (data.get("avoid") or {}).items():
        if lang not in codes():
            raise GlossaryError(f"{name}: avoid.{lang}: {lang!r} is not a language of languages/registry.yaml "
                                f"({', '.join(codes())})")
        items = []
        for entry in entries or []:
            try:
                items.append(Avoid(re.compile(entry["pattern"]), str(entry["use"])))
            except (KeyError, TypeError, re.error) as exc:
                raise GlossaryError(f"{name}: avoid.{lang} entry {entry!r} is invalid: {exc}") from None
        avoid[lang] = tuple(items)
    return Glossary(tuple(terms), avoid)


def _texts(name: Path | str, n: int, entry: object) -> dict[str, str]:
    """A term's texts: the source language's, and those of translations that have one; no other language."""
    wanted = codes()
    if not isinstance(entry, dict):
        raise GlossaryError(f"{name}: terms entry {n} must map each language ({', '.join(wanted)}) to the term")
    unknown = [str(key) for key in entry if key not in wanted]
    if unknown:
        raise GlossaryError(f"{name}: terms entry {n}: {', '.join(map(repr, unknown))} is not a language of "
                            f"languages/registry.yaml ({', '.join(wanted)})")
    if not entry.get(SOURCE_LANGUAGE.code):
        raise GlossaryError(f"{name}: terms entry {n} has no {SOURCE_LANGUAGE.code!r} text: a term is a "
                            f"{SOURCE_LANGUAGE.english_name} word and its translations")
    return {code: str(entry[code]) for code in wanted if entry.get(code)}


def _glue(lang: str) -> str:
    """What joins two lines of prose: a space where words are spaced, nothing in Japanese."""
    return " " if language(lang).word_spaces else ""


def join_lines(text: str, lang: str) -> str:
    """One line of prose: lines join with a space where words are spaced, with nothing in Japanese."""
    return _glue(lang).join(line.strip() for line in text.split("\n"))


@dataclass(frozen=True)
class Prose:
    """A block's translatable text on one line, and where each original line starts in it."""

    text: str
    starts: tuple[tuple[int, int], ...]  # (offset, line number)

    def line_at(self, offset: int) -> int:
        line = self.starts[0][1]
        for start, number in self.starts:
            if start > offset:
                break
            line = number
        return line


def prose_of(block: Block, lang: str, *, mask_code: bool = False) -> Prose:
    """A block's prose on one line: inline code, link targets and URLs left out (`mask_code`: each inline code span
    stands as one half-width character, so that the spacing around it can be checked)."""
    glue = _glue(lang)
    text, starts = "", []
    for number, line in block.lines:
        if text:
            text += glue
        starts.append((len(text), number))
        text += (mask_untranslated(line) if mask_code else strip_untranslated(line)).strip()
    return Prose(text, tuple(starts))


def _prose_blocks(blocks: list[Block]) -> list[Block]:
    return [b for b in blocks if b.kind not in ANCHOR_KINDS and b.lines]


def check_spellings(glossary: Glossary, page: Page, lang: str) -> list[Finding]:
    """Every use of a spelling to avoid, one finding per occurrence."""
    found = []
    for block in _prose_blocks(page.blocks):
        prose = prose_of(block, lang, mask_code=True)
        for avoid in glossary.avoid.get(lang, ()):
            for m in avoid.pattern.finditer(prose.text):
                found.append(
                    Finding(page.path, prose.line_at(m.start()), f"write '{avoid.use}', not '{m.group(0)}' (docs/glossary.yml)")
                )
    return found


def _term_line(term: Term) -> str:
    return "    ".join(f"{code}: {term.text(code) if term.has(code) else '(no text yet)'}" for code in codes())


def _avoid_line(lang: str, avoid: Avoid, written: str | None) -> str:
    return f"{lang}: avoid '{written or avoid.pattern.pattern}', write '{avoid.use}'"


def summary(glossary: Glossary) -> str:
    """What the glossary holds: '3 terms, 2 spellings to avoid'."""
    spellings = sum(len(entries) for entries in glossary.avoid.values())
    return f"{len(glossary.terms)} terms, {spellings} spellings to avoid"


def lookup(glossary: Glossary, query: str) -> list[str]:
    """The terms that `query` names in any language (in any inflection, or as part of a term), and the
    spellings to avoid that `query` is, or that say to write it; each as one line."""
    wanted = " ".join(query.split())
    out = []
    for term in glossary.terms:
        for code, text in term.texts.items():
            if term.pattern(code).search(wanted) or wanted.lower() in text.lower():
                out.append(_term_line(term))
                break
    for lang, entries in glossary.avoid.items():
        for avoid in entries:
            found = avoid.pattern.search(wanted)
            if found or wanted.lower() in avoid.use.lower():
                out.append(_avoid_line(lang, avoid, found.group(0) if found else None))
    return out


def listing(glossary: Glossary) -> list[str]:
    """Every term, then every spelling to avoid, one a line."""
    return [_term_line(term) for term in glossary.terms] + [
        _avoid_line(lang, avoid, None) for lang, entries in glossary.avoid.items() for avoid in entries
    ]
