"""What changed between two versions of a page, block by block, as a reader sees it.

Blocks (`translations.structure`) are compared by what they render: a paragraph's lines joined
(`pagegrammar.wording.flatten`), so a rewrapped paragraph, a trailing space or a second blank
line is no change; a code block or a directive by its exact text. The blocks that differ are
paired in order when they are of the same kind and alike, and each change is one of:

- ``rewritten``: a block of the old version became this block of the new one;
- ``added`` or ``removed``;
- ``moved``: the same block elsewhere (an addition and a removal of equal blocks);
- ``split``: one paragraph became several, ``joined``: several became one, no sentence changed.

A change lists what changed inside it: sentences for prose ('- ' removed, '+ ' added, '~ '
rewritten with [-words-] and {+words+}) and lines for code ('code - ', 'code + '), and counts
them (`touched`): `stamp` asks that a translation's change to the block touch as many.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, replace

from pagegrammar.wording import flatten

from .structure import ANCHOR_KINDS, Block, Page
from .text import sentences, words

#: Below this similarity a changed sentence is shown as removed and added, not word by word.
REWRITE_THRESHOLD = 0.4
#: Below this similarity two differing blocks are a removal and an addition, not one block rewritten.
PAIR_THRESHOLD = 0.3
_LIST_MARK = re.compile(r"^\s*(?:[*+-]|\d+[.)])\s+")
_LABELS = {"code": "code", "directive": "directive"}
#: Front matter keys a translation translates: a change to one is a place like a block's.
TRANSLATED_FRONT_MATTER = ("title", "description")


@dataclass(frozen=True)
class Change:
    """One changed place of a page; `old` and `new` are the blocks it involves in each version."""

    kind: str  # rewritten, added, removed, moved, split, joined
    old: tuple[Block, ...]
    new: tuple[Block, ...]
    lines: tuple[str, ...]
    touched: int
    at: int = 0  # the line of the new version where the change stands (a removal: the block after it)

    @property
    def block(self) -> Block:
        """The block that stands for the change: its new version, or the removed block."""
        return self.new[0] if self.new else self.old[0]

    @property
    def noun(self) -> str:
        """What the block is: 'paragraph', 'heading', 'shell code block', 'directive'…"""
        block = self.block
        if block.kind == "code":
            language = block.key.split("\n", 1)[0]
            return f"{language} code block" if language else "code block"
        return block.kind


def rendered(block: Block, word_spaces: bool) -> str:
    """What a reader sees of a block (code and directives: their exact text)."""
    if block.kind in ANCHOR_KINDS:
        return block.raw
    text = flatten(block.text)
    return _LIST_MARK.sub("- ", text) if block.kind == "list item" else text


def _sentences_of(block: Block, word_spaces: bool) -> list[str]:
    return sentences(rendered(block, word_spaces), word_spaces)


def word_diff(old: str, new: str) -> str:
    """`new` with the words of `old` it dropped as [-…-] and the words it added as {+…+}."""
    a, b = words(old), words(new)
    out = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            out.append("".join(a[i1:i2]))
            continue
        if i2 > i1:
            out.append("[-" + "".join(a[i1:i2]) + "-]")
        if j2 > j1:
            out.append("{+" + "".join(b[j1:j2]) + "+}")
    return "".join(out)


def sentence_diff(old: list[str], new: list[str]) -> list[str]:
    """Lines for the changed sentences: '- ' removed, '+ ' added, '~ ' rewritten (with marks)."""
    out: list[str] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        olds, news = old[i1:i2], new[j1:j2]
        while olds and news:
            x, y = olds[0], news[0]
            if difflib.SequenceMatcher(a=words(x), b=words(y), autojunk=False).ratio() >= REWRITE_THRESHOLD:
                out.append("~ " + word_diff(x, y))
                olds, news = olds[1:], news[1:]
            elif len(olds) >= len(news):
                out.append("- " + x)
                olds = olds[1:]
            else:
                out.append("+ " + y)
                news = news[1:]
        out += ["- " + x for x in olds] + ["+ " + y for y in news]
    return out


def _code_lines(block: Block) -> list[str]:
    return block.raw.split("\n")[1:] if block.kind == "code" else block.raw.split("\n")


def _code_diff(old: Block | None, new: Block | None, label: str) -> list[str]:
    """The lines of a code block (`label` 'code') or directive that differ, each marked '- ' or '+ '."""
    a = _code_lines(old) if old else []
    b = _code_lines(new) if new else []
    out = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag != "equal":
            out += [f"{label} - {line}" for line in a[i1:i2]] + [f"{label} + {line}" for line in b[j1:j2]]
    return out


class _Differ:
    """Compares two versions of one page; `word_spaces`: the page's language spaces its words."""

    def __init__(self, word_spaces: bool) -> None:
        self.word_spaces = word_spaces

    def signature(self, block: Block) -> tuple[str, str, int, str]:
        key = block.key if block.kind == "front matter" else ""
        return block.kind, key, block.level, rendered(block, self.word_spaces)

    def similarity(self, a: Block, b: Block) -> float:
        if a.kind != b.kind or a.level != b.level or (a.kind == "front matter" and a.key != b.key):
            return 0.0
        if a.kind in ANCHOR_KINDS:
            if a.key.split("\n", 1)[0] != b.key.split("\n", 1)[0]:  # another language or directive kind
                return 0.0
            return difflib.SequenceMatcher(a=_code_lines(a), b=_code_lines(b), autojunk=False).ratio() or 0.31
        x, y = rendered(a, self.word_spaces), rendered(b, self.word_spaces)
        return difflib.SequenceMatcher(a=words(x), b=words(y), autojunk=False).ratio()

    def rewritten(self, old: Block, new: Block) -> Change:
        if old.kind in ANCHOR_KINDS:
            lines = _code_diff(old, new, _LABELS[old.kind])
        else:
            lines = sentence_diff(_sentences_of(old, self.word_spaces), _sentences_of(new, self.word_spaces))
        return Change("rewritten", (old,), (new,), tuple(lines), len(lines))

    def single(self, kind: str, block: Block) -> Change:
        if block.kind in ANCHOR_KINDS:
            label = _LABELS[block.kind]
            lines = _code_diff(None, block, label) if kind == "added" else _code_diff(block, None, label)
        else:
            mark = "+ " if kind == "added" else "- "
            lines = [mark + s for s in _sentences_of(block, self.word_spaces)]
        old, new = ((), (block,)) if kind == "added" else ((block,), ())
        return Change(kind, old, new, tuple(lines), len(lines))

    def regrouped(self, olds: list[Block], news: list[Block]) -> tuple[int, int] | None:
        """(n, m) when the first n old blocks hold the same sentences as the first m new ones, n or m being 1."""
        def joined(blocks: list[Block]) -> list[str]:
            return [s for b in blocks for s in _sentences_of(b, self.word_spaces)]

        kinds = {b.kind for b in olds[:1] + news[:1]}
        if len(kinds) != 1 or kinds & {"heading", *ANCHOR_KINDS}:
            return None
        for m in range(2, len(news) + 1):
            if all(b.kind == news[0].kind for b in news[:m]) and joined(olds[:1]) == joined(news[:m]):
                return 1, m
        for n in range(2, len(olds) + 1):
            if all(b.kind == olds[0].kind for b in olds[:n]) and joined(olds[:n]) == joined(news[:1]):
                return n, 1
        return None

    def region(self, olds: list[Block], news: list[Block], after: int) -> list[Change]:
        """The changes of one run of differing blocks, in page order; `after` is the line of the new
        version's next block (where what is removed at the end of the run stood)."""
        return [replace(c, at=c.new[0].line if c.new else (next_line or after))
                for c, next_line in self._region(olds, news)]

    def _region(self, olds: list[Block], news: list[Block]) -> list[tuple[Change, int | None]]:
        out: list[tuple[Change, int | None]] = []
        while olds and news:
            grouped = self.regrouped(olds, news)
            if grouped:
                n, m = grouped
                kind = "split" if m > 1 else "joined"
                out.append((Change(kind, tuple(olds[:n]), tuple(news[:m]), (), 0), None))
                olds, news = olds[n:], news[m:]
            elif self.similarity(olds[0], news[0]) >= PAIR_THRESHOLD:
                out.append((self.rewritten(olds[0], news[0]), None))
                olds, news = olds[1:], news[1:]
            elif len(olds) >= len(news):
                out.append((self.single("removed", olds[0]), news[0].line))
                olds = olds[1:]
            else:
                out.append((self.single("added", news[0]), None))
                news = news[1:]
        return out + [(self.single("removed", b), None) for b in olds] + [(self.single("added", b), None) for b in news]

    def moves(self, changes: list[Change]) -> list[Change]:
        """An addition and a removal of the same block are one move (listed where the block now stands)."""
        removed = [c for c in changes if c.kind == "removed"]
        out = []
        for change in changes:
            if change.kind == "added":
                twin = next((r for r in removed if self.signature(r.old[0]) == self.signature(change.new[0])), None)
                if twin is not None:
                    removed.remove(twin)
                    out.append(Change("moved", twin.old, change.new, (), 0, change.at))
                    continue
            out.append(change)
        return [c for c in out if c.kind != "removed" or c in removed]


