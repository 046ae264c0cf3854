"""The match modes that compare a whole output: ``like``, ``exact``, ``contains``, ``regex``, ``unordered``.

Each is a pure function of the documented and the actual text (`verify.matchers.MODES` names
them); ``watch`` has a module of its own (`verify.matchers.watch`).
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Callable, Iterable

from verify.matchers.lines import ELLIPSIS, MatchResult, Tolerance, line_match, split_lines


def _show(tol: list[Tolerance], line: str) -> str:
    for t in tol:
        line = re.sub(rf"(?<!\S){re.escape(t.actual)}(?!\S)", f"[{t.documented}≈{t.actual}]", line, count=1)
    return line


#: Whether a documented line (by index) accepts an actual line (by index), and with which tolerances (None: no).
_Pairing = Callable[[int, int], list[Tolerance] | None]
#: One line of the alignment: "=" same, "~" tolerated, "-" documented only, "+" actual only, "…" absorbed.
_Op = tuple[str, str, list[Tolerance]]


def _align(doc: list[str], act: list[str]) -> tuple[bool, list[_Op]]:
    """Edit-distance alignment where `...` lines absorb any actual lines at no cost."""

    @functools.cache
    def pairing(i: int, j: int) -> list[Tolerance] | None:
        return line_match(doc[i], act[j])

    cost = _costs(doc, act, pairing)
    return cost[0][0] == 0, _trace(doc, act, cost, pairing)


def _costs(doc: list[str], act: list[str], pairing: _Pairing) -> list[list[int]]:
    """cost[i][j]: the fewest lines left unmatched aligning doc[i:] with act[j:]."""
    n, m = len(doc), len(act)
    inf = 10 ** 9
    cost = [[inf] * (m + 1) for _ in range(n + 1)]
    cost[n][m] = 0
    for j in range(m - 1, -1, -1):
        cost[n][j] = cost[n][j + 1] + 1
    for i in range(n - 1, -1, -1):
        for j in range(m, -1, -1):
            if doc[i].strip() == ELLIPSIS:
                best = cost[i + 1][j]
                if j < m:
                    best = min(best, cost[i][j + 1])
            else:
                best = cost[i + 1][j] + 1
                if j < m:
                    best = min(best, cost[i][j + 1] + 1)
                    if pairing(i, j) is not None:
                        best = min(best, cost[i + 1][j + 1])
            cost[i][j] = best
    return cost


def _trace(doc: list[str], act: list[str], cost: list[list[int]], pairing: _Pairing) -> list[_Op]:
    """Walk the cheapest alignment `cost` describes, one operation per line."""
    n, m = len(doc), len(act)
    ops: list[_Op] = []
    i = j = 0
    while i < n or j < m:
        if i < n and doc[i].strip() == ELLIPSIS:
            if cost[i][j] == cost[i + 1][j]:
                ops.append(("…", doc[i], []))
                i += 1
            else:
                ops.append(("…", act[j], []))
                j += 1
            continue
        if i < n and j < m and pairing(i, j) is not None and cost[i][j] == cost[i + 1][j + 1]:
            tol = pairing(i, j) or []
            ops.append(("~" if tol else "=", act[j], tol))
            i, j = i + 1, j + 1
        elif i < n and cost[i][j] == cost[i + 1][j] + 1:
            ops.append(("-", doc[i], []))
            i += 1
        else:
            ops.append(("+", act[j], []))
            j += 1
    return ops


def _render(ops: Iterable[_Op]) -> str:
    out = []
    for op, line, tol in ops:
        if op == "~":
            out.append(f"  ~ {_show(tol, line)}")
        elif op == "=":
            out.append(f"    {line}")
        elif op == "…":
            out.append(f"  … {line}")
        else:
            out.append(f"  {op} {line}")
    return "\n".join(out)


def like(documented: str, actual: str, _concurrent: frozenset[str] = frozenset()) -> MatchResult:
    """Same lines in the same order, compared token by token (`verify.matchers.lines`).

    A line ``...`` stands for any number of lines.
    """
    ok, ops = _align(split_lines(documented), split_lines(actual))
    tolerated = [t for _, _, tol in ops for t in tol]
    return MatchResult(ok, "like", "" if ok else _render(ops), tolerated)


def exact(documented: str, actual: str, _concurrent: frozenset[str] = frozenset()) -> MatchResult:
    """Line for line equal (trailing spaces and trailing blank lines aside)."""
    doc, act = split_lines(documented), split_lines(actual)
    if doc == act:
        return MatchResult(True, "exact")
    diff = "\n".join(f"  {line[0]} {line[2:]}" if line[0] in "-+" else f"    {line[2:]}"
                     for line in difflib.ndiff(doc, act) if not line.startswith("?"))
    return MatchResult(False, "exact", diff)


def _collapse(line: str) -> str:
    return " ".join(line.split())


def contains(documented: str, actual: str, _concurrent: frozenset[str] = frozenset()) -> MatchResult:
    """Every documented line appears in the output, in order (other lines may come between)."""
    act = [_collapse(line) for line in split_lines(actual)]
    position = 0
    missing = []
    for line in split_lines(documented):
        wanted = _collapse(line)
        try:
            position = act.index(wanted, position) + 1
        except ValueError:
            missing.append(line)
    if not missing:
        return MatchResult(True, "contains")
    diff = "\n".join([f"  - {line}" for line in missing] + [f"    {line}" for line in split_lines(actual)])
    return MatchResult(False, "contains", "missing from the output:\n" + diff)


def regex(documented: str, actual: str, _concurrent: frozenset[str] = frozenset()) -> MatchResult:
    """The documented text is a regular expression matching the whole output."""
    pattern = documented.strip("\n")
    text = "\n".join(split_lines(actual))
    try:
        ok = re.fullmatch(pattern, text, re.MULTILINE) is not None
    except re.error as error:
        return MatchResult(False, "regex", f"  invalid regular expression: {error}")
    if ok:
        return MatchResult(True, "regex")
    return MatchResult(False, "regex", f"  pattern: {pattern}\n" + "\n".join(f"  + {line}" for line in text.split("\n")))


def unordered(documented: str, actual: str, _concurrent: frozenset[str] = frozenset()) -> MatchResult:
    """The same lines as ``like``, in any order (a multiset)."""
    doc, act = split_lines(documented), split_lines(actual)
    remaining = list(range(len(act)))
    tolerated: list[Tolerance] = []
    missing = []
    for line in doc:
        for index in remaining:
            tol = line_match(line, act[index])
            if tol is not None:
                tolerated += tol
                remaining.remove(index)
                break
        else:
            missing.append(line)
    if not missing and not remaining:
        return MatchResult(True, "unordered", tolerated=tolerated)
    diff = "\n".join([f"  - {line}" for line in missing] + [f"  + {act[i]}" for i in remaining])
    return MatchResult(False, "unordered", diff, tolerated)
