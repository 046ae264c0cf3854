"""The match modes, declared once: a mode's name, the function that matches, and what it means.

A page chooses a mode with ``<!-- verify: NAME -->`` before an output (``like`` when it says
nothing). The directive parser accepts exactly the names of `MODES` (so an unknown mode is a static
error at its line), the live tier matches with `MODES[name].matcher`, and docs/conventions.md
describes each mode with its `description` (a test keeps the two equal). Adding a mode is one entry
here, its matcher, and its row in docs/conventions.md.

Every matcher is a pure function of text: ``matcher(documented, actual, concurrent)`` returns a
`MatchResult`; `concurrent` (objects whose rows may interleave) is read by ``watch`` only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from verify.matchers import text
from verify.matchers.lines import MatchResult, Tolerance, line_match, token_match
from verify.matchers.watch import WatchProgress, watch, watch_progress

Matcher = Callable[[str, str, frozenset[str]], MatchResult]


@dataclass(frozen=True)
class Mode:
    name: str
    matcher: Matcher
    description: str  # one line, as docs/conventions.md's table of match modes shows it


MODES: dict[str, Mode] = {mode.name: mode for mode in [
    Mode("like", text.like,
         "the same lines in the same order, token by token: durations, IP addresses, node ports, generated "
         "name suffixes and `<placeholders>` may differ; a line `...` stands for any lines (the default)"),
    Mode("exact", text.exact, "line for line equal (trailing spaces and trailing blank lines aside)"),
    Mode("contains", text.contains, "every documented line appears in the output, in order (other lines may come between)"),
    Mode("regex", text.regex, "the documented text is a regular expression that matches the whole output"),
    Mode("unordered", text.unordered, "the same lines as `like`, in any order"),
    Mode("watch", watch,
         "rows of a `kubectl get -w` stream: the documented rows appear in it as one ordered subsequence "
         "(the `watch` directive above says how)"),
]}
#: The mode names in table order (what the directive parser accepts).
MATCH_MODES: tuple[str, ...] = tuple(MODES)

__all__ = [
    "MATCH_MODES",
    "MODES",
    "MatchResult",
    "Matcher",
    "Mode",
    "Tolerance",
    "WatchProgress",
    "line_match",
    "token_match",
    "watch_progress",
]
