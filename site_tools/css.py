"""A stylesheet read as rules, and the rules kept when some selectors can never match.

Only as much of CSS's grammar as pruning needs: a stylesheet is a list of nodes, each a style rule
(its selector list and its declarations, kept as written), an at-rule with a block of rules
(``@media``, ``@supports``, ``@layer``, ``@container``…: pruned inside), or any other at-rule
(``@font-face``, ``@keyframes``, ``@import``…: kept as written). Strings, comments, ``url(…)`` and
escapes are skipped over wherever a brace or a comma could hide in them.

A selector *can match* unless it needs something no page will ever have: a class (``.md-tag``) or an
attribute value (``[data-md-color-primary=red]``, for the attributes asked about) that ``present`` says
is absent. Only what the selector requires counts: a class inside ``:not(…)`` requires nothing, and of
``:is(a, b)`` / ``:where(…)`` / ``:has(…)`` one alternative must be able to match. Where more is known of
the pages' element tree (``Tree``), a selector also cannot match when it puts a class that only the root
element can have (``.no-js``, on ``<html>``) on an element that has an ancestor or an earlier sibling
(``.md-typeset .no-js …``: the compound comes after a combinator), or when it asks for the k-th child
(``:nth-child(k)``, k a plain number: the k-th among all the element children) of a parent whose classes
allow fewer children (``.tabbed-set>input:nth-child(12)`` where no tab set has more than 6). A rule is
kept when any selector of its list can match, with only those selectors; an at-rule's block when any rule
in it is kept. What this does not understand (a selector it cannot read) it keeps.

A custom property (``--md-admonition-icon--bug: url(…)``) whose name no ``var()`` of the site's
stylesheets, no page and no script refers to is dropped as well (``drop_unused_properties``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field

#: At-rules whose block holds rules (pruned inside); any other at-rule's block is kept as written.
GROUPING_AT_RULES = frozenset({"media", "supports", "layer", "container", "document", "-moz-document", "scope",
                               "starting-style"})
#: Functional pseudo-classes whose argument is a selector list of which one must match.
_ALTERNATIVES = frozenset({"is", "where", "matches", "-webkit-any", "-moz-any", "has"})
_IDENT = re.compile(r"-?(?:[_a-zA-Z\u0080-\uffff]|\\.)(?:[\w\-\u0080-\uffff]|\\.)*")
_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6}\s?|.)")


class CssSyntaxError(ValueError):
    """The stylesheet is not CSS as this reads it (an unclosed block, string or comment)."""


@dataclass
class StyleRule:
    selectors: str  # the selector list, as written
    text: str  # the whole rule, as written
    block: int = 0  # where in ``text`` its declaration block starts (the ``{``)

    @property
    def declarations(self) -> str:
        """The text between the block's braces."""
        return self.text[self.block + 1:-1]


@dataclass
class AtRule:
    prelude: str  # from "@" up to the block or ";"
    text: str  # the whole at-rule, as written
    children: list[Node] | None = None  # the rules of a grouping at-rule's block


@dataclass
class Comment:
    text: str


Node = StyleRule | AtRule | Comment


# --- reading -----------------------------------------------------------------------------------------------
def _skip_string(css: str, i: int) -> int:
    """The index after the string that starts at ``css[i]`` (a quote)."""
    quote, i = css[i], i + 1
    while i < len(css):
        if css[i] == "\\":
            i += 2
            continue
        if css[i] == quote:
            return i + 1
        if css[i] == "\n":
            break
        i += 1
    raise CssSyntaxError(f"unclosed string at {i}")


def _skip_comment(css: str, i: int) -> int:
    end = css.find("*/", i + 2)
    if end < 0:
        raise CssSyntaxError(f"unclosed comment at {i}")
    return end + 2


def _is_unquoted_url(css: str, paren: int) -> bool:
    """Whether the ``(`` at ``paren`` opens ``url(`` without a quoted string (a quoted one is a function like any)."""
    if css[max(0, paren - 3):paren].lower() != "url" or (paren >= 4 and _IDENT_CHAR.match(css[paren - 4])):
        return False
    rest = css[paren + 1:paren + 200].lstrip(" \t\n\r\f")
    return not rest.startswith(("\"", "'"))


def _skip_url(css: str, i: int) -> int:
    """The index after the ``)`` of the unquoted ``url(`` at ``i``."""
    end = css.find(")", i + 4)
    if end < 0:
        raise CssSyntaxError(f"unclosed url( at {i}")
    return end + 1


