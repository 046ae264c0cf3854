"""Which changes of a Japanese page since its translation's stamp the translation has followed, place by place.

The Japanese page at the stamped version and now are compared block by block
(`translations.changes`); so are the English page as it was committed with that stamp and now.
Each changed Japanese place is then looked up in the English page (`translations.align`):

- a rewritten, added, moved, split or joined block is followed when the English block that now
  translates it changed since the stamp, and, for a rewritten block, touched at least as many
  sentences (or code lines) as the Japanese change did: a Japanese change of two sentences whose
  English update covers one is not followed;
- a removed block is followed when the English block that translated it changed or is gone.

`stamp` refuses while a place is not followed and not acknowledged; `--diff` shows each place with
its English block and whether that block was edited.
"""

from __future__ import annotations

from dataclasses import dataclass

from languages import SOURCE_LANGUAGE, language

from .align import Alignment, Section, align_pages, nearest, sections
from .changes import Change, PageDiff, block_changes, front_matter_blocks
from .glossary import Glossary
from .structure import Block, Page, parse
from .text import snippet


def _key(block: Block) -> tuple[str, int]:
    return block.kind, block.line


@dataclass(frozen=True)
class Place:
    """One changed place of the Japanese page and where its translation stands."""

    change: Change
    section: str  # the heading of its section in the Japanese page now
    english: Block | None  # the English block that translates it (None: none)
    english_line: int  # that block's line, or the line after which a translation would go
    english_section: str
    edited: bool | None  # whether the English block changed since the stamp (None: cannot be known)
    english_change: Change | None  # how it changed

    @property
    def line(self) -> int:
        return self.change.at

    @property
    def followed(self) -> bool:
        """Whether the translation followed this change."""
        if self.change.kind == "removed":
            return self.english is None or bool(self.edited)
        if not self.edited:
            return False
        if self.change.kind == "rewritten" and self.english_change and self.english_change.kind == "rewritten":
            return self.english_change.touched >= self.change.touched
        return True

    def why_not(self) -> str:
        """Why the translation has not followed this change (for a place that is not `followed`)."""
        change, noun = self.change, self.change.noun
        unit = "line" if change.block.kind in ("code", "directive") else "sentence"
        if self.edited is None:
            return (f"the {noun} changed, and whether its translation did cannot be told: the English page as it "
                    "was stamped is not in git history")
        if change.kind == "removed":
            return f"the {noun} «{snippet(change.block.text or change.block.shown)}» was removed, its translation is still there"
        if self.english is None:
            return (f"the {noun} «{snippet(change.block.text or change.block.shown)}» was {change.kind}, "
                    "no block of the translation translates it")
        if change.kind == "added":
            return f"the {noun} «{snippet(change.block.text or change.block.shown)}» was added, its translation did not change"
        if change.kind == "rewritten" and self.edited and self.english_change:
            return (f"the {noun} changed {_counted(change.touched, unit)}, its translation only "
                    f"{self.english_change.touched}")
        if change.kind == "rewritten":
            return f"the {noun} changed ({_counted(change.touched, unit)}), its translation did not"
        return f"the {noun} was {describe(change)}, its translation was not"


def _counted(n: int, unit: str) -> str:
    return f"{n} {unit}" if n == 1 else f"{n} {unit}s"


def describe(change: Change) -> str:
    """How a change changed its block, in words: 'rewritten', 'moved from line 12', 'split in two'…"""
    numbers = {2: "two", 3: "three", 4: "four"}
    if change.kind == "split":
        return f"split in {numbers.get(len(change.new), len(change.new))}"
    if change.kind == "joined":
        return f"joined from {numbers.get(len(change.old), len(change.old))}"
    if change.kind == "moved":
        return f"moved from line {change.old[0].line}"
    return change.kind


@dataclass
class Survey:
    """Every changed place of a Japanese page since a translation's stamp."""

    places: list[Place]
    history: bool  # False: the English page as stamped is not in git history, so no place can count as followed

    @property
    def unfollowed(self) -> list[Place]:
        return [p for p in self.places if not p.followed]


def _section_title(page_sections: list[Section], block: Block) -> str:
    for section in page_sections:
        if block is section.heading or block in section.blocks:
            return str(section.title)
    return "front matter" if block.kind == "front matter" else "(top of the page)"


