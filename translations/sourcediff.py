"""`--diff`: what changed in a Japanese page since its translation's stamp, in the form a translator applies.

A line diff of Japanese prose is of little use: a paragraph is one long line, and a changed
particle marks the whole paragraph. For each changed place (`translations.coverage`) this shows:

- the Japanese file and line, its section, and what kind of block changed how;
- the sentences that changed ('- ' removed, '+ ' added, '~ ' rewritten with [-removed-] and
  {+added+} words, words being runs of one script), or the code lines ('code - ', 'code + ');
  a block that only moved, or a paragraph split or joined, says so;
- the English file and line of the block that translates it, whether that block was edited since
  the stamp, and its text as it reads now ('| '), which is what the translator edits.

It ends with a count of the places, and how many of their English blocks were edited.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from languages import SOURCE_LANGUAGE, language

from .coverage import Place, Survey, describe, english_text
from .layout import DEFAULT_TRANSLATION

LEGEND = ("'- ' removed, '+ ' added, '~ ' rewritten sentence ([-removed-] and {+added+} words); "
          "'code' a line of a code block; '| ' the translation as it reads now.")


def _header(place: Place, source: Path) -> str:
    change = place.change
    quiet = ", no sentence changed" if change.kind in ("moved", "split", "joined") else ""
    return f"{source}:{place.line} (in '{place.section}'): {change.noun} {describe(change)}{quiet}"


def _english_state(place: Place) -> str:
    if place.edited is None:
        return "cannot tell whether edited since the stamp (the English page as stamped is not in git history)"
    if place.change.kind == "removed":
        return "edited since the stamp" if place.edited else "still there"
    if place.english is None:
        return "no block translates it yet"
    if not place.edited:
        return "not edited since the stamp"
    if not place.followed and place.english_change:
        unit = "line" if place.change.block.kind in ("code", "directive") else "sentence"
        touched = place.english_change.touched
        return (f"edited since the stamp, but {touched} {unit}{'s' if touched != 1 else ''} changed in it "
                f"for {place.change.touched} in the {SOURCE_LANGUAGE.english_name}")
    return "edited since the stamp"


def _english(place: Place, translation: Path, translation_text: str, label: str) -> list[str]:
    if place.english is None or (place.change.kind == "removed" and place.edited):
        after = "" if place.change.kind == "removed" else "after "
        return [f"  {label}: {after}{translation}:{place.english_line} (in '{place.english_section}'), "
                f"{_english_state(place)}"]
    out = [f"  {label}: {translation}:{place.english_line} (in '{place.english_section}'), {_english_state(place)}"]
    return out + [f"  | {line}" for line in english_text(place.english, translation_text)]


def _plural(noun: str) -> str:
    return noun + "s"


def count_line(places: list[Place], history: bool) -> str:
    """'3 changed places (1 paragraph rewritten, …); 1 of their English blocks edited since the stamp'."""
    kinds = Counter(f"{'code block' if p.change.block.kind == 'code' else p.change.noun}|{p.change.kind}" for p in places)
    parts = []
    for key, n in kinds.items():
        noun, kind = key.split("|")
        parts.append(f"{n} {noun if n == 1 else _plural(noun)} {kind}")
    counted = "1 changed place" if len(places) == 1 else f"{len(places)} changed places"
    if not history:
        return f"{counted} ({', '.join(parts)}); the English page as stamped is not in git history"
    edited = sum(1 for p in places if p.edited)
    return f"{counted} ({', '.join(parts)}); {edited} of their English blocks edited since the stamp"


def render(survey: Survey, *, source_name: Path, translation_name: Path, translation_text: str,
           lang: str | None = None) -> str:
    """The report `--diff` prints for the places of `survey`."""
    label = language(lang or DEFAULT_TRANSLATION).english_name
    out: list[str] = []
    for place in survey.places:
        out.append(_header(place, source_name))
        out += [f"  {line}" for line in place.change.lines]
        out += _english(place, translation_name, translation_text, label)
        out.append("")
    out.append(count_line(survey.places, survey.history))
    return "\n".join(out)
