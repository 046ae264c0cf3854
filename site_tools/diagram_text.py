"""A diagram told in words: the text alternative of a mermaid flowchart.

A screen reader cannot read a drawing, and mermaid's SVG is a heap of boxes and
paths.  The pages' diagrams are flowcharts (``graph LR;`` / ``flowchart TD``),
whose meaning is their arrows, so the alternative is one sentence per arrow:
``クライアント → Node 2（SNAT）``.  ``site_tools/plugin/diagrams.py`` uses it as the
image's accessible name and as a list readers can open under the diagram.

Only the flowchart syntax the pages use is understood: node shapes with labels,
``-->``, ``---``, ``-.->``, ``==>``, endings ``x`` and ``o``, edge labels
(``-- text -->``, ``-. text .->``, ``-->|text|``) and chains (``a --> b --> c``).
Styling lines (``classDef``, ``class``, ``style``, ``linkStyle``, ``click``) say
nothing to a reader and are skipped.  Any other diagram type gets no sentences
(``DiagramText.edges`` is empty) and the caller falls back to a generic name.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from languages import section


def _words(lang: str) -> Mapping[str, str]:
    """The words of ``lang`` for diagrams (languages/strings/<code>.yaml, section ``diagram``)."""
    return section(lang, "diagram")


_HEADER = re.compile(r"^\s*(?:graph|flowchart)\b(?:\s+(?:TB|TD|BT|RL|LR))?\s*;?\s*$", re.IGNORECASE)
_SKIP = re.compile(r"^\s*(?:classDef|class|style|linkStyle|click|subgraph|end|direction|%%)\b")
# A node: an id, optionally followed by a shape holding its label.
_NODE = re.compile(
    r"""\s*(?P<id>[^\s\-=.;&|()\[\]{}<>"]+)
        (?P<shape>\(\(.*?\)\)|\(\[.*?\]\)|\[\[.*?\]\]|\[\(.*?\)\]|\{\{.*?\}\}|\(.*?\)|\[.*?\]|\{.*?\}|>.*?\])?""",
    re.VERBOSE,
)
# An edge: a plain arrow, or one with its label written inside (`-- text -->`, `-. text .->`).
_EDGE = re.compile(
    r"""\s*(?:
          (?P<plain><-->|-\.->|-\.-x|-\.-o|-\.-|==>|==x|==o|===|-->|--x|--o|---)
        | (?P<open>--|==|-\.)\s*(?P<inner>"[^"]*"|[^"|]+?)\s*(?P<close>-->|--x|--o|---|==>|==x|===|\.->|\.-x|\.-o|\.-)
        )(?:\s*\|(?P<pipe>[^|]*)\|)?""",
    re.VERBOSE,
)


@dataclass(frozen=True)
class Edge:
    """One arrow: from ``source`` to ``target`` (node labels), its ``label``, and whether it ends in a cross."""

    source: str
    target: str
    label: str
    blocked: bool


@dataclass(frozen=True)
class DiagramText:
    """The arrows of a diagram, in order, and how to say them in ``lang``."""

    lang: str
    edges: tuple[Edge, ...]

    def sentences(self) -> list[str]:
        words = _words(self.lang)
        result = []
        for edge in self.edges:
            notes = [note for note in (edge.label, words["blocked"] if edge.blocked else "") if note]
            joined = words["note_sep"].join(notes)
            result.append(f"{edge.source} → {edge.target}" + (words["paren"].format(joined) if joined else ""))
        return result

    def summary(self, number: int) -> str:
        """The accessible name of diagram ``number``: ``図2: a → b。b → c``."""
        words = _words(self.lang)
        head = words["diagram"].format(number=number)
        return f"{head}: {words['sep'].join(self.sentences())}" if self.edges else head

    @property
    def heading(self) -> str:
        """The text of the control that shows the list under the diagram."""
        return _words(self.lang)["open"]


def _label(shape: str | None) -> str | None:
    if not shape:
        return None
    inner = shape
    for opening, closing in (("((", "))"), ("([", "])"), ("[[", "]]"), ("[(", ")]"), ("{{", "}}"), (">", "]")):
        if inner.startswith(opening) and inner.endswith(closing):
            inner = inner[len(opening) : -len(closing)]
            break
    else:
        inner = inner[1:-1]
    return _unquote(inner)


def _unquote(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] == '"':
        text = text[1:-1]
    return " ".join(text.replace("<br>", " ").replace("<br/>", " ").split())


def _statements(source: str) -> list[str]:
    lines = source.replace("\r\n", "\n").split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    if not lines or not _HEADER.match(lines[0]):
        return []
    statements = []
    for line in lines[1:]:
        for part in re.split(r";(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)", line):  # `;` outside quotes
            if part.strip() and not _SKIP.match(part):
                statements.append(part)
    return statements


def describe(source: str, lang: str) -> DiagramText:
    """The arrows of the flowchart ``source``, node ids replaced by their labels, for ``lang``."""
    labels: dict[str, str] = {}
    raw: list[tuple[str, str, str, bool]] = []
    for statement in _statements(source):
        position = 0
        node = _NODE.match(statement, position)
        if node is None:
            continue
        previous = node["id"]
        labels.setdefault(previous, _label(node["shape"]) or previous)
        if node["shape"]:
            labels[previous] = _label(node["shape"]) or previous
        position = node.end()
        while True:
            edge = _EDGE.match(statement, position)
            if edge is None:
                break
            target = _NODE.match(statement, edge.end())
            if target is None:
                break
            if target["shape"]:
                labels[target["id"]] = _label(target["shape"]) or target["id"]
            labels.setdefault(target["id"], target["id"])
            arrow = edge["plain"] or edge["close"]
            label = _unquote(edge["pipe"] or edge["inner"] or "")
            raw.append((previous, target["id"], label, arrow.endswith("x")))
            previous = target["id"]
            position = target.end()
    edges = tuple(Edge(labels.get(a, a), labels.get(b, b), label, blocked) for a, b, label, blocked in raw)
    return DiagramText(lang, edges)
