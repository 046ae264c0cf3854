"""Structural parity between a Japanese page and its translation.

What a reviewer would reject, found without reading either language:

- front matter other than `title` (and the translation record) that differs;
- code blocks and directives that differ, are missing or are extra (the whole page in order);
- sections that are missing, extra, moved, or whose heading level or language-neutral words
  (``StatefulSet``, ``Type=ClusterIP``, glossary terms) differ — e.g. two headings swapped;
- inside each pair of sections, paragraphs, list items, table rows, admonitions and tabs that
  have no counterpart;
- a translated heading whose id is not its source heading's (`translations.headings`).
"""

from __future__ import annotations

import difflib
import json
from pathlib import Path
from typing import Any

from languages import TRANSLATIONS

from .align import Alignment, Section, SectionPair, Words, align_pages, nearest, word_pair
from .findings import Mismatch
from .glossary import Glossary
from .headings import id_mismatches
from .structure import ANCHOR_KINDS, Block, Element, Page, parse
from .text import contains_token, snippet

__all__ = ["Mismatch", "compare", "compare_pages"]

# Front matter keys that belong to one language only (`description` is the page's <meta> description).
TRANSLATED_KEYS = frozenset({"title", "description", "translation"})


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
            assert left is not None and right is not None
            message = f"{what}: {left.shown} here is not the same as {right.shown} in the translation"
            if left.kind == right.kind == "code":
                message += _first_difference(left.key, right.key)
        elif tag == "delete":
            assert left is not None
            message = f"{what}: {left.shown} has no counterpart in the translation"
        else:
            assert right is not None
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
    for x, y in zip(a.splitlines(), b.splitlines(), strict=False):  # unequal lengths are reported below
        if x != y:
            return f" (first differing line: {x!r} vs {y!r})"
    return " (one block has more lines)"


