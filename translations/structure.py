"""The parts of a page that must be the same in every language.

A translation changes prose only. This module reads a page into the elements a
translation must keep: code blocks (commands, includes, outputs, diagrams),
verification directives, heading levels, admonitions and tabs, each with its
line, so that a mismatch can name both files and lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>[^`]*)$")
_HEADING = re.compile(r"^(#{1,6})\s+\S")
_ADMONITION = re.compile(r"^\s*(!!!|\?\?\?\+?)\s+(?P<kind>[\w-]+)")
_TAB = re.compile(r'^\s*===\+?\s+"')
_DIRECTIVE = re.compile(r"^\s*<!--\s*(?P<name>verify|skip|invisible-code-block|clear-namespace)\b")


class UnclosedFence(ValueError):
    pass


@dataclass(frozen=True)
class Element:
    """One structural element; `key` is what must match across languages."""

    kind: str  # code, directive, heading, admonition, tab
    key: str
    line: int
    shown: str = field(default="", compare=False)  # short human description for messages


@dataclass
class Page:
    path: Path
    elements: list[Element]
    prose: list[tuple[int, str]]  # (line, text) outside code blocks and comments


def _language(info: str) -> str:
    return info.strip().split()[0] if info.strip() else ""


def _normalise_code(language: str, lines: list[str]) -> str:
    """The comparable content of a code block: comments in shell and labels in diagrams may be translated."""
    if language in ("shell", "sh", "bash", "console"):
        kept = [ln.rstrip() for ln in lines if not ln.lstrip().startswith("#")]
        return "\n".join(ln for ln in kept if ln.strip())
    if language == "mermaid":
        out = []
        for ln in lines:
            ln = re.sub(r'"[^"]*"', '""', ln)
            ln = re.sub(r"\[[^\]]*\]|\([^)]*\)|\{[^}]*\}|\|[^|]*\|", "_", ln)
            ln = re.sub(r"-\.\s.*?\s\.->", "-..->", ln)
            ln = re.sub(r"--\s[^->]+?\s-->", "-->", ln)
            out.append(ln.strip())
        return "\n".join(ln for ln in out if ln and not ln.startswith("%%"))
    return "\n".join(ln.rstrip() for ln in lines).strip("\n")


def parse(path: Path, text: str | None = None, display: Path | None = None) -> Page:
    """Read `path` (or `text`); messages name the page as `display` (default: `path`)."""
    text = path.read_text(encoding="utf-8") if text is None else text
    lines = text.split("\n")
    elements: list[Element] = []
    prose: list[tuple[int, str]] = []
    i = 0
    # Skip front matter: it differs by language by design.
    if lines and lines[0] == "---":
        for j in range(1, len(lines)):
            if lines[j] == "---":
                i = j + 1
                break
    while i < len(lines):
        line, number = lines[i], i + 1
        fence = _FENCE.match(line)
        if fence:
            indent, marker, info = fence["indent"], fence["fence"], fence["info"]
            body: list[str] = []
            j = i + 1
            while j < len(lines):
                close = lines[j].strip()
                if close.startswith(marker[0] * len(marker)) and set(close) <= {marker[0]}:
                    break
                body.append(lines[j][len(indent):] if lines[j].startswith(indent) else lines[j].lstrip())
                j += 1
            else:
                raise UnclosedFence(f"{display or path}:{number}: code fence {marker}{info.strip()} is never closed")
            language = _language(info)
            key = f"{language}\n{_normalise_code(language, body)}"
            elements.append(Element("code", key, number, f"```{language} block"))
            i = j + 1
            continue
        if line.lstrip().startswith("<!--"):
            j = i
            chunk = [line]
            while "-->" not in lines[j] and j + 1 < len(lines):
                j += 1
                chunk.append(lines[j])
            comment = "\n".join(s.strip() for s in chunk)
            if _DIRECTIVE.match(line):
                elements.append(Element("directive", comment, number, comment.splitlines()[0][:60]))
            i = j + 1
            continue
        heading = _HEADING.match(line)
        if heading:
            level = len(heading.group(1))
            elements.append(Element("heading", f"h{level}", number, f"level-{level} heading"))
        admonition = _ADMONITION.match(line)
        if admonition:
            collapsible = line.lstrip().startswith("?")
            kind = admonition["kind"]
            elements.append(
                Element("admonition", f"{'???' if collapsible else '!!!'} {kind}", number,
                        f"admonition '{'???' if collapsible else '!!!'} {kind}'")
            )
        if _TAB.match(line):
            depth = len(line) - len(line.lstrip())
            elements.append(Element("tab", f"tab@{depth}", number, "tab"))
        if line.strip():
            prose.append((number, line))
        i += 1
    return Page(display or path, elements, prose)
