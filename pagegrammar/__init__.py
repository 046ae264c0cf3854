"""The page grammar: how a Markdown page of this project is written, read without Sybil or MkDocs.

One module per part of the grammar, each the only place that knows it:

- `fences`: fenced code blocks (```` ``` ```` and ``~~~``, longer fences, indented fences);
- `comments`: HTML comments, and the one table of verification directives they carry;
- `shell`: the fence languages that mean "shell";
- `frontmatter`: the YAML front matter, with the line of each key;
- `pages`: which files of a docs folder are pages;
- `wording`: what a page says, its whitespace aside (a rewrapped paragraph says the same).

The verifier, the translation tools, the site tools and the MkDocs hooks all read pages through
this package; it depends only on the standard library and PyYAML.
"""

from __future__ import annotations

from pagegrammar.comments import DIRECTIVES, INVISIBLE_CODE_BLOCK, SKIP, VERIFY, Comment, find_comments
from pagegrammar.errors import GrammarError
from pagegrammar.fences import Fence, UnclosedFence, closed_fences, find_fences
from pagegrammar.frontmatter import FrontMatter, FrontMatterError, parse_front_matter, split_front_matter
from pagegrammar.pages import PageSource, list_pages
from pagegrammar.shell import SHELL, SHELL_ALIASES, is_shell

__all__ = [
    "DIRECTIVES",
    "INVISIBLE_CODE_BLOCK",
    "SHELL",
    "SHELL_ALIASES",
    "SKIP",
    "VERIFY",
    "Comment",
    "Fence",
    "FrontMatter",
    "FrontMatterError",
    "GrammarError",
    "PageSource",
    "UnclosedFence",
    "closed_fences",
    "find_comments",
    "find_fences",
    "is_shell",
    "list_pages",
    "parse_front_matter",
    "split_front_matter",
]