def _shown(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def front_matter_mismatches(src: Page, dst: Page) -> list[Mismatch]:
    """Every front matter key but `title` must be the same: it tells the verifier what the page needs."""
    a, b = src.front_matter, dst.front_matter
    out = []
    for key in sorted((set(a) | set(b)) - TRANSLATED_KEYS):
        left, right = src.front.key_lines.get(key), dst.front.key_lines.get(key)
        if key not in b:
            message = f"front matter: '{key}: {_shown(a[key])}' is missing from the translation"
            right = dst.front.closing_line
        elif key not in a:
            message = f"front matter: the translation adds '{key}: {_shown(b[key])}', which the source does not have"
            left = src.front.closing_line
        elif a[key] != b[key]:
            message = f"front matter: '{key}' is {_shown(a[key])} in the source but {_shown(b[key])} in the translation"
        else:
            continue
        out.append(Mismatch(src.path, left, dst.path, right, message + " (only 'title' and 'description' may differ)"))
    return out


def _heading_words(text: str, words: Words) -> set[str]:
    """The words of a heading that survive translation: Latin words (not bare numbers) and glossary terms."""
    return {t for t in words(text.lstrip("#")) if not t.isdigit()}


def _shown_word(token: str) -> str:
    return repr(token.removeprefix("glossary:"))


def _heading_mismatches(
    src: Page, dst: Page, alignment: Alignment, glossary: Glossary | None, lang: str | None
) -> list[Mismatch]:
    """Paired headings must have the same level and keep the source heading's words that survive translation."""
    ja_words, en_words = word_pair(glossary, lang)
    others = [(s, _heading_words(s.heading.text, en_words)) for s in alignment.translation if s.heading]
    out = []
    for pair in alignment.pairs:
        a, b = pair.source.heading, pair.translation.heading
        if a is None or b is None:
            continue
        if a.level != b.level:
            out.append(
                Mismatch(src.path, a.line, dst.path, b.line,
                         f"heading '{a.shown}' is level {a.level}, its translation '{b.shown}' is level {b.level}")
            )
        there = _heading_words(b.text, en_words)
        missing = sorted(t for t in _heading_words(a.text, ja_words) if not contains_token(t, there))
        if not missing:
            continue
        message = (
            f"heading '{a.shown}' stands over a section translated under '{b.shown}', "
            f"which does not mention {', '.join(_shown_word(t) for t in missing)}"
        )
        elsewhere = [s for s, w in others if s is not pair.translation and all(contains_token(t, w) for t in missing)]
        if elsewhere:
            message += f"; '{elsewhere[0].title}' (line {elsewhere[0].line}) does: were the headings swapped?"
        out.append(Mismatch(src.path, a.line, dst.path, b.line, message))
    return out


def _section_mismatches(src: Page, dst: Page, alignment: Alignment) -> list[Mismatch]:
    out = []
    for a, b in alignment.moved:
        before_a = _previous(alignment.source, a)
        before_b = _previous(alignment.translation, b)
        out.append(
            Mismatch(src.path, a.line, dst.path, b.line,
                     f"section moved: '{a.title}' follows '{before_a}' in the source, but its translation "
                     f"'{b.title}' follows '{before_b}'")
        )
    for section in alignment.unpaired_source:
        out.append(
            Mismatch(src.path, section.line, dst.path, _near(alignment, section, 0),
                     f"section '{section.title}' has no counterpart in the translation")
        )
    for section in alignment.unpaired_translation:
        out.append(
            Mismatch(src.path, _near(alignment, section, 1), dst.path, section.line,
                     f"the translation has an extra section '{section.title}' with no counterpart in the source")
        )
    return out


def _previous(sections: list[Section], section: Section) -> str:
    k = sections.index(section)
    return sections[k - 1].title if k > 0 else "the start of the page"


def _near(alignment: Alignment, section: Section, side: int) -> int | None:
    """The line on the other side where an unpaired section would stand."""
    own = alignment.source if side == 0 else alignment.translation
    other = alignment.translation if side == 0 else alignment.source
    k = own.index(section)
    position = next(p for p, pair in enumerate(alignment.order) if pair[side] == k)
    for p in range(position, -1, -1):
        j = alignment.order[p][1 - side]
        if j is not None:
            return other[j].line
    return None


def _counted(n: int, kind: str) -> str:
    return f"{n} {kind}" if n == 1 else f"{n} {kind}s"


# More unpaired blocks than this on one side of a section pair are reported as one finding.
SUMMARY_AFTER = 3


def _reported(blocks: list[Block], unpaired: set[int], page: Page) -> list[Block]:
    """Unpaired blocks worth a message: not anchors (compared page-wide), not inside an unpaired admonition or tab."""
    out = []
    for k in sorted(unpaired):
        block = blocks[k]
        if block.kind in ANCHOR_KINDS:
            continue
        if block.container is not None and any(blocks[c] is page.blocks[block.container] for c in unpaired):
            continue
        out.append(block)
    return out


def _block_mismatches(src: Page, dst: Page, pair: SectionPair) -> list[Mismatch]:
    """Prose blocks, admonitions and tabs of a section pair that have no counterpart on the other side."""
    a, b = pair.source, pair.translation
    out = []
    for i, j in pair.blocks:
        if i is not None and j is not None and a.blocks[i].kind in ("admonition", "tab") and a.blocks[i].key != b.blocks[j].key:
            x, y = a.blocks[i], b.blocks[j]
            out.append(Mismatch(src.path, x.line, dst.path, y.line,
                                f"{x.shown} here is not the same as {y.shown} in the translation"))
    for side in (0, 1):
        page, own, other = (src, a, b) if side == 0 else (dst, b, a)
        unpaired = {index for p in pair.blocks if p[1 - side] is None and (index := p[side]) is not None}
        reported = _reported(own.blocks, unpaired, page)
        if len(reported) > SUMMARY_AFTER:
            kinds = sorted({blk.kind for blk in reported})
            listing = ", ".join(_counted(sum(blk.kind == kind for blk in reported), kind) for kind in kinds)
            lines = ", ".join(str(blk.line) for blk in reported)
            if side == 0:
                message = (f"{listing} of '{a.title}' (lines {lines}) have no counterpart in its translation "
                           f"'{b.title}'")
                out.append(Mismatch(src.path, reported[0].line, dst.path, b.line, message))
            else:
                message = (f"the translation '{b.title}' has {listing} (lines {lines}) with no counterpart in "
                           f"'{a.title}'")
                out.append(Mismatch(src.path, a.line, dst.path, reported[0].line, message))
            continue
        for block in reported:
            kind = block.kind
            counts = f"{_counted(a.count(kind), kind)} in '{a.title}', {b.count(kind)} in its translation '{b.title}'"
            near = nearest(other.blocks, pair.blocks, own.blocks.index(block), side) or other.line
            if side == 0:
                message = f"{kind} «{snippet(block.text)}» has no counterpart in the translation ({counts})"
                out.append(Mismatch(src.path, block.line, dst.path, near, message))
            else:
                message = f"the translation has an extra {kind} «{snippet(block.text)}» ({counts})"
                out.append(Mismatch(src.path, near, dst.path, block.line, message))
    return out


def compare(source: Path, translation: Path, glossary: Glossary | None = None, lang: str | None = None) -> list[Mismatch]:
    return compare_pages(parse(source), parse(translation), glossary, lang=lang)


def compare_pages(
    src: Page, dst: Page, glossary: Glossary | None = None, alignment: Alignment | None = None, lang: str | None = None
) -> list[Mismatch]:
    """What differs in structure between `src` and its translation `dst` into `lang` (default: the first translation)."""
    alignment = alignment or align_pages(src, dst, glossary, lang)
    problems = front_matter_mismatches(src, dst)
    problems += _sequence_mismatches(src, dst, ANCHOR_KINDS, "code blocks and directives")
    problems += _section_mismatches(src, dst, alignment)
    problems += _heading_mismatches(src, dst, alignment, glossary, lang)
    problems += id_mismatches(src, dst, alignment, lang or TRANSLATIONS[0].code)
    for pair in alignment.pairs:
        problems += _block_mismatches(src, dst, pair)
    return problems
