"""Bytes a built page can lose without a reader seeing any difference.

- **Code tokens without a style.** Pygments wraps every token of a highlighted block in a span whose
  classes name the token type (``<span class="w"> </span>`` for whitespace, ``class="l l-Scalar
  l-Scalar-Plain"`` for a YAML value). A class that no stylesheet of the site selects and no script of
  the site looks for changes nothing: it is dropped from the span, and a span left without a class
  (and without any other attribute) is replaced by its text. The text, and so what is copied,
  searched or compared, stays as it was.
- **Indentation between tags.** Where white space collapses (everywhere but ``<pre>``, ``<code>``,
  ``<kbd>``, ``<textarea>``: the site's stylesheets give ``white-space: pre…`` to no other element; and
  ``<script>``, ``<style>``, ``<title>``), a run of white space that holds a line break renders exactly
  as a single line break: each such run becomes one ``\\n``; in a start tag, between two attributes, one
  space. Attribute values are never touched.

The tags are read with regular expressions that know quoted attribute values and comments, not with a
full HTML parser: the pages are MkDocs' output, well formed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

#: Elements whose text is kept as written: preformatted, raw text, or styled ``white-space: pre-wrap``.
VERBATIM = ("pre", "code", "kbd", "textarea", "script", "style", "title", "xmp", "listing", "plaintext")
_ATTRIBUTES = r"""(?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*\s*/?"""
#: One piece of a page: a comment, a doctype or CDATA, a start tag, an end tag, or text.
_PIECE = re.compile(
    r"(?P<comment><!--.*?-->)|(?P<decl><![^>]*>)|(?P<start><(?P<name>[a-zA-Z][^\s/>]*)" + _ATTRIBUTES + r">)"
    r"|(?P<end></(?P<end_name>[a-zA-Z][^\s/>]*)\s*>)|(?P<text>[^<]+|<)",
    re.DOTALL,
)
_CLASS_ATTRIBUTE = re.compile(r"""\sclass\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""", re.IGNORECASE)
_TOKEN_SPAN = re.compile(r'<span class="([^"<>]*)">')
_BREAK_RUN = re.compile(r"[ \t\r\f]*\n[ \t\r\n\f]*")
#: In a start tag: a quoted attribute value (kept), or white space with a line break (between attributes).
_TAG_BREAK = re.compile(r"""("[^"]*"|'[^']*')|[ \t\r\f]*\n[ \t\r\n\f]*""")


def pieces(page: str) -> Iterator[re.Match[str]]:
    """The comments, tags and texts of ``page``, in order."""
    return _PIECE.finditer(page)


def class_names(page: str) -> set[str]:
    """Every class named in a ``class`` attribute of ``page``'s tags."""
    names: set[str] = set()
    for piece in pieces(page):
        if piece.group("start"):
            for match in _CLASS_ATTRIBUTE.finditer(piece.group("start")):
                names.update(next(v for v in match.groups() if v is not None).split())
    return names


def _verbatim_end(page: str, name: str, start: int) -> int:
    """The index after the end tag of the verbatim element ``name`` whose content starts at ``start``."""
    match = re.compile(rf"</{name}\s*>", re.IGNORECASE).search(page, start)
    return len(page) if match is None else match.end()


def collapse_breaks(page: str) -> str:
    """``page`` with each run of white space that holds a line break, in text where white space collapses,
    made one line break."""
    out: list[str] = []
    i = 0
    while i < len(page):
        piece = _PIECE.match(page, i)
        if piece is None:  # cannot happen: the last alternative takes any character
            out.append(page[i:])
            break
        name = (piece.group("name") or "").lower()
        if name in VERBATIM:
            end = _verbatim_end(page, name, piece.end())
            out.append(page[i:end])
            i = end
            continue
        text, start = piece.group("text"), piece.group("start")
        if text:
            out.append(_BREAK_RUN.sub("\n", text))
        elif start and "\n" in start:
            out.append(_TAG_BREAK.sub(lambda m: m.group(1) or " ", start))
        else:
            out.append(piece.group(0))
        i = piece.end()
    return "".join(out)


def slim_code(page: str, styled: Callable[[str], bool]) -> str:
    """``page`` with the classes ``styled`` says nothing uses dropped from the token spans of its ``<pre>``
    blocks, and spans left with no class replaced by their content."""
    out: list[str] = []
    position = 0
    for pre in re.finditer(r"<pre\b[^>]*>(.*?)</pre\s*>", page, re.DOTALL | re.IGNORECASE):
        out.append(page[position:pre.start(1)])
        out.append(_slim_block(pre.group(1), styled))
        position = pre.end(1)
    out.append(page[position:])
    return "".join(out)


def _slim_block(block: str, styled: Callable[[str], bool]) -> str:
    out: list[str] = []
    open_spans: list[bool] = []  # for each open span: whether its tags are kept
    for piece in pieces(block):
        name = (piece.group("name") or "").lower()
        end_name = (piece.group("end_name") or "").lower()
        if name == "span":
            token = _TOKEN_SPAN.fullmatch(piece.group(0))
            if token is None:  # any other span (an id, a style, no class): kept as it is
                open_spans.append(True)
                out.append(piece.group(0))
                continue
            kept = [c for c in token.group(1).split() if styled(c)]
            open_spans.append(bool(kept))
            if kept:
                out.append(f'<span class="{" ".join(kept)}">')
        elif end_name == "span":
            if not open_spans or open_spans.pop():
                out.append(piece.group(0))
        else:
            out.append(piece.group(0))
    return "".join(out)
