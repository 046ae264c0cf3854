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
full HTML parser: the pages are MkDocs' output, well formed. For the stylesheets' pruning this also tells
the classes of the root element (``<html>``) apart from those of the others (``root_classes``),
and counts the element children of the elements with given classes
(``most_children``), trusting the count only where the tags nest as written.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator

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
#: In a start tag: a quoted attribute value (kept), or white space with a line break (between attributes).
_TAG_BREAK = re.compile(r"""("[^"]*"|'[^']*')|[ \t\r\f]*\n[ \t\r\n\f]*""")

# The passes below scan a page once with one pattern each, in C, and call back into Python only where a
# piece needs a look. Each pattern holds the alternatives of ``_PIECE`` for comments, declarations, start
# tags and end tags, in the same order, and no alternative for text: text has no "<" but a lone one that
# starts no piece, so a scan that passes over text steps from piece to piece exactly as ``pieces`` does
# (a "<" inside a comment or an attribute value is consumed with its piece, never scanned). What is read
# and written is so the same as a walk over ``pieces`` gives (``tests/site/test_site_lean.py`` compares
# them on the built site).
_COMMENT = r"<!--.*?-->"
_DECL = r"<![^>]*>"
_START = r"<[a-zA-Z][^\s/>]*" + _ATTRIBUTES + r">"
_END = r"</[a-zA-Z][^\s/>]*\s*>"


def _either_case(word: str) -> str:
    """``word`` in any mix of ASCII cases (not ``re.IGNORECASE``, under which "s" also matches "ſ")."""
    return "".join(f"[{c.lower()}{c.upper()}]" for c in word)


#: Start tags (group 1) among the pieces of a page.
_START_TAGS = re.compile(f"{_COMMENT}|{_DECL}|({_START})|{_END}", re.DOTALL)
#: A verbatim element without its "<", from the rest of its start tag (whose whole name is one of VERBATIM, in
#: any case) to the first end tag of that name (found case-insensitively as ``re.IGNORECASE`` has it), or the
#: page's end. Its content is read a run of characters other than "<" at a time (``[^<]*``), each "<"
#: looked at for the end tag; the same as ``.*?`` before the end tag, in far fewer steps over a long code block.
_VERBATIM_ELEMENT = "|".join(
    f"{_either_case(name)}(?=[\\s/>]){_ATTRIBUTES}>[^<]*(?:<(?!(?i:/{name}\\s*>))[^<]*)*(?:(?i:</{name}\\s*>)|\\Z)"
    for name in VERBATIM
)
#: The first character of a run of white space with a line break (``[ \t\r\f]*\n[ \t\r\n\f]*``), one
#: alternative for each: the scan then knows the characters a piece can start with and skips the others at once.
_RUN_START = "|".join(f"{c}[ \\t\\r\\f]*\\n" for c in (" ", "\\t", "\\r", "\\f")) + "|\\n"
#: For collapse_breaks: comments, declarations, end tags and start tags without a line break are kept as they
#: are; a verbatim element is kept whole; a start tag with a line break (group ``tag``, without its "<") or a run
#: of white space with one in text (group ``run``: ``[ \t\r\f]*\n[ \t\r\n\f]*``) is collapsed. The
#: pieces that start with "<" are tried in that order after one "<".
_COLLAPSE = re.compile(
    f"<(?:!--.*?-->|![^>]*>|(?:{_VERBATIM_ELEMENT})|(?P<tag>[a-zA-Z][^\\s/>]*{_ATTRIBUTES}>)|/[a-zA-Z][^\\s/>]*\\s*>)"
    f"|(?P<run>(?:{_RUN_START})[ \\t\\r\\n\\f]*)",
    re.DOTALL,
)
#: For _slim_block: comments, declarations and tags other than a span's are kept; a token span holding text
#: only (group ``leaf``: its classes, ``text``, ``leaf_end``), any other span start tag (``span``) and a span
#: end tag (``span_end``) are looked at.
_SPAN = _either_case("span")
_SLIM = re.compile(
    f'{_COMMENT}|{_DECL}|<span class="(?P<leaf>[^"<>]*)">(?P<text>[^<]*)(?P<leaf_end></{_SPAN}\\s*>)'
    f"|(?P<span><{_SPAN}(?=[\\s/>]){_ATTRIBUTES}>)|{_START}|(?P<span_end></{_SPAN}\\s*>)|{_END}",
    re.DOTALL,
)
#: A ``<pre>`` element and its content (group 1): ``<pre\b[^>]*>(.*?)</pre\s*>`` (any case), with the content read a
#: run of characters other than "<" at a time, as in `_VERBATIM_ELEMENT`.
_PRE = re.compile(r"<pre\b[^>]*>([^<]*(?:<(?!/pre\s*>)[^<]*)*)</pre\s*>", re.DOTALL | re.IGNORECASE)


