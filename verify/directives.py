"""Parse the options of `<!-- verify: … -->` comments (the vocabulary of docs/conventions.md)."""

from __future__ import annotations

import dataclasses
import re
import shlex
from typing import Any

from verify.confinement.limits import Limits
from verify.matchers import MATCH_MODES
from verify.model import Directive, Location
from verify.needs import NEEDS

#: What a page or a step may need from a cluster (front matter `requires:` and `requires=`).
REQUIREMENTS: frozenset[str] = frozenset(NEEDS)

TERMINALS = frozenset({"watch"})
INTERACTIVE = frozenset({"rewrite", "pty"})
FLAGS = {
    "in-container": "in_container",
    "on-node": "on_node",
    "secret": "secret",
    "excerpt": "excerpt",
    "file": "file",
}
VALUED = ("terminal", "reason", "requires", "interactive", "timeout", "exit", "allow", "concurrent", "pod-security")
#: Pod Security levels a step may ask for beyond the `baseline` every page's namespace enforces.
POD_SECURITY_LEVELS = frozenset({"privileged"})
#: Which fence languages an option applies to (None: any block).
APPLIES_TO: dict[str, frozenset[str] | None] = {
    "mode": frozenset({"text"}),
    "terminal": frozenset({"shell"}),
    "skip": None,
    "requires": frozenset({"shell"}),
    "interactive": frozenset({"shell"}),
    "in-container": frozenset({"shell"}),
    "on-node": frozenset({"shell"}),
    "secret": frozenset({"text", "shell"}),
    "excerpt": frozenset({"yaml"}),
    "file": None,
    "timeout": frozenset({"shell"}),
    "exit": frozenset({"shell"}),
    "allow": frozenset({"shell"}),
    "concurrent": frozenset({"text"}),
    "pod-security": frozenset({"shell"}),
}
#: A program name as `allow=` takes it: a bare name or a path (`./install.sh`), no spaces.
PROGRAM = re.compile(r"^[A-Za-z0-9_.+/\[:-]+$")
#: An object's name as a watch row's first column shows it.
OBJECT_NAME = re.compile(r"^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$")


class DirectiveError(ValueError):
    """An option that is not in the vocabulary, or a value that is not allowed."""


#: Parsed options: a valued option's text, or True for a bare word (a flag, `skip`, `show`); the match mode
#: under "mode".
Options = dict[str, str | bool]


def parse_options(text: str) -> tuple[Options, list[str]]:
    """Parse an option string such as ``unordered timeout=120`` into a dict of options.

    Returns the options and the names of the options used, in order (to check where they apply).
    Raises `DirectiveError` naming the offending option.
    """
    try:
        words = shlex.split(text)
    except ValueError as error:
        raise DirectiveError(f"cannot split directive options {text!r}: {error}") from None
    options: Options = {}
    used: list[str] = []
    for word in words:
        name, has_value, value = word.partition("=")
        if has_value:
            _valued_word(name, value, options, used)
        else:
            _bare_word(name, options, used)
    if "reason" in options:
        used.append("allow" if "allow" in options else "pod-security" if "pod-security" in options else "skip")
    return options, used


def _bare_word(name: str, options: Options, used: list[str]) -> None:
    """A word without `=`: a match mode, a flag, `skip` or `show`."""
    if name in MATCH_MODES:
        if "mode" in options:
            raise DirectiveError(f"two match modes: {options['mode']} and {name}")
        options["mode"] = name
        used.append("mode")
    elif name in FLAGS or name == "skip":
        options[name] = True
        used.append(name)
    elif name == "show":
        options["show"] = True
    elif name in VALUED:
        raise DirectiveError(f"option {name!r} needs a value ({name}=…)")
    else:
        raise DirectiveError(_unknown(name))


