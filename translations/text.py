"""Small text utilities that work on Japanese, which has no spaces between words.

Three views of a text are used by the translation tools:

- *neutral tokens*: words that survive translation unchanged (``StatefulSet``, ``kubectl``,
  ``web-0``, ``v1.37``), used to tell which English paragraph translates which Japanese one;
- *sentences*: a text split where its language ends a sentence (after 。！？ in Japanese; after
  . ! ? and a space where words are spaced), the unit `--diff` shows and `stamp` counts; line
  breaks do not end a sentence (a paragraph's lines join, `pagegrammar.wording.flatten`);
- *words*: runs of Latin letters and digits, runs of katakana, and single kanji and hiragana,
  the unit `--diff` highlights inside a changed sentence.
"""

from __future__ import annotations

import re
import unicodedata

from pagegrammar.wording import flatten

_INLINE_CODE = re.compile(r"`[^`]*`")
_LINK_TARGET = re.compile(r"\]\([^)]*\)")
_BARE_URL = re.compile(r"https?://\S+")
_NEUTRAL = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
#: Where a sentence ends: after 。！？ (and a closing bracket) where words are not spaced; after . ! ? (and a
#: closing quote, bracket or emphasis mark) followed by a space where they are.
_UNSPACED_END = re.compile(r"[。！？!?]+[」』）)\]*_]*")
_SPACED_END = re.compile(r"[.!?]+[\"'”’)\]*_]*(?=\s)")
#: Words whose period does not end a sentence.
_ABBREVIATIONS = frozenset({"e.g", "i.e", "etc", "vs", "cf", "approx", "no"})
#: What never ends a sentence, whatever it holds: inline code, a link's target, a URL.
_ATOMIC = re.compile(r"(`+).+?(?<!`)\1(?!`)|\]\([^)]*\)|https?://\S+")


def mask_untranslated(text: str) -> str:
    """`strip_untranslated`, but each inline code span becomes one half-width character (``0``).

    A span is text the reader sees, so whatever stands next to it (a space, a kana) stays checkable:
    ```web-0` Pod`` reads as ``0 Pod`` (two half-width words), ```x`を`` as ``0を``.
    """
    return _BARE_URL.sub("", _LINK_TARGET.sub("]", _INLINE_CODE.sub("0", text)))


def strip_untranslated(text: str) -> str:
    """Remove inline code, link targets and URLs: they read the same in every language."""
    return _BARE_URL.sub("", _LINK_TARGET.sub("]", _INLINE_CODE.sub("", text)))


def strip_links(text: str) -> str:
    """Remove link targets and URLs, which differ between the Japanese and English pages."""
    return _BARE_URL.sub("", _LINK_TARGET.sub("]", text))


def neutral_tokens(text: str) -> set[str]:
    """Lower-cased Latin words and numbers of `text`, including those inside inline code.

    Link targets are left out: the Japanese and English pages link to different URLs.
    """
    return {m.group(0).rstrip("._-").lower() for m in _NEUTRAL.finditer(strip_links(text))} - {""}


def contains_token(token: str, words: set[str]) -> bool:
    """Whether `token` is one of `words`, or begins one of them (``pod`` is in ``pods``)."""
    return token in words or any(word.startswith(token) for word in words)


def containment(source: set[str], translation: set[str]) -> float | None:
    """The share of `source` tokens the translation keeps; None when the source has none."""
    if not source:
        return None
    return sum(contains_token(t, translation) for t in source) / len(source)


def sentences(text: str, word_spaces: bool = False) -> list[str]:
    """The sentences of `text` (its lines joined as they render); `word_spaces`: the language spaces its words.

    Inline code, link targets and URLs never end a sentence (`kubectl get pods. ` stays whole).
    """
    flat = flatten(text)
    code = [(m.start(), m.end()) for m in _ATOMIC.finditer(flat)]
    out, start = [], 0
    for match in (_SPACED_END if word_spaces else _UNSPACED_END).finditer(flat):
        if any(a <= match.start() < b for a, b in code):
            continue
        if word_spaces and match.group(0).startswith(".") and _abbreviated(flat[start : match.start()]):
            continue
        out.append(flat[start : match.end()].strip())
        start = match.end()
    out.append(flat[start:].strip())
    return [sentence for sentence in out if sentence]


def _abbreviated(before: str) -> bool:
    """Whether the period after `before` belongs to an abbreviation (e.g., etc.)."""
    word = before.rsplit(None, 1)[-1].lower().lstrip("(") if before.strip() else ""
    return word in _ABBREVIATIONS


def _script(char: str) -> str:
    if char.isspace():
        return "space"
    if char.isascii() and (char.isalnum() or char in "_-."):
        return "latin"
    if "\u3040" <= char <= "\u309f":
        return "hiragana"
    if "\u30a0" <= char <= "\u30ff" or char == "ー":
        return "katakana"
    if char == "々" or unicodedata.name(char, "").startswith("CJK UNIFIED"):
        return "kanji"
    return f"other:{char}"  # punctuation and symbols stand alone


def words(text: str) -> list[str]:
    """Split `text` into words: runs of Latin letters and digits, runs of katakana (mostly
    loanwords: ロードバランサー); each kanji, kana and punctuation mark stands alone, since
    Japanese words and particles are not separated (三台 → 三, 台; のすべての → の, す, べ, て, の)."""
    out: list[str] = []
    last = ""
    for char in text:
        kind = _script(char)
        if out and kind == last and kind in ("latin", "katakana", "space"):
            out[-1] += char
        else:
            out.append(char)
        last = kind
    return out


def snippet(text: str, width: int = 30) -> str:
    """The start of `text` on one line, for messages."""
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"