def pieces(page: str) -> Iterator[re.Match[str]]:
    """The comments, tags and texts of ``page``, in order."""
    return _PIECE.finditer(page)


def class_names(page: str) -> set[str]:
    """Every class named in a ``class`` attribute of ``page``'s tags."""
    names: set[str] = set()
    for tag in set(_START_TAGS.findall(page)) - {""}:  # each distinct start tag once (most are code's spans)
        for match in _CLASS_ATTRIBUTE.finditer(tag):
            names.update(next(v for v in match.groups() if v is not None).split())
    return names


_ROOT_TAG = re.compile(r"<html(?=[\s/>])" + _ATTRIBUTES + ">", re.IGNORECASE)


def root_classes(page: str, classes: set[str] | None = None) -> tuple[set[str], set[str]]:
    """The classes of ``page``'s root element (its ``<html>`` start tag, the first start tag), and the classes of
    every other element (``classes``: all of the page's, when they are known already)."""
    every = class_names(page) if classes is None else classes
    first = _START_TAGS.search(page)
    while first is not None and first.group(1) is None:  # comments, the doctype
        first = _START_TAGS.search(page, first.end())
    if first is None or not _ROOT_TAG.fullmatch(first.group(1)):
        return set(), set(every)
    root = class_names(first.group(1))
    inner = every - root
    others: set[str] | None = None
    for name in root:
        # A root class is another element's too only if the page holds its name more than once; where it does, the
        # other tags are read (a page's own text naming it, or a tag that does, are told apart there).
        if page.count(name) > 1:
            others = class_names(page[:first.start()] + page[first.end():]) if others is None else others
            if name in others:
                inner.add(name)
    return root, inner


#: Elements without content or end tag.
VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "keygen", "link", "meta", "param",
                  "source", "track", "wbr"})
