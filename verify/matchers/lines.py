"""One documented line against one actual line, token by token: what every match mode builds on.

Column spacing never matters (lines are compared as tokens). A token may differ where both sides
are a duration (``21s``, ``3h27m``), an IP address, a node port the API server allocated
(``32122``, ``80:32143/TCP``: in the node port range on both sides), a name with a generated
suffix (``kube-state-metrics-89d656bf8-vdthm``, ``pvc-15c268c7-…``), or where the page wrote a
``<placeholder>``. A token ``...`` stands for any number of tokens.
"""

from __future__ import annotations

import ipaddress
import re
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
    """What one match mode says about one output: `diff` explains a mismatch."""

    ok: bool
    mode: str
    diff: str = ""
    tolerated: list[Tolerance] = field(default_factory=list)


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
    key, equals, value = documented.partition("=")
    if equals and key and value and actual.startswith(key + "=") and actual != key + "=":
        inner = token_match(value, actual[len(key) + 1:])  # client_address=10.244.3.8: the value's own tolerance
        return inner if inner in ("ip", "generated", "duration") else None
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
    for d, a in zip(doc, act, strict=True):  # every caller passes lists of one length
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


def split_lines(text: str) -> list[str]:
    """The text's lines without trailing spaces (tabs as spaces), leading and trailing blank lines dropped."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\t", "    ").split("\n")]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return lines
