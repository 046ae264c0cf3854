"""The ``watch`` match mode: the rows of a ``kubectl get -w`` stream.

`watch_progress` also tells the live tier, while a watch is still printing, whether the
documented rows have all been seen yet.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from verify.matchers.lines import ELLIPSIS, MatchResult, Tolerance, line_match, split_lines


def _is_header(line: str) -> bool:
    words = line.split()
    return bool(words) and words[0] in ("NAME", "NAMESPACE", "EVENT") and all(
        w.upper() == w for w in words)


def watch_rows(text: str) -> list[str]:
    return [line for line in split_lines(text) if line.strip() and not _is_header(line)]


def _object_key(line: str) -> str:
    return line.split()[0]


def _collapse_repeats(rows: list[str]) -> list[str]:
    """The rows with every row that repeats its object's previous row (as in ``like``) left out."""
    last: dict[str, str] = {}
    kept = []
    for row in rows:
        key = _object_key(row)
        if key in last and line_match(last[key], row) is not None:
            continue
        last[key] = row
        kept.append(row)
    return kept


@dataclass
class WatchProgress:
    """How far the documented rows have been seen in a watch stream.

    `matched` pairs each documented row that was found with the index of the (collapsed) actual row
    it matched; `missing` holds, per object, the documented rows not (yet) seen in order; `unshown`
    the objects the stream shows and the page never does, with their rows.
    """

    satisfied: bool
    missing: dict[str, list[str]]  # object -> documented rows not (yet) seen
    tolerated: list[Tolerance]
    matched: list[tuple[str, int]] = field(default_factory=list)
    unshown: dict[str, list[str]] = field(default_factory=dict)
    actual: list[str] = field(default_factory=list)  # the actual rows, repeats collapsed


def _segments(rows: list[str], concurrent: frozenset[str]) -> list[list[int]]:
    """Documented rows in groups matched as one: a run of rows of `concurrent` objects, else one row."""
    segments: list[list[int]] = []
    for index, row in enumerate(rows):
        if segments and _object_key(row) in concurrent and _object_key(rows[segments[-1][-1]]) in concurrent:
            segments[-1].append(index)
        else:
            segments.append([index])
    return segments


def watch_progress(documented: str, actual: str, concurrent: Iterable[str] = ()) -> WatchProgress:
    """Whether the documented rows appear in the stream as one ordered subsequence.

    Rows are compared as in ``like``; a row repeating its object's previous row counts once, on both
    sides. Rows of the objects in `concurrent` (objects the page says change at the same time) may
    interleave in any order within a run of such rows; each object's own rows stay in order.
    """
    lines = watch_rows(documented)
    tail = bool(lines) and lines[0].strip() == ELLIPSIS
    wanted = _collapse_repeats([row for row in lines if row.strip() != ELLIPSIS])
    seen = _collapse_repeats(watch_rows(actual))
    groups = frozenset(concurrent)
    matched: list[tuple[str, int]] = []
    tolerated: list[Tolerance] = []
    missing: dict[str, list[str]] = {}
    position = 0
    for segment in _segments(wanted, groups):
        end = position
        for key in dict.fromkeys(_object_key(wanted[i]) for i in segment):
            cursor = position
            rows = [wanted[i] for i in segment if _object_key(wanted[i]) == key]
            for index, row in enumerate(rows):
                while cursor < len(seen):
                    tol = line_match(row, seen[cursor])
                    cursor += 1
                    if tol is not None:
                        tolerated += tol
                        matched.append((row, cursor - 1))
                        end = max(end, cursor)
                        break
                else:
                    missing.setdefault(key, []).extend(rows[index:])
                    break
        if missing:
            rest = [wanted[i] for s in _segments(wanted, groups) if s[0] > segment[-1] for i in s]
            for row in rest:
                missing.setdefault(_object_key(row), []).append(row)
            break
        position = end
    shown = {_object_key(row) for row in wanted}
    first = min((index for _, index in matched), default=len(seen)) if tail else 0
    unshown: dict[str, list[str]] = {}
    for index, row in enumerate(seen):
        if _object_key(row) not in shown and index >= first:
            unshown.setdefault(_object_key(row), []).append(row)
    if tail:  # an object that also has rows before the excerpt begins is part of what was left out
        before = {_object_key(row) for row in seen[:first]}
        unshown = {key: rows for key, rows in unshown.items() if key not in before}
    return WatchProgress(not missing, missing, tolerated, sorted(matched, key=lambda m: m[1]), unshown, seen)


def watch(documented: str, actual: str, concurrent: frozenset[str] = frozenset()) -> MatchResult:
    """Rows of a ``kubectl get -w`` stream (header lines ignored), as one ordered subsequence.

    Other rows may come between the documented ones (the cluster prints more updates than a page
    shows), but a documented row may not come before one documented above it, whichever objects the
    two rows are about. A row that repeats its object's previous row (equal as in ``like``, e.g. only
    the AGE differs) is one row on both sides: how many identical-looking updates the server sends
    depends on races the reader cannot see. An object with rows in the stream that the documented
    output never shows fails the match. Two relaxations, both written in the page: `concurrent`
    (``<!-- verify: watch concurrent=web-0,web-1 -->``) names objects that change at the same time
    (a garbage collector deleting them, a ``Parallel`` StatefulSet starting them), so within a run
    of their documented rows each object's rows keep their order but the objects may interleave in
    any order; a first documented row ``...`` says the output is the tail of a longer watch, so
    objects whose rows all come before the first documented row need not be shown.
    """
    progress = watch_progress(documented, actual, concurrent=concurrent)
    if progress.satisfied and not progress.unshown:
        return MatchResult(True, "watch", tolerated=progress.tolerated)
    parts = []
    if progress.missing:
        parts.append("  the documented rows must appear in this order in the stream (other rows may come between"
                     + (f"; rows of {', '.join(sorted(set(concurrent)))} in any order among themselves" if concurrent else "")
                     + "); not seen after the rows marked '='")
        parts += [f"  - {row}" for rows in progress.missing.values() for row in rows]
    if progress.unshown:
        parts.append("  objects in the stream that the documented output never shows: "
                     + ", ".join(f"{key} ({len(rows)} row{'s' if len(rows) != 1 else ''})"
                                 for key, rows in progress.unshown.items()))
    parts.append("  the stream (repeated rows collapsed; '=' a documented row matched here):")
    at = {index for _, index in progress.matched}
    parts += [f"  {'=' if index in at else '+'} {row}" for index, row in enumerate(progress.actual)] or ["  + (no rows)"]
    return MatchResult(False, "watch", "\n".join(parts), progress.tolerated)
