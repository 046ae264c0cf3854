"""Matching a documented output against what a command really printed.

Modes (chosen by the page, `like` by default):

``like``
    Same lines in the same order, compared token by token (so column spacing never matters). A
    token may differ where both sides are a duration (``21s``, ``3h27m``), an IP address, a node
    port the API server allocated (``32122``, ``80:32143/TCP``: 30000–32767 on both sides), a name
    with a generated suffix (``kube-state-metrics-89d656bf8-vdthm``, ``pvc-15c268c7-…``), or where
    the page wrote a ``<placeholder>``. A line ``...`` stands for any number of lines, a token
    ``...`` for any number of tokens.
``exact``
    Line for line equal (trailing spaces and trailing blank lines aside).
``contains``
    Every documented line appears in the output, in order (other lines may come between).
``regex``
    The documented text is a regular expression matching the whole output.
``unordered``
    The same lines as ``like``, in any order (a multiset).
``watch``
    Rows of a ``kubectl get -w`` stream (header lines ignored). The documented rows must appear in
    the stream as ONE ordered subsequence: other rows may come between them (the cluster prints more
    updates than a page shows), but a documented row may not come before one documented above it,
    whichever objects the two rows are about. A row that repeats its object's previous row (equal
    as in ``like``, e.g. only the AGE differs) is one row on both sides: how many identical-looking
    updates the server sends depends on races the reader cannot see. An object with rows in the
    stream that the documented output never shows fails the match. Two relaxations, both written
    in the page: ``<!-- verify: watch concurrent=web-0,web-1 -->`` says these objects change at the
    same time (a garbage collector deleting them, a ``Parallel`` StatefulSet starting them), so within
    a run of their documented rows each object's rows keep their order but the objects may
    interleave in any order; a first documented row ``...`` says the output is the tail of a longer
    watch, so objects whose rows all come before the first documented row need not be shown.

In every mode the run's own namespace (``verify-…``) reads as ``default`` in the output, because
pages are written for the default namespace (``pod "web-0" deleted from default namespace``), and
the cluster's default StorageClass reads as ``standard`` (kind's name for it; k3d's is ``local-path``).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from verify.resources import NODE_PORT_RANGE

ELLIPSIS = "..."
KUBECTL_LITERALS = frozenset({"<none>", "<pending>", "<unknown>", "<unset>", "<invalid>", "<nil>", "<no value>"})
_DURATION = re.compile(r"^(?:\d+(?:ms|s|m|h|d|y))+$")
_PLACEHOLDER = re.compile(r"<[^<>\n]+>")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_SAFE = "bcdfghjklmnpqrstvwxz2456789"
_POD_SUFFIX = re.compile(r"^(?P<base>.+?)(?P<hash>-[a-z0-9]{6,10})?-(?P<suffix>[a-z0-9]{5})$")
_HASH_SUFFIX = re.compile(r"^(?P<base>.+?)-(?P<hash>[a-z0-9]{6,10})$")


@dataclass(frozen=True)
class Tolerance:
    """One token that differed but was accepted, and why."""

    documented: str
    actual: str
    kind: str  # duration | ip | node-port | generated | placeholder


@dataclass
class MatchResult:
    ok: bool
    mode: str
    diff: str = ""
    tolerated: list[Tolerance] = field(default_factory=list)


# --- tokens -----------------------------------------------------------------------------------

def _is_ip(token: str) -> bool:
    token = token.strip(",;()[]")
    host = token
    if token.count(":") == 1 and "." in token:  # 10.244.1.6:80
        host, _, port = token.partition(":")
        if not port.isdigit():
            return False
    host = host.split("/")[0]
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _looks_generated(text: str) -> bool:
    """Random suffixes use a vowel-free alphabet; older ones at least mix letters and digits."""
    return all(c in _SAFE for c in text) or (any(c.isdigit() for c in text) and any(c.isalpha() for c in text))


def _generated_base(token: str) -> str | None:
    """The token with its generated parts replaced, or None when it has none."""
    replaced = _UUID.sub("<uuid>", token)
    if replaced != token:
        return replaced
    match = _POD_SUFFIX.match(token)
    if match and _looks_generated(match["suffix"]) and (not match["hash"] or _looks_generated(match["hash"][1:])):
        return f"{match['base']}-<suffix>"
    match = _HASH_SUFFIX.match(token)
    if match and _looks_generated(match["hash"]):
        return f"{match['base']}-<hash>"
    return None


def _placeholder_regex(token: str) -> re.Pattern[str] | None:
    pieces, last, found = [], 0, False
    for match in _PLACEHOLDER.finditer(token):
        if match.group(0) in KUBECTL_LITERALS:
            continue
        found = True
        pieces.append(re.escape(token[last:match.start()]))
        pieces.append(r".+?")
        last = match.end()
    if not found:
        return None
    pieces.append(re.escape(token[last:]))
    return re.compile("".join(pieces) + r"\Z")


_PORT_SPEC = re.compile(r"(\d+):(\d+)/(TCP|UDP|SCTP)")


def _node_ports(token: str) -> str | None:
    """The token with every node port (allocated at random by the API server) blanked, or None.

    ``32122`` and ``80:32143/TCP,443:30712/TCP`` have node ports; two tokens that agree once
    their node ports are blanked differ only in what the API server allocated.
    """
    if token.isdigit():
        return "<node-port>" if int(token) in NODE_PORT_RANGE else None
    specs = token.split(",")
    blanked = []
    for spec in specs:
        found = _PORT_SPEC.fullmatch(spec)
        if not found or int(found.group(2)) not in NODE_PORT_RANGE:
            return None
        blanked.append(f"{found.group(1)}:<node-port>/{found.group(3)}")
    return ",".join(blanked)


def token_match(documented: str, actual: str) -> str | None:
    """'same', the kind of tolerance that accepts the pair, or None when they differ."""
    if documented == actual:
        return "same"
    placeholder = _placeholder_regex(documented)
    if placeholder is not None and placeholder.match(actual):
        return "placeholder"
    if _DURATION.match(documented) and _DURATION.match(actual):
        return "duration"
    if _is_ip(documented) and _is_ip(actual):
        return "ip"
    if _node_ports(documented) is not None and _node_ports(documented) == _node_ports(actual):
        return "node-port"
    base_doc, base_act = _generated_base(documented), _generated_base(actual)
    if base_doc is not None and base_doc == base_act:
        return "generated"
    return None


def _protect_placeholders(line: str) -> str:
    """Keep a multi-word `<your password>` together as one token."""
    return _PLACEHOLDER.sub(lambda m: m.group(0).replace(" ", "\u00a0"), line)


def tokens(line: str, documented: bool = False) -> list[str]:
    if documented:
        return [t.replace("\u00a0", " ") for t in _protect_placeholders(line).split()]
    return line.split()


def line_match(documented: str, actual: str) -> list[Tolerance] | None:
    """Tolerances used to accept `actual` for `documented` (empty: identical), or None."""
    doc, act = tokens(documented, documented=True), tokens(actual)
    if ELLIPSIS in doc:
        return _match_with_ellipsis(doc, act)
    if len(doc) != len(act):
        return None
    return _pair_tokens(doc, act)


def _pair_tokens(doc: list[str], act: list[str]) -> list[Tolerance] | None:
    """Tolerances for two equally long token lists matched pairwise, or None when a pair differs."""
    found: list[Tolerance] = []
    for d, a in zip(doc, act):
        kind = token_match(d, a)
        if kind is None:
            return None
        if kind != "same":
            found.append(Tolerance(d, a, kind))
    return found


def _match_with_ellipsis(doc: list[str], act: list[str]) -> list[Tolerance] | None:
    segments: list[list[str]] = [[]]
    for token in doc:
        if token == ELLIPSIS:
            segments.append([])
        else:
            segments[-1].append(token)
    head, tail = segments[0], segments[-1]
    if len(head) + len(tail) > len(act):
        return None
    end = len(act) - len(tail)
    first, last = _pair_tokens(head, act[: len(head)]), _pair_tokens(tail, act[end:])
    if first is None or last is None:
        return None
    found = first + last
    position = len(head)
    for segment in segments[1:-1]:
        while position + len(segment) <= end:
            tolerated = _pair_tokens(segment, act[position: position + len(segment)])
            if tolerated is not None:
                found += tolerated
                position += len(segment)
                break
            position += 1
        else:
            return None
    return found


# --- text -------------------------------------------------------------------------------------

def normalise_namespace(actual: str, namespace: str | None) -> str:
    if not namespace or namespace == "default":
        return actual
    return _rename(actual, namespace, "default")


DOCUMENTED_STORAGE_CLASS = "standard"  # the default StorageClass's name as the pages print it (kind's)


def normalise_storage_class(actual: str, storage_class: str | None) -> str:
    """The cluster's default StorageClass reads as ``standard`` (k3d calls it ``local-path``)."""
    if not storage_class or storage_class == DOCUMENTED_STORAGE_CLASS:
        return actual
    return _rename(actual, storage_class, DOCUMENTED_STORAGE_CLASS)


