"""Line-break hints for headings the theme sets in narrow columns (the sidebars' table of contents).

The browser's phrase segmentation (``word-break: auto-phrase``) keeps a
katakana word whole, but a phrase wider than its column, such as
「Podセキュリティアドミッションを」 in a sidebar, is then cut wherever the line
ends, often inside the katakana word; an identifier like
``ELASTICSEARCH_PASSWORD`` has no break opportunity at all.  A ``<wbr>`` where a
katakana word starts right after Latin letters, digits or kanji, and after the
``_`` inside an identifier, gives the browser better places to cut; where the
text fits, it changes nothing.
"""

from __future__ import annotations

import re

_HINTS = re.compile(
    r"(?<=[A-Za-z0-9\u3400-\u4dbf\u4e00-\u9fff々])(?=[\u30a1-\u30fa\u30fc])"  # before a katakana word
    r"|(?<=[A-Za-z0-9]_)(?=[A-Za-z0-9])"  # after the underscore of an identifier
)


def break_hints(html_text: str) -> str:
    """``html_text`` (markup without tags, e.g. a table-of-contents title) with ``<wbr>`` at better breaks."""
    return _HINTS.sub("<wbr>", html_text)