def _scan(css: str, i: int, stops: str) -> int:
    """The index of the first character of ``stops`` at nesting depth 0 from ``i`` (or ``len(css)``),
    skipping strings, comments, escapes, ``url(…)`` and what is inside (), [] and {}."""
    depth = 0
    special = _SPECIAL.get(stops) or _SPECIAL.setdefault(stops, re.compile("[" + re.escape("\"'/\\()[]{}" + stops) + "]"))
    while (found := special.search(css, i)) is not None:
        i = found.start()
        char = css[i]
        if char in "\"'":
            i = _skip_string(css, i)
            continue
        if char == "/":
            if css.startswith("/*", i):
                i = _skip_comment(css, i)
                continue
        elif char == "\\":
            i += 2
            continue
        if depth == 0 and char in stops:
            return i
        if char in "([{":
            if char == "(" and _is_unquoted_url(css, i):
                i = _skip_url(css, i - 3)
                continue
            depth += 1
        elif char in ")]}":
            depth -= 1
            if depth < 0:
                return i
        i += 1
    return len(css)


_SPECIAL: dict[str, re.Pattern[str]] = {}
_IDENT_CHAR = re.compile(r"[\w\-]")


def _block_end(css: str, open_brace: int) -> int:
    """The index after the ``}`` that closes the block opened at ``open_brace``."""
    close = _scan(css, open_brace + 1, "}")
    if close >= len(css):
        raise CssSyntaxError(f"unclosed block at {open_brace}")
    return close + 1


def parse(css: str) -> list[Node]:
    """The nodes of a stylesheet (CssSyntaxError when it cannot be read)."""
    return _parse_block(css, 0, top=True)[0]


def _parse_block(css: str, i: int, top: bool) -> tuple[list[Node], int]:
    nodes: list[Node] = []
    while True:
        while i < len(css) and css[i] in " \t\n\r\f":
            i += 1
        if i >= len(css):
            if not top:
                raise CssSyntaxError("unclosed block at the end")
            return nodes, i
        if css[i] == "}":
            if top:
                raise CssSyntaxError(f"unexpected }} at {i}")
            return nodes, i + 1
        if css.startswith("/*", i):
            end = _skip_comment(css, i)
            nodes.append(Comment(css[i:end]))
            i = end
            continue
        stop = _scan(css, i, "{;}")
        if stop >= len(css) or css[stop] == "}":
            raise CssSyntaxError(f"a rule without a block at {i}")
        if css[i] == "@":
            node, i = _at_rule(css, i, stop)
            nodes.append(node)
            continue
        if css[stop] == ";":
            raise CssSyntaxError(f"a declaration outside a rule at {i}")
        end = _block_end(css, stop)
        nodes.append(StyleRule(css[i:stop].strip(), css[i:end], stop - i))
        i = end


def _at_rule(css: str, i: int, stop: int) -> tuple[AtRule, int]:
    """The at-rule from ``i`` whose prelude ends at ``stop`` (its ``{`` or ``;``), and the index after it."""
    prelude = css[i:stop].strip()
    if css[stop] == ";":
        return AtRule(prelude, css[i:stop + 1]), stop + 1
    name = re.match(r"@([\w-]+)", prelude)
    if name and name.group(1).lower() in GROUPING_AT_RULES:
        children, end = _parse_block(css, stop + 1, top=False)
        return AtRule(prelude, css[i:end], children), end
    end = _block_end(css, stop)
    return AtRule(prelude, css[i:end]), end


# --- selectors ---------------------------------------------------------------------------------------------
def split_list(text: str) -> list[str]:
    """``text`` split at its commas that are outside brackets, parentheses and strings."""
    parts, start = [], 0
    while True:
        comma = _scan(text, start, ",")
        parts.append(text[start:comma].strip())
        if comma >= len(text):
            return [p for p in parts if p]
        start = comma + 1


def _unescape(ident: str) -> str:
    def one(match: re.Match[str]) -> str:
        value = match.group(1)
        if re.fullmatch(r"[0-9a-fA-F]{1,6}\s?", value):
            return chr(int(value.strip(), 16))
        return value

    return _ESCAPE.sub(one, ident)


@dataclass(frozen=True)
class Tree:
    """What is known of the pages' element tree beyond their classes (nothing, by default)."""

    #: Classes that only the root element (``<html>``) can have.
    root_only: frozenset[str] = frozenset()
    #: For some classes: the most element children an element with the class can have.
    most_children: Mapping[str, int] = field(default_factory=dict)

    def fewest_children(self, classes: frozenset[str]) -> int | None:
        """The most children an element with all of ``classes`` can have, where that is known."""
        bounds = [self.most_children[c] for c in classes if c in self.most_children]
        return min(bounds) if bounds else None