def _rename(text: str, name: str, documented: str) -> str:
    return re.sub(rf"(?<![A-Za-z0-9-]){re.escape(name)}(?![A-Za-z0-9-])", documented, text)


def _lines(text: str) -> list[str]:
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\t", "    ").split("\n")]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return lines


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


LEGEND = ("(- documented only, + actual only, ~ accepted with [documented≈actual] tolerated tokens, "
          "… absorbed by '...')")


def match(documented: str, actual: str, mode: str = "like", namespace: str | None = None,
          storage_class: str | None = None, concurrent: Iterable[str] = ()) -> MatchResult:
    """Compare; `concurrent` (watch mode only) names objects whose rows may interleave in any order."""
    actual = normalise_storage_class(normalise_namespace(actual, namespace), storage_class)
    handler = {"like": _like, "exact": _exact, "contains": _contains, "regex": _regex,
               "unordered": _unordered, "watch": _watch}.get(mode)
    if handler is None:
        raise ValueError(f"unknown match mode {mode!r}")
    result = _watch(documented, actual, concurrent) if mode == "watch" else handler(documented, actual)
    result.mode = mode
    if not result.ok and result.diff:
        notes = [f"the run's namespace {namespace} reads as default"] if namespace and namespace != "default" else []
        if storage_class and storage_class != DOCUMENTED_STORAGE_CLASS:
            notes.append(f"the default StorageClass {storage_class} reads as {DOCUMENTED_STORAGE_CLASS}")
        note = f" ({'; '.join(notes)})" if notes else ""
        result.diff = f"documented vs actual, mode {mode}{note} {LEGEND}\n{result.diff}"
    return result