def _valued_word(name: str, value: str, options: Options, used: list[str]) -> None:
    """A `name=value` word."""
    if name == "mode":
        if value in MATCH_MODES:
            raise DirectiveError(f"write the match mode alone ({value}), not mode={value}")
        raise DirectiveError(f"match mode {value!r} does not exist (match modes: {', '.join(MATCH_MODES)})")
    if name not in VALUED:
        raise DirectiveError(_unknown(name))
    if not value:
        raise DirectiveError(f"option {name!r} has an empty value")
    options[name] = value
    if name != "reason":
        used.append(name)


def _unknown(name: str) -> str:
    options = sorted({*FLAGS, "skip", "show", *(f"{v}=…" for v in VALUED)})
    return (
        f"unknown directive option or match mode {name!r} "
        f"(match modes: {', '.join(MATCH_MODES)}; options: {', '.join(options)})"
    )


def build(options: Options, location: Location | None = None) -> Directive:
    """Turn parsed options into a `Directive`, validating values (each in turn: the first bad one is reported)."""
    mode = _text(options, "mode")
    terminal, terminal_show = _terminal(options)
    pod_security, pod_security_reason = _pod_security(options)
    allow, allow_reason, skip_reason = _allow_or_skip(options) if pod_security is None else ((), None, None)
    requires = _requires(options)
    interactive = _interactive(options)
    timeout = _timeout(options)
    exit_status = _exit_status(options)
    concurrent = _concurrent(options)
    directive = Directive(mode=mode, terminal=terminal, terminal_show=terminal_show, skip_reason=skip_reason,
                          requires=requires, interactive=interactive, timeout=timeout, exit_status=exit_status,
                          allow=allow, allow_reason=allow_reason, concurrent=concurrent, pod_security=pod_security,
                          pod_security_reason=pod_security_reason, location=location)
    # FLAGS names bool fields of Directive (tests/verify_static/test_model.py keeps it so); `Any` lets one table
    # serve every flag instead of a keyword argument per flag here.
    flags: dict[str, Any] = {attribute: True for option, attribute in FLAGS.items() if options.get(option)}
    return dataclasses.replace(directive, **flags)


def _text(options: Options, name: str) -> str | None:
    value = options.get(name)
    return None if value is None else str(value)


def _terminal(options: Options) -> tuple[str | None, bool]:
    """`terminal=watch`, and `show` (which only goes with it)."""
    terminal = _text(options, "terminal")
    if terminal is not None and terminal not in TERMINALS:
        raise DirectiveError(f"unknown terminal {terminal!r}; known: {', '.join(sorted(TERMINALS))}")
    show = bool(options.get("show"))
    if show and terminal is None:
        raise DirectiveError("'show' only goes with terminal=…")
    return terminal, show


def _allow_or_skip(options: Options) -> tuple[tuple[str, ...], str | None, str | None]:
    """`allow=… reason="…"` or `skip reason="…"` (not both in one comment): the programs allowed, the reason
    for allowing them, the reason for skipping."""
    if options.get("skip") and "allow" in options:
        raise DirectiveError("skip and allow=… each need their own reason: write them in two comments")
    if "allow" in options:
        programs, reason = _allow(options)
        return programs, reason, None
    if options.get("skip") or "reason" in options:
        reason_given = options.get("reason")
        if not options.get("skip"):
            raise DirectiveError("reason=… only goes with skip or allow=…")
        if not reason_given:
            raise DirectiveError('skip needs a reason: skip reason="…"')
        return (), None, str(reason_given)
    return (), None, None


def _pod_security(options: Options) -> tuple[str | None, str | None]:
    """`pod-security=privileged reason="…"`: the level a step's Pods need beyond `baseline`, and why."""
    level = _text(options, "pod-security")
    if level is None:
        return None, None
    if options.get("skip") or "allow" in options:
        raise DirectiveError("pod-security=… needs its own reason: write skip or allow=… in another comment")
    if level not in POD_SECURITY_LEVELS:
        raise DirectiveError(f"pod-security={level} is not a level above baseline "
                             f"({', '.join(sorted(POD_SECURITY_LEVELS))})")
    reason = str(options.get("reason") or "").strip()
    if not reason:
        raise DirectiveError('pod-security=… needs a reason: pod-security=privileged reason="why its Pods need it"')
    return level, reason