@dataclass
class Needs:
    """What a selector needs to match: classes and attribute values, and groups of which one must match;
    classes needed on an element that has an ancestor or an earlier sibling (a compound after a combinator),
    and the k-th child positions needed under a parent with given classes."""

    classes: set[str] = field(default_factory=set)
    attributes: set[tuple[str, str]] = field(default_factory=set)  # (name, value) of [name=value]
    groups: list[list[Needs]] = field(default_factory=list)
    below: set[str] = field(default_factory=set)  # classes of compounds that follow a combinator
    positions: set[tuple[frozenset[str], int]] = field(default_factory=set)  # (the parent's classes, k)

    def can_match(self, has_class: Callable[[str], bool], has_value: Callable[[str, str], bool],
                  tree: Tree = Tree()) -> bool:
        if not self.below.isdisjoint(tree.root_only):
            return False
        for parent, k in self.positions:
            most = tree.fewest_children(parent)
            if most is not None and k > most:
                return False
        return (all(has_class(c) for c in self.classes) and all(has_value(a, v) for a, v in self.attributes)
                and all(any(alt.can_match(has_class, has_value, tree) for alt in group) for group in self.groups))


_ATTRIBUTE = re.compile(r"""\[\s*([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([\w-]+))\s*(?:[iIsS]\s*)?\]""")


_COMBINATOR = " \t\n\r\f>+~"
_NTH_CHILD = re.compile(r":nth-child\(\s*\+?0*([1-9][0-9]*)\s*\)", re.IGNORECASE)


@dataclass
class _Compounds:
    """Where a selector's reading is among its compounds (outside functions), and what they need of the tree."""

    found: Needs
    classes: set[str] = field(default_factory=set)  # of the compound being read
    started: bool = False  # whether a compound was begun
    after: bool = False  # whether the one being read follows a combinator
    parent: frozenset[str] | None = None  # the classes of its parent's compound, when it follows ">"
    combinator: str = ""  # read since the last compound ("" for none, " " for a descendant)

    def read_combinator(self, char: str) -> None:
        if char in ">+~":
            self.combinator = char
        elif not self.combinator:
            self.combinator = " "

    def begin(self) -> None:
        """Where a compound's part is read: a new compound begins if a combinator came before it."""
        if self.combinator:
            if self.started:
                self.close()
                self.parent = frozenset(self.classes) if self.combinator == ">" else None
                self.classes, self.after = set(), True
            elif self.combinator != " ":  # a relative selector (``:has(> a)``): its first compound has a parent
                self.after = True
            self.combinator = ""
        self.started = True

    def nth_child(self, k: int) -> None:
        if self.parent is not None:
            self.found.positions.add((self.parent, k))

    def close(self) -> None:
        if self.after:
            self.found.below.update(self.classes)


def needs(selector: str, attributes: frozenset[str] = frozenset()) -> Needs:
    """What ``selector`` requires: its classes, its ``[name=value]`` for the attribute names asked about,
    and its ``:is()``-like alternatives; nothing under ``:not()`` or any other function. Also, of its compounds
    (outside functions): the classes of those after a combinator, and each ``:nth-child(k)`` (k a number) of
    a compound right after ``>``, with the classes of the compound before it (the parent's)."""
    found, i = Needs(), 0
    compounds = _Compounds(found)
    while i < len(selector):
        char = selector[i]
        if char in _COMBINATOR:
            compounds.read_combinator(char)
            i += 1
            continue
        compounds.begin()
        if char in "\"'":
            i = _skip_string(selector, i)
        elif char == "\\":
            i += 2
        elif char == "[":
            end = _scan(selector, i + 1, "]") + 1
            match = _ATTRIBUTE.fullmatch(selector[i:end])
            if match and match.group(1).lower() in attributes:
                value = next(v for v in match.group(2, 3, 4) if v is not None)
                found.attributes.add((match.group(1).lower(), value))
            i = end
        elif char == ".":
            ident = _IDENT.match(selector, i + 1)
            if ident is None:
                i += 1
                continue
            name = _unescape(ident.group(0))
            found.classes.add(name)
            compounds.classes.add(name)
            i = ident.end()
        elif char == ":":
            nth = _NTH_CHILD.match(selector, i)
            if nth is not None:
                compounds.nth_child(int(nth.group(1)))
            i = _pseudo(selector, i, found, attributes)
        else:
            i += 1
    compounds.close()
    return found