def front_matter_blocks(page: Page) -> list[Block]:
    """The translated front matter values (`title`, `description`) as blocks of kind 'front matter'."""
    out = []
    for key in TRANSLATED_FRONT_MATTER:
        if key in page.front_matter:
            line = page.front.line_of(key)
            value = str(page.front_matter[key])
            out.append(Block("front matter", key, line, ((line, value),), shown=f"front matter '{key}'"))
    return out


@dataclass
class PageDiff:
    """Two versions of a page compared: the changed places, and each unchanged block's new version."""

    changes: list[Change]
    unchanged: dict[tuple[str, int], Block]  # an old block's (kind, line) → the same block in the new version

    def touched_new(self) -> dict[tuple[str, int], Change]:
        """Each block of the new version that a change involves, by (kind, line)."""
        return {(b.kind, b.line): c for c in self.changes for b in c.new}

    def touched_old(self) -> dict[tuple[str, int], Change]:
        """Each block of the old version that a change involves (removed, rewritten, moved…), by (kind, line)."""
        return {(b.kind, b.line): c for c in self.changes for b in c.old}


def block_changes(old: Page, new: Page, word_spaces: bool) -> PageDiff:
    """Every changed place between two versions of a page, in the new version's order (a removal where it stood);
    the translated front matter values come first."""
    differ = _Differ(word_spaces)
    olds, news = front_matter_blocks(old) + old.blocks, front_matter_blocks(new) + new.blocks
    a = [differ.signature(b) for b in olds]
    b = [differ.signature(b) for b in news]
    changes: list[Change] = []
    unchanged: dict[tuple[str, int], Block] = {}
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            unchanged.update({(x.kind, x.line): y for x, y in zip(olds[i1:i2], news[j1:j2], strict=True)})
            continue
        after = news[j2].line if j2 < len(news) else (news[-1].end + 1 if news else 1)
        changes += differ.region(olds[i1:i2], news[j1:j2], after)
    return PageDiff(differ.moves(changes), unchanged)
