"""MkDocs hook: drop verification comments before Markdown is rendered.

`<!-- verify: … -->`, `<!-- invisible-code-block: … -->` and Sybil's `<!-- skip: … -->`
are for the verifier only. Left in, Python-Markdown wraps a comment that sits inside
a tab, list or admonition into a paragraph together with the following code block,
which gives invalid HTML (`<p><!-- … --><div>…</div></p>`). Removing the comment
lines leaves the reader's page exactly as written, minus the invisible parts.
"""

from __future__ import annotations

import re

_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
_OPENING = re.compile(r"^\s*<!--\s*(verify:|invisible-code-block:|skip:)")


def strip_verification_comments(markdown: str) -> str:
    out: list[str] = []
    fence: str | None = None
    in_comment = False
    for line in markdown.split("\n"):
        if in_comment:
            in_comment = "-->" not in line
            continue
        match = _FENCE.match(line)
        if fence is not None:
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence) and not line.strip()[len(match.group(1)):].strip():
                fence = None
            out.append(line)
            continue
        if match:
            fence = match.group(1)
            out.append(line)
            continue
        if _OPENING.match(line):
            in_comment = "-->" not in line
            continue
        out.append(line)
    return "\n".join(out)


def on_page_markdown(markdown, page, config, files):
    return strip_verification_comments(markdown)