def _pseudo(selector: str, i: int, found: Needs, attributes: frozenset[str]) -> int:
    """Read the pseudo-class or pseudo-element at ``i``; a function's argument adds its alternatives or nothing."""
    j = i + 1 + (selector[i + 1:i + 2] == ":")
    name = _IDENT.match(selector, j)
    if name is None:
        return j
    j = name.end()
    if selector[j:j + 1] != "(":
        return j
    close = _scan(selector, j + 1, ")")
    if name.group(0).lower() in _ALTERNATIVES:
        found.groups.append([needs(alt, attributes) for alt in split_list(selector[j + 1:close])] or [Needs()])
    return close + 1


def matching_selectors(selectors: str, has_class: Callable[[str], bool], has_value: Callable[[str, str], bool],
                       attributes: frozenset[str] = frozenset(), tree: Tree = Tree()) -> tuple[list[str], bool]:
    """The selectors of the list ``selectors`` that can match, and whether that is all of them (a list this
    cannot read is kept whole)."""
    try:
        listed = split_list(selectors)
    except CssSyntaxError:
        return [selectors], True
    kept = []
    for selector in listed:
        try:
            if needs(selector, attributes).can_match(has_class, has_value, tree):
                kept.append(selector)
        except CssSyntaxError:
            kept.append(selector)  # a selector this cannot read is kept
    return kept, len(kept) == len(listed)


# --- pruning -----------------------------------------------------------------------------------------------
@dataclass
class Pruned:
    css: str
    kept: int  # style rules kept
    dropped: int  # style rules dropped
    dropped_selectors: list[str] = field(default_factory=list)


def prune(css: str, has_class: Callable[[str], bool], has_value: Callable[[str, str], bool] = lambda a, v: True,
          attributes: frozenset[str] = frozenset(), keep_comment: Callable[[str], bool] = lambda text: True,
          tree: Tree = Tree()) -> Pruned:
    """``css`` without the style rules none of whose selectors can match (and without at-rules left empty).

    ``has_class(name)`` and ``has_value(attribute, value)`` say what the site's pages can have; only
    attribute names in ``attributes`` are asked about; ``tree``, what else is known of where elements can
    be. Comments are kept where ``keep_comment`` says so.
    """
    result = Pruned("", 0, 0)
    result.css = "".join(_kept(parse(css), has_class, has_value, attributes, keep_comment, tree, result))
    return result


def _kept(nodes: list[Node], has_class: Callable[[str], bool], has_value: Callable[[str, str], bool],
          attributes: frozenset[str], keep_comment: Callable[[str], bool], tree: Tree, result: Pruned) -> Iterator[str]:
    for node in nodes:
        if isinstance(node, Comment):
            if keep_comment(node.text):
                yield node.text
        elif isinstance(node, StyleRule):
            kept, whole = matching_selectors(node.selectors, has_class, has_value, attributes, tree)
            if kept:
                result.kept += 1
                # Only the selectors that can match: Material's long lists (a tab's 20 positions, the
                # right-to-left twins) lose what can never apply; a list kept whole stays as written.
                yield node.text if whole else ",".join(kept) + node.text[node.block:]
            else:
                result.dropped += 1
                result.dropped_selectors.append(node.selectors)
        elif node.children is None:
            yield node.text
        else:
            inner = "".join(_kept(node.children, has_class, has_value, attributes, keep_comment, tree, result))
            if inner.strip():
                yield node.prelude + "{" + inner + "}"


# --- custom properties -------------------------------------------------------------------------------------
_VAR = re.compile(r"var\(\s*(--[\w-]+)")
_PROPERTY = re.compile(r"\s*(--[\w-]+)\s*:")


def referenced_properties(text: str) -> set[str]:
    """The custom properties ``text`` (a stylesheet, a page's inline styles) reads with ``var()``."""
    return set(_VAR.findall(text))


def custom_properties(css: str) -> tuple[dict[str, set[str]], set[str]]:
    """What ``css`` does with custom properties: each one it defines with the properties its values read, and
    the properties read anywhere else (other declarations, at-rules kept as written)."""
    definitions: dict[str, set[str]] = {}
    reads: set[str] = set()
    for node in _walk_all(parse(css)):
        if isinstance(node, StyleRule):
            for declaration in split_declarations(node.declarations):
                name = _PROPERTY.match(declaration)
                if name:
                    definitions.setdefault(name.group(1), set()).update(_VAR.findall(declaration))
                else:
                    reads.update(_VAR.findall(declaration))
        elif isinstance(node, AtRule):
            reads.update(_VAR.findall(node.text))
    return definitions, reads


