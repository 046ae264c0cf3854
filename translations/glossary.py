"""The glossary: agreed term pairs and preferred spellings, checked on both sides.

File format (docs/glossary.yml)::

    terms:                       # each time the Japanese page uses `ja`, the translation uses `en`
      - ja: コントロールプレーン
        en: control plane
    avoid:                       # spellings not to use in prose (regular expressions)
      ja:
        - pattern: "コンテナー"
          use: コンテナ
      en:
        - pattern: "(?i)\\bmaster node"
          use: control plane node

Prose is read block by block, not line by line, so a term or a spelling split by a line
break is still found ("master" at the end of one line, "node" at the start of the next).
Terms are checked per paragraph, list item, table row and heading, each with the block that
translates it: one "load balancer" turned into "LB" is reported even where the page says
"load balancer" elsewhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from pagegrammar.frontmatter import yaml_error

from .findings import Finding, Mismatch
from .structure import ANCHOR_KINDS, Block, Page
from .text import snippet, strip_links, strip_untranslated

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


@dataclass(frozen=True)
class Term:
    ja: str
    en: str

    @property
    def pattern(self) -> re.Pattern[str]:
        return _english_pattern(self.en)

    def count(self, text: str, lang: str) -> int:
        """How many times `text` (prose, in `lang`) uses this term."""
        return len(self.offsets(join_lines(text, lang), lang))

    def offsets(self, flat: str, lang: str) -> list[int]:
        if lang == "ja":
            return [m.start() for m in re.finditer(re.escape(self.ja), flat)]
        return [m.start() for m in self.pattern.finditer(flat)]


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
        if not isinstance(entry, dict) or not entry.get("ja") or not entry.get("en"):
            raise GlossaryError(f"{name}: terms entry {n} needs both 'ja' and 'en'")
        terms.append(Term(str(entry["ja"]), str(entry["en"])))
    avoid: dict[str, tuple[Avoid, ...]] = {}
    for lang, entries in (data.get("avoid") or {}).items():
        items = []
        for entry in entries or []:
            try:
                items.append(Avoid(re.compile(entry["pattern"]), str(entry["use"])))
            except (KeyError, TypeError, re.error) as exc:
                raise GlossaryError(f"{name}: avoid.{lang} entry {entry!r} is invalid: {exc}") from None
        avoid[lang] = tuple(items)
    return Glossary(tuple(terms), avoid)


def join_lines(text: str, lang: str) -> str:
    """One line of prose: Japanese lines join without a space, other languages with one."""
    return ("" if lang == "ja" else " ").join(line.strip() for line in text.split("\n"))


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


def _prose(block: Block, lang: str, *, with_code: bool = False) -> _Prose:
    """`with_code` keeps the text of inline code (not link targets or URLs)."""
    glue = "" if lang == "ja" else " "
    text, starts = "", []
    for number, line in block.lines:
        if text:
            text += glue
        starts.append((len(text), number))
        text += (strip_links(line) if with_code else strip_untranslated(line)).strip()
    return _Prose(text, tuple(starts))


def _prose_blocks(blocks: list[Block]) -> list[Block]:
    return [b for b in blocks if b.kind not in ANCHOR_KINDS and b.lines]


def check_spellings(glossary: Glossary, page: Page, lang: str) -> list[Finding]:
    """Every use of a spelling to avoid, one finding per occurrence."""
    found = []
    for block in _prose_blocks(page.blocks):
        prose = _prose(block, lang)
        for avoid in glossary.avoid.get(lang, ()):
            for m in avoid.pattern.finditer(prose.text):
                found.append(
                    Finding(page.path, prose.line_at(m.start()), f"write '{avoid.use}', not '{m.group(0)}' (docs/glossary.yml)")
                )
    return found


def _uses(term: Term, block: Block, lang: str) -> list[int]:
    """The line of each use of `term` in a block's prose.

    In a translation, a term inside inline code counts: the reader sees the word there
    (a quoted English error message needs no Japanese-style gloss).
    """
    prose = _prose(block, lang, with_code=lang != "ja")
    return [prose.line_at(offset) for offset in term.offsets(prose.text, lang)]


def _block_pairs(alignment: Alignment) -> list[tuple[Block, Block]]:
    """Each source block with the block that translates it, headings included."""
    out = []
    for pair in alignment.pairs:
        if pair.source.heading and pair.translation.heading:
            out.append((pair.source.heading, pair.translation.heading))
        out += [(pair.source.blocks[i], pair.translation.blocks[j]) for i, j in pair.blocks if i is not None and j is not None]
    return [(a, b) for a, b in out if a.kind not in ANCHOR_KINDS]


def check_terms(glossary: Glossary, source: Page, translation: Page, alignment: Alignment) -> list[Mismatch]:
    """Each paragraph, list item, table row or heading that uses a glossary term keeps it in its translation.

    Terms are looked for block by block, not once per page: a translation that says "load
    balancer" in one paragraph and "LB" in the next is caught. English may use a pronoun for
    a repeated term, so a block needs the agreed term at least once, not as often as the source.
    """
    found = []
    for a, b in _block_pairs(alignment):
        for term in glossary.terms:
            ja = _uses(term, a, "ja")
            if not ja or _uses(term, b, "en"):
                continue
            times = "" if len(ja) == 1 else f" {len(ja)} times"
            found.append(
                Mismatch(
                    source.path,
                    ja[0],
                    translation.path,
                    b.line,
                    f"the source's {a.kind} «{snippet(a.text)}» uses '{term.ja}'{times}, but its translation "
                    f"«{snippet(b.text)}» never says '{term.en}' (docs/glossary.yml)",
                )
            )
    return found