def _requires(options: Options) -> tuple[str, ...]:
    if "requires" not in options:
        return ()
    needs = tuple(n.strip() for n in str(options["requires"]).split(",") if n.strip())
    unknown = [n for n in needs if n not in REQUIREMENTS]
    if unknown or not needs:
        raise DirectiveError(
            f"unknown requirement(s) {', '.join(unknown) or '(none given)'}; known: {', '.join(sorted(REQUIREMENTS))}"
        )
    return needs


def _interactive(options: Options) -> str | None:
    interactive = _text(options, "interactive")
    if interactive is not None and interactive not in INTERACTIVE:
        raise DirectiveError(f"interactive={interactive} is not one of {', '.join(sorted(INTERACTIVE))}")
    return interactive


def _timeout(options: Options) -> float | None:
    if "timeout" not in options:
        return None
    try:
        seconds = float(str(options["timeout"]))
    except ValueError:
        raise DirectiveError(f"timeout={options['timeout']} is not a number of seconds") from None
    if seconds <= 0:
        raise DirectiveError(f"timeout={options['timeout']} must be positive")
    if seconds > Limits.timeout_ceiling:
        raise DirectiveError(f"timeout={options['timeout']} is above the ceiling of {Limits.timeout_ceiling:.0f} s that "
                             "bounds every step (--max-step-timeout)")
    return seconds


def _exit_status(options: Options) -> str | None:
    if "exit" not in options:
        return None
    expected = str(options["exit"])
    if expected != "any" and not (expected.isdigit() and int(expected) < 256):
        raise DirectiveError(f"exit={expected} is not an exit status (0-255) or 'any'")
    return expected


def _concurrent(options: Options) -> tuple[str, ...]:
    if "concurrent" not in options:
        return ()
    names = tuple(n.strip() for n in str(options["concurrent"]).split(",") if n.strip())
    if len(names) < 2 or any(not OBJECT_NAME.match(n) for n in names):
        raise DirectiveError(f"concurrent={options['concurrent']} is not a comma-separated list of two or more "
                             "object names (concurrent=web-0,web-1)")
    if options.get("mode", "watch") != "watch":
        raise DirectiveError("concurrent=… only goes with the watch match mode")
    return names


def _allow(options: Options) -> tuple[tuple[str, ...], str]:
    """`allow=sudo,helm reason="…"`: the programs, and the reason a reviewer accepted them."""
    programs = tuple(p.strip() for p in str(options["allow"]).split(",") if p.strip())
    bad = [p for p in programs if not PROGRAM.match(p)]
    if bad or not programs:
        raise DirectiveError(f"allow={options['allow']} is not a comma-separated list of program names")
    reason = str(options.get("reason") or "").strip()
    if not reason:
        raise DirectiveError('allow=… needs a reason: allow=PROGRAM reason="why the page runs it"')
    return programs, reason


def merge(first: Directive, second: Directive) -> Directive:
    """Combine two directive comments that precede the same block (the later one wins on conflicts)."""
    changes = {
        f.name: getattr(second, f.name)
        for f in dataclasses.fields(Directive)
        if f.name != "location" and getattr(second, f.name) != f.default
    }
    return dataclasses.replace(first, **changes)


def check_applies(used: list[str], language: str) -> str | None:
    """Return a message if an option is used on a block it does not apply to."""
    for option in used:
        allowed = APPLIES_TO.get(option)
        if allowed is not None and language not in allowed:
            label = "a match mode" if option == "mode" else f"{option!r}"
            where = " or ".join(f"```{lang}" for lang in sorted(allowed))
            return f"{label} applies to a {where} block, not to ```{language or '(no info string)'}"
    return None