def used_properties(definitions: dict[str, set[str]], read: set[str]) -> set[str]:
    """The properties ``read``, and those their definitions read in turn."""
    used, todo = set(), list(read)
    while todo:
        name = todo.pop()
        if name not in used:
            used.add(name)
            todo.extend(definitions.get(name, ()))
    return used


def _walk_all(nodes: list[Node]) -> Iterator[StyleRule | AtRule]:
    """Every style rule, and every at-rule without rules inside (``@font-face``, ``@keyframes``), at any depth."""
    for node in nodes:
        if isinstance(node, StyleRule):
            yield node
        elif isinstance(node, AtRule):
            if node.children is None:
                yield node
            else:
                yield from _walk_all(node.children)


def drop_unused_properties(css: str, used: Callable[[str], bool]) -> tuple[str, int]:
    """``css`` without the declarations of custom properties ``used`` says nothing refers to (and without the
    rules and at-rule blocks that leaves empty); and how many declarations went."""
    dropped = 0

    def lighter(nodes: list[Node]) -> Iterator[str]:
        nonlocal dropped
        for node in nodes:
            if isinstance(node, StyleRule):
                body = node.declarations
                if "--" not in body:
                    yield node.text
                    continue
                declarations = split_declarations(body)
                kept = []
                for declaration in declarations:
                    name = _PROPERTY.match(declaration)
                    if name and not used(name.group(1)):
                        dropped += 1
                    else:
                        kept.append(declaration)
                if len(kept) == len(declarations):
                    yield node.text
                elif any(d.strip() for d in kept):
                    yield node.text[:node.block] + "{" + ";".join(kept) + "}"
            elif isinstance(node, AtRule) and node.children is not None:
                inner = "".join(lighter(node.children))
                if inner.strip():
                    yield node.prelude + "{" + inner + "}"
            else:
                yield node.text

    return "".join(lighter(parse(css))), dropped


def split_declarations(body: str) -> list[str]:
    """A declaration block's text split at its semicolons outside strings, ``url()`` and brackets."""
    parts, start = [], 0
    while start < len(body):
        semicolon = _scan(body, start, ";")
        parts.append(body[start:semicolon])
        start = semicolon + 1
    return parts


def _walk(nodes: list[Node]) -> Iterator[StyleRule]:
    """Every style rule, at any depth."""
    return (node for node in _walk_all(nodes) if isinstance(node, StyleRule))


def selector_classes(css: str) -> set[str]:
    """Every class any selector of ``css`` names, wherever in the selector (``:not()`` included)."""
    names: set[str] = set()
    for rule in _walk(parse(css)):
        names.update(_unescape(m.group(1)) for m in _CLASS_IN_SELECTOR.finditer(_without_strings(rule.selectors)))
    return names


_CLASS_IN_SELECTOR = re.compile(r"\.(" + _IDENT.pattern + ")")


def _without_strings(text: str) -> str:
    """``text`` with its strings and attribute selectors' values emptied (a dot in them is no class)."""
    if not any(c in text for c in "\"'\\"):
        return text
    out, i = [], 0
    while i < len(text):
        if text[i] in "\"'":
            end = _skip_string(text, i)
            out.append(text[i] * 2)
            i = end
        elif text[i] == "\\":
            out.append(text[i:i + 2])
            i += 2
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


_SPACE = re.compile(r"\s+")
_AROUND = re.compile(r"\s*([{};,])\s*")


def minify(css: str) -> str:
    """``css`` without comments and with white space made as short as it can be without changing a value:
    each run becomes one space, or none next to ``{``, ``}``, ``;`` or ``,``. Strings and ``url()`` stay."""
    return "".join(_squeeze(text) if kind == "plain" else text
                   for kind, text in _segments("".join(t if k != "comment" else " " for k, t in _segments(css)))).strip()


def _segments(css: str) -> Iterator[tuple[str, str]]:
    """``css`` cut into ("plain" | "string" | "url" | "comment", text), in order."""
    i = plain = 0
    while i < len(css):
        char = css[i]
        if char in "\"'" or css.startswith("/*", i) or (char == "(" and _is_unquoted_url(css, i)):
            if plain < i:
                yield "plain", css[plain:i]
            if char == "(":
                end, kind = _skip_url(css, i - 3), "url"
            elif char == "/":
                end, kind = _skip_comment(css, i), "comment"
            else:
                end, kind = _skip_string(css, i), "string"
            yield kind, css[i:end]
            i = plain = end
        elif char == "\\":
            i += 2
        else:
            i += 1
    if plain < len(css):
        yield "plain", css[plain:]


def _squeeze(text: str) -> str:
    return _AROUND.sub(r"\1", _SPACE.sub(" ", text))