#: Elements whose content is text (no element children), up to their end tag.
RAW_TEXT = frozenset({"script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "plaintext"})
#: Where an HTML parser closes or moves an element that the tags leave open (an end tag left out, a table's
#: stray content): the open element, and the start tags that do so. Where this happens in a page, its tags do
#: not give the tree as written, and ``most_children`` counts nothing.
_IMPLIED = {
    "p": frozenset({"address", "article", "aside", "blockquote", "details", "dialog", "div", "dl", "fieldset",
                    "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup",
                    "hr", "main", "menu", "nav", "ol", "p", "pre", "search", "section", "table", "ul", "listing",
                    "xmp", "plaintext"}),
    "li": frozenset({"li"}), "dt": frozenset({"dt", "dd"}), "dd": frozenset({"dt", "dd"}),
    "option": frozenset({"option", "optgroup"}), "optgroup": frozenset({"optgroup"}),
    "tr": frozenset({"tr", "tbody", "thead", "tfoot"}), "td": frozenset({"td", "th", "tr", "tbody", "thead", "tfoot"}),
    "th": frozenset({"td", "th", "tr", "tbody", "thead", "tfoot"}),
    "thead": frozenset({"tbody", "tfoot"}), "tbody": frozenset({"tbody", "tfoot"}),
}
#: What a table, its sections and its rows hold as written (anything else a parser moves out of the table).
_TABLE_CONTENT = {
    "table": frozenset({"caption", "colgroup", "thead", "tbody", "tfoot", "tr", "script", "template", "style"}),
    "thead": frozenset({"tr", "script", "template"}), "tbody": frozenset({"tr", "script", "template"}),
    "tfoot": frozenset({"tr", "script", "template"}), "tr": frozenset({"td", "th", "script", "template"}),
}
_TAGS = re.compile(f"{_COMMENT}|{_DECL}|(?P<start><(?P<name>[a-zA-Z][^\\s/>]*){_ATTRIBUTES}>)"
                   r"|</(?P<end>[a-zA-Z][^\s/>]*)\s*>", re.DOTALL)


def most_children(page: str, names: Iterable[str]) -> dict[str, int | None]:
    """For each class of ``names`` that an element of ``page`` has: the most element children (all of them,
    whatever their name, as ``:nth-child()`` counts) that such an element has in the tags, or None for all
    when the tags do not nest as written (an end tag that closes another element than the last one opened, an
    end tag left out, a table's stray content: a parser would make another tree)."""
    names = [name for name in names if name in page]
    if not names:
        return {}
    found: dict[str, int] = {}
    stack: list[tuple[str, list[str]]] = []  # the open elements: name, and the classes of ``names`` they have
    counts: list[int] = []  # the children of each open element
    position = 0
    while (tag := _TAGS.search(page, position)) is not None:
        position = tag.end()
        end = tag.group("end")
        if end is not None:
            if not stack or stack[-1][0] != end.lower():
                return dict.fromkeys(found, None) | dict.fromkeys(_holders(page, names), None)
            _, holds = stack.pop()
            children = counts.pop()
            for name in holds:
                found[name] = max(found.get(name, 0), children)
            continue
        start = tag.group("start")
        if start is None:
            continue  # a comment, the doctype
        name = tag.group("name").lower()
        if stack and (name in _IMPLIED.get(stack[-1][0], ()) or
                      (stack[-1][0] in _TABLE_CONTENT and name not in _TABLE_CONTENT[stack[-1][0]])):
            return dict.fromkeys(found, None) | dict.fromkeys(_holders(page, names), None)
        if counts:
            counts[-1] += 1
        if name in RAW_TEXT:
            close = re.compile(rf"</{re.escape(name)}\s*>", re.IGNORECASE).search(page, position)
            position = len(page) if close is None else close.end()
            continue
        if name in VOID or start.endswith("/>"):
            continue
        classes = class_names(start) if any(n in start for n in names) else ()
        stack.append((name, [n for n in names if n in classes]))
        counts.append(0)
    if stack:  # elements left open at the end: their counts are not known
        return dict.fromkeys(found, None) | dict.fromkeys(_holders(page, names), None)
    return dict(found)


def _holders(page: str, names: list[str]) -> list[str]:
    """The classes of ``names`` that a tag of ``page`` has."""
    classes = class_names(page)
    return [name for name in names if name in classes]


def _collapsed(piece: re.Match[str]) -> str:
    kind = piece.lastgroup  # "run", "tag", or None for a piece kept as it is
    if kind == "run":
        return "\n"
    if kind == "tag":
        tag = piece.group("tag")
        if "\n" in tag:
            return "<" + _TAG_BREAK.sub(lambda m: m.group(1) or " ", tag)
    return piece.group(0)


def collapse_breaks(page: str) -> str:
    """``page`` with each run of white space that holds a line break, in text where white space collapses,
    made one line break."""
    return _COLLAPSE.sub(_collapsed, page)


def slim_code(page: str, styled: Callable[[str], bool]) -> str:
    """``page`` with the classes ``styled`` says nothing uses dropped from the token spans of its ``<pre>``
    blocks, and spans left with no class replaced by their content."""
    kept_classes: dict[str, str] = {}  # a span's class attribute → the classes it keeps ("" for none)

    def kept(classes: str) -> str:
        found = kept_classes.get(classes)
        if found is None:
            found = kept_classes[classes] = " ".join(c for c in classes.split() if styled(c))
        return found

    out: list[str] = []
    position = 0
    for pre in _PRE.finditer(page):
        out.append(page[position:pre.start(1)])
        out.append(_slim_block(pre.group(1), kept))
        position = pre.end(1)
    out.append(page[position:])
    return "".join(out)


def _slim_block(block: str, kept: Callable[[str], str]) -> str:
    open_spans: list[bool] = []  # for each open span: whether its tags are kept

    def slim(piece: re.Match[str]) -> str:
        leaf = piece.group("leaf")
        if leaf is not None:  # a token span around text: opened and closed here
            classes = kept(leaf)
            return f'<span class="{classes}">{piece.group("text")}{piece.group("leaf_end")}' if classes else piece.group("text")
        span = piece.group("span")
        if span is not None:
            token = _TOKEN_SPAN.fullmatch(span)
            if token is None:  # any other span (an id, a style, no class): kept as it is
                open_spans.append(True)
                return span
            classes = kept(token.group(1))
            open_spans.append(bool(classes))
            return f'<span class="{classes}">' if classes else ""
        if piece.group("span_end") is not None:
            return piece.group(0) if not open_spans or open_spans.pop() else ""
        return piece.group(0)

    return _SLIM.sub(slim, block)
