"""Which part of a translation translates which part of its source.

Prose cannot be compared across languages, but a page has anchors that do not change in
translation: code blocks, directives, and the Latin words and glossary terms inside its
sentences. Pages are aligned in two steps:

1. sections (a heading and the blocks up to the next heading) are paired in order, preferring
   pairs whose anchors, heading words and prose words agree; a section left over on both sides
   with the same content was moved;
2. inside each pair of sections, blocks are paired in order, code blocks and directives first,
   then prose blocks of the same kind whose words agree.

`--check` reports what is left unpaired; `--diff` uses the pairs to find where the translation
of a changed Japanese block stands.
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from languages import SOURCE_LANGUAGE, TRANSLATIONS

from .glossary import Glossary
from .structure import ANCHOR_KINDS, Block, Page
from .text import containment, neutral_tokens

Pairs = list[tuple[int | None, int | None]]


def align(n: int, m: int, score: Callable[[int, int], float | None]) -> Pairs:
    """Order-preserving pairing of two sequences that maximises the total score.

    `score(i, j)` is how good pairing item i with item j is (None: never). Unpaired items
    appear as (i, None) or (None, j) at their place in the sequence.
    """
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        row, below = best[i], best[i + 1]
        for j in range(m - 1, -1, -1):
            value = max(below[j], row[j + 1])
            s = score(i, j)
            if s is not None and s + below[j + 1] > value:
                value = s + below[j + 1]
            row[j] = value
    out: Pairs = []
    i = j = 0
    while i < n and j < m:
        s = score(i, j)
        if s is not None and abs(best[i][j] - (s + best[i + 1][j + 1])) < 1e-9:
            out.append((i, j))
            i, j = i + 1, j + 1
        elif abs(best[i][j] - best[i + 1][j]) < 1e-9:
            out.append((i, None))
            i += 1
        else:
            out.append((None, j))
            j += 1
    out += [(k, None) for k in range(i, n)] + [(None, k) for k in range(j, m)]
    return out


@dataclass
class Section:
    """A heading (None for the top of the page) and the blocks up to the next heading."""

    index: int
    heading: Block | None
    blocks: list[Block]

    @property
    def level(self) -> int:
        return self.heading.level if self.heading else 0

    @property
    def title(self) -> str:
        return self.heading.shown if self.heading else "(top of the page)"

    @property
    def line(self) -> int:
        if self.heading:
            return self.heading.line
        return self.blocks[0].line if self.blocks else 1

    def count(self, kind: str) -> int:
        return sum(1 for b in self.blocks if b.kind == kind)


def sections(page: Page) -> list[Section]:
    out = [Section(0, None, [])]
    for block in page.blocks:
        if block.kind == "heading":
            out.append(Section(len(out), block, []))
        else:
            out[-1].blocks.append(block)
    if not out[0].blocks and len(out) > 1:
        out.pop(0)
        for k, section in enumerate(out):
            section.index = k
    return out


class Words:
    """Neutral tokens of texts, plus one token per glossary term they use, so that the
    Japanese 「ロードバランサー」 and the English "load balancer" count as the same word.

    The token names the term in `named_in` (both sides of a comparison use the translation's)."""

    def __init__(self, glossary: Glossary | None, lang: str, named_in: str | None = None) -> None:
        self.glossary = glossary
        self.lang = lang
        self.named_in = named_in or lang

    def __call__(self, text: str) -> set[str]:
        tokens = neutral_tokens(text)
        if self.glossary:
            for term in self.glossary.terms:
                if term.has(self.named_in) and term.count(text, self.lang):
                    tokens.add(f"glossary:{term.text(self.named_in)}")
        return tokens


@dataclass
class _Profile:
    """What a section looks like, independent of its language."""

    heading: set[str]
    words: set[str]
    anchors: list[str]
    shape: Counter[str]


def _profile(section: Section, words: Words) -> _Profile:
    heading = words(section.heading.text.lstrip("#")) if section.heading else set()
    heading = {t for t in heading if not t.isdigit()}
    text = "\n".join(b.text for b in section.blocks if b.kind not in ANCHOR_KINDS)
    anchors = [b.key for b in section.blocks if b.kind in ANCHOR_KINDS]
    shape = Counter(b.kind for b in section.blocks if b.kind not in ANCHOR_KINDS)
    return _Profile(heading, words(text), anchors, shape)


def _shape_similarity(a: Counter[str], b: Counter[str]) -> float | None:
    total = sum((a | b).values())
    if not total:
        return None
    return 1 - sum(abs(a[k] - b[k]) for k in a | b) / total


def _section_similarity(a: _Profile, b: _Profile) -> float:
    parts: list[float] = []
    if a.anchors or b.anchors:
        parts += [difflib.SequenceMatcher(a=a.anchors, b=b.anchors, autojunk=False).ratio()] * 2
    for part in (containment(a.heading, b.heading), containment(a.words, b.words), _shape_similarity(a.shape, b.shape)):
        if part is not None:
            parts.append(part)
    return sum(parts) / len(parts) if parts else 0.5


def _block_score(a: Block, b: Block, wa: set[str], wb: set[str]) -> float | None:
    if a.kind != b.kind:
        return None
    if a.kind in ANCHOR_KINDS:
        return 4.0 if a.key == b.key else 1.0
    if a.kind in ("admonition", "tab"):
        return 2.0 if a.key == b.key else 1.0
    share = containment(wa, wb)
    return 1.0 + (0.5 if share is None else share)


@dataclass
class SectionPair:
    source: Section
    translation: Section
    blocks: Pairs  # indices into source.blocks / translation.blocks


@dataclass
class Alignment:
    """How a translation lines up with its source."""

    source: list[Section]
    translation: list[Section]
    pairs: list[SectionPair] = field(default_factory=list)
    moved: list[tuple[Section, Section]] = field(default_factory=list)
    unpaired_source: list[Section] = field(default_factory=list)
    unpaired_translation: list[Section] = field(default_factory=list)
    order: Pairs = field(default_factory=list)  # section pairing in page order, including the unpaired

    def block_pairs(self) -> list[tuple[Block, Block]]:
        """Each prose block of the source (headings, paragraphs, list items, table rows, admonitions, tabs)
        with the block that translates it, in page order."""
        out = []
        for pair in self.pairs:
            if pair.source.heading and pair.translation.heading:
                out.append((pair.source.heading, pair.translation.heading))
            out += [(pair.source.blocks[i], pair.translation.blocks[j]) for i, j in pair.blocks
                    if i is not None and j is not None]
        return [(a, b) for a, b in out if a.kind not in ANCHOR_KINDS]

    def translation_of(self, block: Block) -> tuple[Section, Block | None] | None:
        """The translated section, and block when known, that stand for a source block (None: no counterpart)."""
        for pair in self.pairs:
            if block is pair.source.heading:
                return pair.translation, pair.translation.heading
            for i, j in pair.blocks:
                if i is not None and pair.source.blocks[i] is block:
                    return pair.translation, pair.translation.blocks[j] if j is not None else None
        return None


MOVED_THRESHOLD = 0.6


def word_pair(glossary: Glossary | None, lang: str | None = None) -> tuple[Words, Words]:
    """The words of a source page and of its translation into `lang` (default: the registry's first)."""
    lang = lang or TRANSLATIONS[0].code
    return Words(glossary, SOURCE_LANGUAGE.code, lang), Words(glossary, lang)


def align_pages(source: Page, translation: Page, glossary: Glossary | None = None, lang: str | None = None) -> Alignment:
    """Pair the sections of `source` with those of its `translation` into `lang` (default: the first translation)."""
    src, dst = sections(source), sections(translation)
    source_words, translation_words = word_pair(glossary, lang)
    profiles_a = [_profile(s, source_words) for s in src]
    profiles_b = [_profile(s, translation_words) for s in dst]
    similarity = {
        (i, j): _section_similarity(profiles_a[i], profiles_b[j]) for i in range(len(src)) for j in range(len(dst))
    }

    def section_score(i: int, j: int) -> float | None:
        return 0.2 + similarity[i, j] if src[i].level == dst[j].level else None

    order = align(len(src), len(dst), section_score)
    left = [i for i, j in order if j is None and i is not None]
    right = [j for i, j in order if i is None and j is not None]
    paired = [(i, j) for i, j in order if i is not None and j is not None]
    moved = []
    for i in list(left):
        candidates = [j for j in right if similarity[i, j] >= MOVED_THRESHOLD]
        if not candidates:
            continue
        j = max(candidates, key=lambda c: similarity[i, c])
        left.remove(i)
        right.remove(j)
        if src[i].level == dst[j].level:
            moved.append((i, j))
        else:
            paired.append((i, j))  # same content under a heading of another level: reported as such
    result = Alignment(src, dst, order=order)
    result.moved = [(src[i], dst[j]) for i, j in moved]
    result.unpaired_source = [src[i] for i in left]
    result.unpaired_translation = [dst[j] for j in right]
    for i, j in sorted(paired) + moved:
        result.pairs.append(SectionPair(src[i], dst[j], _align_blocks(src[i], dst[j], source_words, translation_words)))
    return result


def _align_blocks(a: Section, b: Section, ja_words: Words, en_words: Words) -> Pairs:
    wa = [ja_words(x.text) for x in a.blocks]
    wb = [en_words(x.text) for x in b.blocks]
    return align(len(a.blocks), len(b.blocks), lambda i, j: _block_score(a.blocks[i], b.blocks[j], wa[i], wb[j]))


def nearest(blocks: Sequence[Block], pairs: Pairs, index: int, side: int) -> int | None:
    """The line on the other side closest to where item `index` of `side` (0 or 1) would be."""
    position = next(k for k, p in enumerate(pairs) if p[side] == index)
    other = 1 - side
    for k in [*range(position, -1, -1), *range(position, len(pairs))]:
        found = pairs[k][other]
        if found is not None:
            return blocks[found].line
    return None
