"""What reads the same in every language, compared in each aligned block without understanding prose.

For each paragraph, list item, table row, heading, admonition or tab title and the block that
translates it:

- *numbers*: every number of two or more digits, with a decimal point or a `v` (`10249`, `1.5`,
  `v1.37`); single digits are left out, since English spells small numbers out ("five Pods" for
  「5つのPod」), and so are numbers inside words (`k8s`, `web-0`, `IPv4`, 「16進数」 is "hexadecimal") and
  the month and day of a date (「2024年12月」 is "December 2024");
- *inline code*: the same spans, each placeholder (`<Pod名>`, `<pod-name>`) standing as `<…>`;
- *links*: as many, to the same targets. A target inside the site reads the same in every language
  (heading ids are shared, `translations.headings`); a link to another site may name its edition
  for the language (`kubernetes.io/ja/docs/…`, `developer.mozilla.org/en-US/…`) and its anchors
  are that edition's, so a path segment naming a language of the registry and the fragment are
  left out;
- *placeholders* written in prose (outside code): as many.

Sentences are not compared by count: English joins Japanese sentences ("…。…ためです。" becomes
"…, because …"; 18 of the 479 aligned blocks of the reviewed pages, all correct), so a count says
nothing on its own (CONTRIBUTING.md, "What the checks look at").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from urllib.parse import urlsplit

from languages import LANGUAGES, SOURCE_LANGUAGE, language

from .align import Alignment
from .findings import Mismatch
from .structure import PLACEHOLDER, Block, Page
from .text import sentences

CODE_SPAN = re.compile(r"(?P<ticks>`+)(?P<code>.+?)(?<!`)(?P=ticks)(?!`)")
#: An inline link or image: `[text](target "title")`; the text may hold one level of brackets.
LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\[\]]*\])*\]\((?P<target><[^>]*>|[^)\s]*)(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)")
_AUTOLINK = re.compile(r"<(?P<target>[a-z]+://[^>\s]+)>")
_BARE_URL = re.compile(r"https?://[^\s)>]+")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_NUMBER = re.compile(r"(?<![A-Za-z0-9_.\-])v?\d+(?:\.\d+)*(?![A-Za-z0-9_])")
#: A number that is part of a Japanese word English writes without it: a month, a day, a base (「16進数」).
_DATE_PART = re.compile(r"\d+(?=[月日進])")
_MONTHS = (r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
           r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?")
_ENGLISH_DAY = re.compile(rf"\b(?:(?P<month>{_MONTHS})\s+\d{{1,2}}\b|\d{{1,2}}(?=\s+{_MONTHS}))")
_ANY_PLACEHOLDER = re.compile(r"<[^<>`]+>")


def _prose(text: str) -> str:
    """`text` without inline code, link targets, URLs and comments: what is left is words and numbers."""
    text = _COMMENT.sub(" ", text)
    text = CODE_SPAN.sub(" ", text)
    text = LINK.sub(lambda m: m.group(0)[: m.group(0).index("](")], text)
    return _BARE_URL.sub(" ", _AUTOLINK.sub(" ", text))


def numbers(text: str) -> list[str]:
    """The numbers of `text` that a translation keeps (see the module's docstring), in order."""
    flat = unicodedata.normalize("NFKC", _prose(text))
    flat = _ENGLISH_DAY.sub(lambda m: m["month"] or " ", _DATE_PART.sub(" ", flat))
    return [n for n in _NUMBER.findall(flat) if len(n.lstrip("v")) > 1 or n.startswith("v")]


def code_spans(text: str) -> list[str]:
    """The inline code of `text`, as written."""
    return [m["code"].strip() for m in CODE_SPAN.finditer(_COMMENT.sub(" ", text))]


def _code_key(code: str) -> str:
    return _ANY_PLACEHOLDER.sub("<…>", code)


def link_targets(text: str) -> list[str]:
    """The targets of the links of `text` (inline code left out), in order."""
    text = CODE_SPAN.sub(" ", _COMMENT.sub(" ", text))
    found = [(m.start(), m["target"].strip("<>")) for m in LINK.finditer(text)]
    found += [(m.start(), m["target"]) for m in _AUTOLINK.finditer(text)]
    return [target for _, target in sorted(found)]


_LANGUAGE_SEGMENTS = frozenset(code for lang in LANGUAGES for code in (lang.code.lower(), lang.hreflang.lower()))


def _target_key(target: str) -> str:
    """What must be equal across languages: an internal target as written; an external one without its
    language segment (`/ja/`, `/en-US/`) and its fragment."""
    parts = urlsplit(target)
    if not parts.scheme:
        return target
    segments = [s for s in parts.path.split("/") if s.lower().split("-")[0] not in _LANGUAGE_SEGMENTS]
    query = f"?{parts.query}" if parts.query else ""
    return f"{parts.scheme}://{parts.netloc.lower()}{'/'.join(segments)}{query}"


def prose_placeholders(text: str) -> list[str]:
    return PLACEHOLDER.findall(CODE_SPAN.sub(" ", _COMMENT.sub(" ", text)))


class _Pair:
    """A source block and its translation, with what a finding about them quotes."""

    def __init__(self, src: Page, dst: Page, a: Block, b: Block, lang: str) -> None:
        self.src, self.dst, self.a, self.b = src, dst, a, b
        self.kind = a.kind
        self.a_sentences = sentences(a.text, SOURCE_LANGUAGE.word_spaces)
        self.b_sentences = sentences(b.text, language(lang).word_spaces)

    @staticmethod
    def _quote(found: list[str], item: str | None) -> str:
        chosen = next((s for s in found if item and item in s), found[0] if found else "")
        return f"«{chosen}»"

    def mismatch(self, message: str, source_item: str | None, translation_item: str | None) -> Mismatch:
        line = _line_of(self.a, source_item)
        quotes = f"{self._quote(self.a_sentences, source_item)} vs {self._quote(self.b_sentences, translation_item)}"
        return Mismatch(self.src.path, line, self.dst.path, _line_of(self.b, translation_item), f"{message}: {quotes}")


def _line_of(block: Block, item: str | None) -> int:
    for number, text in block.lines:
        if item and item in text:
            return number
    return block.line


def _missing(
    pair: _Pair, what: str, items_a: list[str], items_b: list[str], key: Callable[[str], str], shown: Callable[[str], str]
) -> list[Mismatch]:
    keys_b = {key(item) for item in items_b}
    keys_a = {key(item) for item in items_a}
    out = []
    extra = [item for item in items_b if key(item) not in keys_a]
    for item in dict.fromkeys(items_a):
        if key(item) in keys_b:
            continue
        other = extra.pop(0) if extra else None
        which = f", which has {shown(other)}" if other is not None else ""
        message = f"{what} {shown(item)} of the source's {pair.kind} is not in its translation{which}"
        out.append(pair.mismatch(message, item, other))
    for item in extra:
        out.append(pair.mismatch(f"the translation of the source's {pair.kind} adds {what} {shown(item)}", None, item))
    return out


def _counted(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def block_mismatches(src: Page, dst: Page, a: Block, b: Block, lang: str) -> list[Mismatch]:
    """What the translation `b` of block `a` does not keep."""
    pair = _Pair(src, dst, a, b, lang)
    out = _missing(pair, "number", numbers(a.text), numbers(b.text), str, str)
    out += _missing(pair, "inline code", code_spans(a.text), code_spans(b.text), _code_key, lambda c: f"`{c}`")
    targets_a, targets_b = link_targets(a.text), link_targets(b.text)
    missing = _missing(pair, "link target", targets_a, targets_b, _target_key, str)
    out += missing
    if len(targets_a) != len(targets_b) and not missing:  # the same targets, one of them linked more or less often
        out.append(pair.mismatch(f"the source's {pair.kind} has {_counted(len(targets_a), 'link')}, "
                                 f"its translation {len(targets_b)}", None, None))
    places_a, places_b = prose_placeholders(a.text), prose_placeholders(b.text)
    if len(places_a) != len(places_b):
        out.append(pair.mismatch(f"the source's {pair.kind} has {_counted(len(places_a), 'placeholder')} in its prose, "
                                 f"its translation {len(places_b)}", places_a[0] if places_a else None,
                                 places_b[0] if places_b else None))
    return out


def compare(src: Page, dst: Page, alignment: Alignment, lang: str) -> list[Mismatch]:
    """Every aligned prose block's numbers, inline code, links and placeholders."""
    out = []
    for a, b in alignment.block_pairs():
        out += block_mismatches(src, dst, a, b, lang)
    return out