class _Surveyor:
    """Looks up each Japanese change in the English page."""

    def __init__(self, old_ja: Page, new_ja: Page, old_en: Page | None, new_en: Page, glossary: Glossary | None,
                 lang: str) -> None:
        self.old_ja, self.new_ja, self.old_en, self.new_en = old_ja, new_ja, old_en, new_en
        self.glossary, self.lang = glossary, lang
        self.new_alignment = align_pages(new_ja, new_en, glossary, lang)
        self.old_alignment: Alignment | None = align_pages(old_ja, old_en, glossary, lang) if old_en else None
        self.english: PageDiff | None = block_changes(old_en, new_en, language(lang).word_spaces) if old_en else None
        self.ja_sections, self.en_sections = sections(new_ja), sections(new_en)

    def _edited(self, block: Block) -> tuple[bool | None, Change | None]:
        if self.english is None:
            return None, None
        change = self.english.touched_new().get(_key(block))
        return change is not None, change

    def _front_matter(self, change: Change) -> Place:
        key = change.block.key
        english = next((b for b in front_matter_blocks(self.new_en) if b.key == key), None)
        edited, english_change = self._edited(english) if english else (False, None)
        return Place(change, "front matter", english, english.line if english else 1, "front matter", edited,
                     english_change)

    def _removed(self, change: Change) -> Place:
        old_block = change.old[0]
        if self.old_alignment is None or self.english is None:
            found = align_pages(self.old_ja, self.new_en, self.glossary, self.lang).translation_of(old_block)
            english = found[1] if found else None
            return self._place(change, english, found[0].line if found else 1, None, None)
        found = self.old_alignment.translation_of(old_block)
        was = found[1] if found else None
        if was is None:
            return self._place(change, None, self.new_en.front.body_line, True, None)
        gone = self.english.touched_old().get(_key(was))
        now = self.english.unchanged.get(_key(was))
        return self._place(change, now or was, (now or was).line, gone is not None or now is None, gone)

    def _place(self, change: Change, english: Block | None, line: int, edited: bool | None,
               english_change: Change | None) -> Place:
        section = _section_title(self.ja_sections, change.block) if change.new else self._section_at(change.at)
        english_section = _section_title(self.en_sections, english) if english else self._english_section_at(line)
        return Place(change, section, english, line, english_section, edited, english_change)

    def _section_at(self, line: int) -> str:
        title = "(top of the page)"
        for section in self.ja_sections:
            if section.line <= line:
                title = section.title
        return title

    def _english_section_at(self, line: int) -> str:
        title = "(top of the page)"
        for section in self.en_sections:
            if section.line <= line:
                title = section.title
        return title

    def place(self, change: Change) -> Place:
        if change.block.kind == "front matter":
            return self._front_matter(change)
        if change.kind == "removed":
            return self._removed(change)
        block = change.new[0]
        found = self.new_alignment.translation_of(block)
        if found is None:  # its section has no counterpart
            return self._place(change, None, self.new_en.front.body_line, False, None)
        section, english = found
        if english is None:
            return self._place(change, None, self._line_before(block, section), False, None)
        edited, english_change = self._edited(english)
        return self._place(change, english, english.line, edited, english_change)

    def _line_before(self, block: Block, section: Section) -> int:
        """The line of the English block nearest to where the translation of `block` would go."""
        for pair in self.new_alignment.pairs:
            if pair.translation is section and block in pair.source.blocks:
                index = pair.source.blocks.index(block)
                return nearest(section.blocks, pair.blocks, index, 0) or section.line
        return section.line


def survey(old_ja_text: str, new_ja: Page, old_en_text: str | None, new_en: Page, glossary: Glossary | None,
           lang: str) -> Survey:
    """Every place where the Japanese page changed since `old_ja_text`, and whether the English page followed
    since `old_en_text` (the English page as stamped with it; None: not known)."""
    old_ja = parse(new_ja.path, text=old_ja_text, display=new_ja.path)
    old_en = parse(new_en.path, text=old_en_text, display=new_en.path) if old_en_text is not None else None
    surveyor = _Surveyor(old_ja, new_ja, old_en, new_en, glossary, lang)
    diff = block_changes(old_ja, new_ja, SOURCE_LANGUAGE.word_spaces)
    return Survey([surveyor.place(change) for change in diff.changes], old_en is not None)


def english_text(block: Block, page_text: str) -> list[str]:
    """The lines of `block` as written in its page (a code block with its fences)."""
    lines = page_text.split("\n")
    if block.kind == "front matter":
        return [f"{block.key}: {block.text}"]
    if block.kind in ("code", "directive"):
        count = block.raw.count("\n") + (2 if block.kind == "code" else 1)
        return [ln.rstrip() for ln in lines[block.line - 1 : block.line - 1 + count]]
    return [lines[number - 1].rstrip() for number, _ in block.lines] or [lines[block.line - 1].rstrip()]

