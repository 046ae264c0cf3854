"""What changed in a Japanese page since its translation, in a form a translator can apply.

A line diff of Japanese prose is of little use: a paragraph is one long line, and a changed
particle marks the whole paragraph. This module shows, for each changed place:

- the Japanese file and line, and the section it is in;
- the English file and line where the translation of that place stands (found by aligning the
  translated version of the Japanese page with the English page, `translations.align`);
- the sentences that changed (split after 。！？ and at line breaks), with the changed words of
  a rewritten sentence marked ``[-removed-]`` and ``{+added+}`` (words being runs of one script).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from languages import language

from .align import Alignment, Section, align_pages, sections
from .glossary import Glossary
from .layout import DEFAULT_TRANSLATION
from .structure import Block, Page, parse
from .text import sentences, words

# Below this similarity a changed sentence is shown as removed and added, not word by word.
REWRITE_THRESHOLD = 0.4


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


def sentence_diff(old: str, new: str) -> list[str]:
    """Lines for the changed sentences: '- ' removed, '+ ' added, '~ ' rewritten (with marks)."""
    a, b = sentences(old), sentences(new)
    out: list[str] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        olds, news = a[i1:i2], b[j1:j2]
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


@dataclass(frozen=True)
class Place:
    """Where a change stands: a line and the heading of its section."""

    path: Path
    line: int
    heading: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line} (in '{self.heading}')"


def _block_at(page: Page, line: int) -> Block | None:
    """The block containing `line`, else the last block before it, else the first block."""
    before = None
    for block in page.blocks:
        if block.line <= line <= block.end:
            return block
        if block.line <= line:
            before = block
    return before or (page.blocks[0] if page.blocks else None)


def _section_of(sections: list[Section], block: Block | None) -> Section | None:
    for section in sections:
        if block is section.heading or block in section.blocks:
            return section
    return None


def english_place(alignment: Alignment, old: Page, translation: Page, line: int) -> Place:
    """Where the English translation of line `line` of the translated Japanese version stands."""
    if line < old.front.body_line:
        return Place(translation.path, 1, "front matter")
    block = _block_at(old, line)
    if block is None:
        return Place(translation.path, translation.front.body_line, "(top of the page)")
    found = alignment.translation_of(block)
    if found is None:
        section = _section_of(alignment.source, block)
        return Place(translation.path, translation.front.body_line, f"no counterpart of '{section.title if section else '?'}'")
    section, counterpart = found
    if counterpart is not None:
        return Place(translation.path, counterpart.line, section.title)
    return Place(translation.path, section.line, section.title)


def render(
    old_text: str,
    new_text: str,
    translation: Path,
    *,
    source_name: Path,
    translation_name: Path,
    glossary: Glossary | None = None,
    lang: str | None = None,
) -> str:
    """The report `--diff` prints: each changed place, its counterpart in the translation, the changed sentences."""
    old = parse(source_name, text=old_text, display=source_name)
    new = parse(source_name, text=new_text, display=source_name)
    english = parse(translation, display=translation_name)
    alignment = align_pages(old, english, glossary, lang)
    label = language(lang or DEFAULT_TRANSLATION).english_name  # the translation's language, as `align_pages` has it
    new_sections = sections(new)
    old_lines, new_lines = old_text.split("\n"), new_text.split("\n")
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    out: list[str] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        new_line = j1 + 1 if j2 > j1 else max(j1, 1)
        new_block = _block_at(new, new_line)
        section = _section_of(new_sections, new_block)
        heading = "front matter" if new_line < new.front.body_line else (section.title if section else "(top of the page)")
        inserted = i2 == i1
        place = english_place(alignment, old, english, max(i1, 1) if inserted else i1 + 1)
        out.append(f"{Place(source_name, new_line, heading)}")
        out.append(f"  {label}: {'after ' if inserted else ''}{place}")
        out += ["  " + line for line in sentence_diff("\n".join(old_lines[i1:i2]), "\n".join(new_lines[j1:j2]))]
        out.append("")
    return "\n".join(out)
