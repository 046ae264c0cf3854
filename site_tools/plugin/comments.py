"""Verification comments leave the page before Markdown is rendered.

``<!-- verify: … -->``, ``<!-- invisible-code-block: … -->`` and Sybil's ``<!-- skip: … -->`` (the
directives of ``pagegrammar.comments.DIRECTIVES``) are for the verifier only. Left in, Python-Markdown
wraps a comment that sits inside a tab, list or admonition into a paragraph together with the
following code block, which gives invalid HTML (``<p><!-- … --><div>…</div></p>``). Removing the
comment lines leaves the reader's page exactly as written, minus the invisible parts.
"""

from __future__ import annotations

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from pagegrammar import find_fences
from pagegrammar.comments import directive_comments
from site_tools.plugin.part import Part


def strip_verification_comments(markdown: str) -> str:
    """``markdown`` without the lines of its directive comments (code blocks are left alone)."""
    dropped: set[int] = set()
    for comment in directive_comments(markdown, find_fences(markdown)):
        dropped.update(range(comment.line, comment.end_line + 1))
    return "\n".join(line for number, line in enumerate(markdown.split("\n"), 1) if number not in dropped)


class VerificationComments(Part):
    def on_page_markdown(self, markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        return strip_verification_comments(markdown)
