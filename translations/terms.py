"""Each block that uses a glossary term keeps it in its translation.

Terms are looked for block by block (paragraph, list item, table row, heading), each with the
block that translates it (`translations.align`), not once per page: a translation that says
"load balancer" in one paragraph and "LB" in the next is caught. English may use a pronoun for a
repeated term, so a block needs the agreed term at least once, not as often as the source.

Inline code is not prose: `healthCheckNodePort` does not say "health check". The one exception is
a translation quoting a message in inline code (`apparmor profile not found …`): its words, as
words separated by spaces, count, since the reader reads them and needs no gloss, where the
Japanese page adds one (「AppArmorプロファイル…が見つかりません」).
"""

from __future__ import annotations

import re
from pathlib import Path

from languages import SOURCE_LANGUAGE

from .align import Alignment
from .findings import Finding, Mismatch
from .glossary import Glossary, Term, prose_of
from .invariants import code_spans
from .structure import Block, Page
from .text import snippet


def _uses(term: Term, block: Block, lang: str) -> list[int]:
    """The line of each use of `term` in a block's prose."""
    if not term.has(lang):
        return []
    prose = prose_of(block, lang)
    return [prose.line_at(offset) for offset in term.offsets(prose.text, lang)]


def _quoted(term: Term, block: Block, lang: str) -> bool:
    """Whether a message quoted in the block's inline code (a span with spaces) says the term's words."""
    words = term.text(lang).split()
    pattern = re.compile(r"(?<![A-Za-z])" + r"\s+".join(map(re.escape, words)) + r"(?![A-Za-z])", re.IGNORECASE)
    return any(" " in code and pattern.search(code) for code in code_spans(block.text))


def check_terms(glossary: Glossary, source: Page, translation: Page, alignment: Alignment, lang: str) -> list[Mismatch]:
    """Every block whose source uses a term its translation never says (terms with no text in `lang` aside)."""
    src = SOURCE_LANGUAGE.code
    found = []
    for a, b in alignment.block_pairs():
        for term in glossary.terms:
            uses = _uses(term, a, src)
            if not uses or not term.has(lang) or _uses(term, b, lang) or _quoted(term, b, lang):
                continue
            times = "" if len(uses) == 1 else f" {len(uses)} times"
            found.append(
                Mismatch(
                    source.path,
                    uses[0],
                    translation.path,
                    b.line,
                    f"the source's {a.kind} «{snippet(a.text)}» uses '{term.text(src)}'{times}, but its translation "
                    f"«{snippet(b.text)}» never says '{term.text(lang)}' (docs/glossary.yml)",
                )
            )
    return found


def missing_texts(glossary: Glossary, path: Path, lang: str) -> list[Finding]:
    """One finding when terms have no text in `lang` yet (a language just added to the registry)."""
    missing = glossary.missing(lang)
    if not missing:
        return []
    entries = ", ".join(map(str, missing[:10])) + (", …" if len(missing) > 10 else "")
    return [Finding(path, None, f"{len(missing)} terms have no {lang!r} text yet (entries {entries}): its pages cannot be "
                             "held to them; add the texts (CONTRIBUTING.md, \"Adding a language\")")]
