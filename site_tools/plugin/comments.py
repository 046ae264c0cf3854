"""Verification comments leave the page before Markdown is rendered.

``<!-- verify: … -->``, ``<!-- invisible-code-block: … -->`` and Sybil's ``<!-- skip: … -->`` (the
directives of ``pagegrammar.comments.DIRECTIVES``) are for the verifier only. Left in, Python-Markdown
wraps a comment that sits inside a tab, list or admonition into a paragraph together with the
following code block, which gives invalid HTML (``<p><!-- … --><div>…</div></p>``). Removing the
comment lines leaves the reader's page exactly as written, minus the invisible parts.

Finding the comments needs the page's fences (a comment inside a code block is code); the fences of
the page that is left are worked out from those, not read again, and kept for the parts that come
later (``site_tools.page_state.page_fences``).
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import replace

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from pagegrammar import Fence, find_fences
from pagegrammar.comments import directive_comments
from pagegrammar.fences import FENCE
from site_tools.page_state import page_fences, remember_fences
from site_tools.plugin.part import Part


def without_verification_comments(markdown: str, fences: list[Fence] | None = None) -> tuple[str, list[Fence]]:
    """``markdown`` without the lines of its directive comments (code blocks are left alone), and the fences of
    what is left (``find_fences`` of it). ``fences``: ``markdown``'s own, when they are known already."""
    if fences is None:
        fences = find_fences(markdown)
    dropped: set[int] = set()
    for comment in directive_comments(markdown, fences):
        dropped.update(range(comment.line, comment.end_line + 1))
    if not dropped:
        return markdown, fences
    lines = markdown.split("\n")
    stripped = "\n".join(line for number, line in enumerate(lines, 1) if number not in dropped)
    moved = _moved_fences(fences, lines, sorted(dropped), len(stripped))
    return stripped, find_fences(stripped) if moved is None else moved


def _moved_fences(fences: list[Fence], lines: list[str], dropped: list[int], length: int) -> list[Fence] | None:
    """The fences of the page ``lines`` make once the lines ``dropped`` (1-based, sorted) are gone, ``length``
    characters long: the same fences, moved up; None when a dropped line is a fence's line (then that page has
    to be read again).

    A dropped line that no fence pattern matches changes nothing of how the fences pair up (`find_fences` reads
    only the lines that match); and since each dropped comment starts outside every fence, without a fence's
    opening line it ends outside too: no fence loses a line of its body, each only starts and ends earlier.
    """
    if any(FENCE.match(lines[number - 1]) for number in dropped):
        return None
    removed = [0]  # characters removed before the i-th dropped line and with it
    for number in dropped:
        removed.append(removed[-1] + len(lines[number - 1]) + 1)

    def before(line: int) -> int:
        return bisect_left(dropped, line)

    moved = []
    for fence in fences:
        above = before(fence.line)
        if fence.end_line is None:
            end, end_line = length, None
        else:
            end, end_line = fence.end - removed[before(fence.end_line)], fence.end_line - before(fence.end_line)
        moved.append(replace(fence, start=fence.start - removed[above], line=fence.line - above, end=end,
                             end_line=end_line))
    return moved


class VerificationComments(Part):
    def on_page_markdown(self, markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        stripped, fences = without_verification_comments(markdown, page_fences(page, markdown))
        remember_fences(page, stripped, fences)
        return stripped