def _like(documented: str, actual: str) -> MatchResult:
    ok, ops = _align(_lines(documented), _lines(actual))
    tolerated = [t for _, _, tol in ops for t in tol]
    return MatchResult(ok, "like", "" if ok else _render(ops), tolerated)


def _exact(documented: str, actual: str) -> MatchResult:
    doc, act = _lines(documented), _lines(actual)
    if doc == act:
        return MatchResult(True, "exact")
    import difflib

    diff = "\n".join(f"  {line[0]} {line[2:]}" if line[0] in "-+" else f"    {line[2:]}"
                     for line in difflib.ndiff(doc, act) if not line.startswith("?"))
    return MatchResult(False, "exact", diff)


def _collapse(line: str) -> str:
    return " ".join(line.split())


def _contains(documented: str, actual: str) -> MatchResult:
    act = [_collapse(line) for line in _lines(actual)]
    position = 0
    missing = []
    for line in _lines(documented):
        wanted = _collapse(line)
        try:
            position = act.index(wanted, position) + 1
        except ValueError:
            missing.append(line)
    if not missing:
        return MatchResult(True, "contains")
    diff = "\n".join([f"  - {line}" for line in missing] + [f"    {line}" for line in _lines(actual)])
    return MatchResult(False, "contains", "missing from the output:\n" + diff)


def _regex(documented: str, actual: str) -> MatchResult:
    pattern = documented.strip("\n")
    text = "\n".join(_lines(actual))
    try:
        ok = re.fullmatch(pattern, text, re.MULTILINE) is not None
    except re.error as error:
        return MatchResult(False, "regex", f"  invalid regular expression: {error}")
    if ok:
        return MatchResult(True, "regex")
    return MatchResult(False, "regex", f"  pattern: {pattern}\n" + "\n".join(f"  + {line}" for line in text.split("\n")))


def _unordered(documented: str, actual: str) -> MatchResult:
    doc, act = _lines(documented), _lines(actual)
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


# --- watch streams ----------------------------------------------------------------------------

def _is_header(line: str) -> bool:
    words = line.split()
    return bool(words) and words[0] in ("NAME", "NAMESPACE", "EVENT") and all(
        w.upper() == w for w in words)


def watch_rows(text: str) -> list[str]:
    return [line for line in _lines(text) if line.strip() and not _is_header(line)]


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


def watch_progress(documented: str, actual: str, namespace: str | None = None,
                   storage_class: str | None = None, concurrent: Iterable[str] = ()) -> WatchProgress:
    """Whether the documented rows appear in the stream as one ordered subsequence.

    Rows are compared as in ``like``; a row repeating its object's previous row counts once, on both
    sides. Rows of the objects in `concurrent` (objects the page says change at the same time) may
    interleave in any order within a run of such rows; each object's own rows stay in order.
    """
    actual = normalise_storage_class(normalise_namespace(actual, namespace), storage_class)
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


def _watch(documented: str, actual: str, concurrent: Iterable[str] = ()) -> MatchResult:
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
