"""What the verifier prints on a terminal: a page's text and a cluster's output, never its control sequences.

A page's commands and what they print reach the console (progress lines, diffs, the review). A
byte sequence such as OSC 52 (`ESC ] 52 ; c ; … BEL`) would make the maintainer's terminal write
the clipboard, others retitle the window or move the cursor over earlier lines. `printable` shows
every control character other than newline and tab as an escape (`\\x1b`), so the console shows
what was printed instead of obeying it. Reports and records keep the text as it was (JSON escapes
it anyway).
"""

from __future__ import annotations

import re
import sys
from typing import TextIO

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    return CONTROL.sub(lambda m: f"\\x{ord(m.group(0)):02x}", text)


def say(line: str, stream: TextIO | None = None) -> None:
    """Print one line (or several) with control characters escaped, flushed at once."""
    print(printable(line), file=stream or sys.stdout, flush=True)
