"""The match modes that compare a whole output: ``like``, ``exact``, ``contains``, ``regex``, ``unordered``.

Each is a pure function of the documented and the actual text (`verify.matchers.MODES` names
them); ``watch`` has a module of its own (`verify.matchers.watch`).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

from verify.matchers.lines import ELLIPSIS, MatchResult, Tolerance, line_match, split_lines


def _show(tol: list[Tolerance], line: str) -> str:
    for t in tol:
        line = re.sub(rf"(?<!\S){re.escape(t.actual)}(?!\S)", f"[{t.documented}≈{t.actual}]", line, count=1)
    return line


def _align(doc: list[str], act: list[str]) -> tuple[bool, list[tuple[str, str, list[Tolerance]]]]:
    """Edit-distance alignment where `...` lines absorb any actual lines at no cost."""
    n, m = len(doc), len(act)
    inf = 10 ** 9
    matches: dict[tuple[int, int], list[Tolerance] | None] = {}

    def lm(i: int, j: int) -> list[Tolerance] | None:
        key = (i, j)
        if key not in matches:
            matches[key] = line_match(doc[i], act[j])
        return matches[key]

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
                    if lm(i, j) is not None:
                        best = min(best, cost[i + 1][j + 1])
            cost[i][j] = best
    ops: list[tuple[str, str, list[Tolerance]]] = []
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
        if i < n and j < m and lm(i, j) is not None and cost[i][j] == cost[i + 1][j + 1]:
            tol = lm(i, j) or []
            ops.append(("~" if tol else "=", act[j], tol))
            i, j = i + 1, j + 1
        elif i < n and cost[i][j] == cost[i + 1][j] + 1:
            ops.append(("-", doc[i], []))
            i += 1
        else:
            ops.append(("+", act[j], []))
            j += 1
    return cost[0][0] == 0, ops


def _render(ops: Iterable[tuple[str, str, list[Tolerance]]]) -> str:
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
