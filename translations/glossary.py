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

A term names its text in every language of the registry (languages/registry.yaml), keyed by
language code; a language with spaces between words (``word_spaces``) matches a term in any
inflection, the others match it literally.

Prose is read block by block, not line by line, so a term or a spelling split by a line
break is still found ("master" at the end of one line, "node" at the start of the next).
Terms are checked per paragraph, list item, table row and heading, each with the block that
translates it: one "load balancer" turned into "LB" is reported even where the page says
"load balancer" elsewhere.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from languages import SOURCE_LANGUAGE, TRANSLATIONS, codes, language
from pagegrammar.frontmatter import yaml_error

from .findings import Finding, Mismatch
from .structure import ANCHOR_KINDS, Block, Page
from .text import mask_untranslated, snippet, strip_links, strip_untranslated

if TYPE_CHECKING:
    from .align import Alignment


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
        """How many times `text` (prose, in `lang`) uses this term."""
        return len(self.offsets(join_lines(text, lang), lang))

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
    """A term's texts: one for every language of the registry, and no other."""
    wanted = codes()
    if not isinstance(entry, dict):
        raise GlossaryError(f"{name}: terms entry {n} must map each language ({', '.join(wanted)}) to the term")
    missing = [code for code in wanted if not entry.get(code)]
    unknown = [str(key) for key in entry if key not in wanted]
    if missing:
        raise GlossaryError(f"{name}: terms entry {n} needs {' and '.join(repr(c) for c in wanted)}; "
                            f"it has no {', '.join(repr(c) for c in missing)}")
    if unknown:
        raise GlossaryError(f"{name}: terms entry {n}: {', '.join(map(repr, unknown))} is not a language of "
                            f"languages/registry.yaml ({', '.join(wanted)})")
    return {code: str(entry[code]) for code in wanted}


def _glue(lang: str) -> str:
    """What joins two lines of prose: a space where words are spaced, nothing in Japanese."""
    return " " if language(lang).word_spaces else ""


def join_lines(text: str, lang: str) -> str:
    """One line of prose: lines join with a space where words are spaced, with nothing in Japanese."""
    return _glue(lang).join(line.strip() for line in text.split("\n"))


@dataclass(frozen=True)
class _Prose:
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


def _prose(block: Block, lang: str, *, with_code: bool = False, mask_code: bool = False) -> _Prose:
    """`with_code` keeps the text of inline code (not link targets or URLs); `mask_code` puts one
    half-width character in place of each inline code span, so that spacing around it can be checked."""
    glue = _glue(lang)
    clean = strip_links if with_code else mask_untranslated if mask_code else strip_untranslated
    text, starts = "", []
    for number, line in block.lines:
        if text:
            text += glue
        starts.append((len(text), number))
        text += clean(line).strip()
    return _Prose(text, tuple(starts))


def _prose_blocks(blocks: list[Block]) -> list[Block]:
    return [b for b in blocks if b.kind not in ANCHOR_KINDS and b.lines]


def check_spellings(glossary: Glossary, page: Page, lang: str) -> list[Finding]:
    """Every use of a spelling to avoid, one finding per occurrence."""
    found = []
    for block in _prose_blocks(page.blocks):
        prose = _prose(block, lang, mask_code=True)
        for avoid in glossary.avoid.get(lang, ()):
            for m in avoid.pattern.finditer(prose.text):
                found.append(
                    Finding(page.path, prose.line_at(m.start()), f"write '{avoid.use}', not '{m.group(0)}' (docs/glossary.yml)")
                )
    return found


def _uses(term: Term, block: Block, lang: str) -> list[int]:
    """The line of each use of `term` in a block's prose.

    In a translation (not the source), a term inside inline code counts: the reader sees the word there
    (a quoted English error message needs no Japanese-style gloss).
    """
    prose = _prose(block, lang, with_code=lang != SOURCE_LANGUAGE.code)
    return [prose.line_at(offset) for offset in term.offsets(prose.text, lang)]


def _block_pairs(alignment: Alignment) -> list[tuple[Block, Block]]:
    """Each source block with the block that translates it, headings included."""
    out = []
    for pair in alignment.pairs:
        if pair.source.heading and pair.translation.heading:
            out.append((pair.source.heading, pair.translation.heading))
        out += [(pair.source.blocks[i], pair.translation.blocks[j]) for i, j in pair.blocks if i is not None and j is not None]
    return [(a, b) for a, b in out if a.kind not in ANCHOR_KINDS]


def check_terms(
    glossary: Glossary, source: Page, translation: Page, alignment: Alignment, lang: str | None = None
) -> list[Mismatch]:
    """Each paragraph, list item, table row or heading that uses a glossary term keeps it in its translation.

    Terms are looked for block by block, not once per page: a translation that says "load
    balancer" in one paragraph and "LB" in the next is caught. English may use a pronoun for
    a repeated term, so a block needs the agreed term at least once, not as often as the source.
    `lang` is the translation's language (default: the registry's first translation).
    """
    src, dst = SOURCE_LANGUAGE.code, lang or TRANSLATIONS[0].code
    found = []
    for a, b in _block_pairs(alignment):
        for term in glossary.terms:
            uses = _uses(term, a, src)
            if not uses or _uses(term, b, dst):
                continue
            times = "" if len(uses) == 1 else f" {len(uses)} times"
            found.append(
                Mismatch(
                    source.path,
                    uses[0],
                    translation.path,
                    b.line,
                    f"the source's {a.kind} «{snippet(a.text)}» uses '{term.text(src)}'{times}, but its translation "
                    f"«{snippet(b.text)}» never says '{term.text(dst)}' (docs/glossary.yml)",
                )
            )
    return found
