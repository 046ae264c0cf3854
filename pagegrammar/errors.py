"""The error every part of the grammar raises: it names the file and the line to look at."""

from __future__ import annotations

from pathlib import Path


class GrammarError(ValueError):
    """A page that does not follow the grammar; `str()` is ``path:line: reason``.

    :param path: how messages name the page (a path, or a display name such as ``docs/en/x.md``).
    :param line: the 1-based line a writer has to look at.
    :param reason: what is wrong, without the location.
    """

    def __init__(self, path: Path | str, line: int, reason: str) -> None:
        super().__init__(f"{path}:{line}: {reason}")
        self.path = path
        self.line = line
        self.reason = reason
