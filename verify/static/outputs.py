"""Documented outputs look like what kubectl 1.37 prints.

- a `kubectl get <kind>` table starts with the header 1.37 prints for that kind (and options);
- `<kind>.<group>/<name> <verb>` lines use the group 1.37 prints (`deployment.apps`, never
  `deployment.extensions`);
- delete messages read `<kind>[.group] "<name>" deleted from <ns> namespace` for namespaced kinds
  and `<kind>[.group] "<name>" deleted` for cluster-scoped ones.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from verify.model import Location, Output, Page, Step
from verify.resources import Resource, resource, resources
from verify.results import Finding
from verify.shellcode.invocations import kubectl_invocations
from verify.static.checks import Check

if TYPE_CHECKING:
    from verify.static import StaticContext

VERBS = (
    "created|configured|unchanged|deleted|patched|scaled|labeled|annotated|serverside-applied|restarted|"
    "rolled back|paused|resumed|exposed|edited|replaced|autoscaled|condition met|cordoned|uncordoned|drained|"
    "tainted|untainted|evicted|image updated|env updated|resource requirements updated|serviceaccount updated|"
    "selector updated|subjects updated"
)
ACTION = re.compile(
    rf"^(?P<kind>[a-z][a-z0-9-]*)(?:\.(?P<group>[a-z0-9][a-z0-9.-]*))?/(?P<name>\S+) (?P<verb>{VERBS})(?: \(.*\))?$"
)
DELETED = re.compile(
    r"^(?P<kind>[a-z][a-z0-9-]*)(?:\.(?P<group>[a-z0-9][a-z0-9.-]*))? \"(?P<name>[^\"]+)\" deleted"
    r"(?: from (?P<ns>\S+) namespace)?(?P<rest>.*)$"
)
HEADER_WORD = re.compile(r"^[A-Z][A-Z0-9()\-]*$")
#: `kubectl get` flags that take a value (so the value is not mistaken for the resource).
VALUE_FLAGS = {
    "-l", "--selector", "-n", "--namespace", "-o", "--output", "-L", "--label-columns", "--sort-by",
    "--field-selector", "--template", "-f", "--filename", "--chunk-size", "--context", "--kubeconfig",
    "--server", "-s", "--user", "--cluster", "--request-timeout", "--subresource", "-k", "--kustomize",
    "--show-managed-fields", "--output-watch-events", "--raw", "--token", "--as", "--as-group",
}
BOOLEAN_VALUE_FLAGS = {"--show-managed-fields", "--output-watch-events"}


@dataclass(frozen=True)
class GetCall:
    """What decides the header of a `kubectl get` table."""

    resource: Resource
    wide: bool
    all_namespaces: bool
    show_labels: bool
    label_columns: tuple[str, ...]
    watch_events: bool


@dataclass
class _GetOptions:
    """The options of `kubectl get …` that shape its table, and its positional arguments."""

    positional: list[str] = field(default_factory=list)
    output: str | None = None
    all_namespaces: bool = False
    show_labels: bool = False
    labels: list[str] = field(default_factory=list)
    watch_events: bool = False


def _switch(eq: str, value: str) -> bool:
    """`--flag` or `--flag=true` is on, `--flag=false` off."""
    return value.lower() != "false" if eq else True


def _get_options(args: tuple[str, ...]) -> _GetOptions | None:
    """The options after `get`; None when they make no single known table (`--no-headers`, `-f`, …)."""
    found = _GetOptions()
    i = 1
    while i < len(args):
        arg = args[i]
        name, eq, value = arg.partition("=")
        if name in VALUE_FLAGS and not eq and name not in BOOLEAN_VALUE_FLAGS:
            value = args[i + 1] if i + 1 < len(args) else ""
            i += 1
        if name in ("-o", "--output"):
            found.output = value
        elif arg.startswith("-o") and not arg.startswith("--") and len(arg) > 2:
            found.output = arg[2:]
        elif name in ("-A", "--all-namespaces"):
            found.all_namespaces = _switch(eq, value)
        elif name == "--show-labels":
            found.show_labels = _switch(eq, value)
        elif name in ("-L", "--label-columns"):
            found.labels.extend(v for v in value.split(",") if v)
        elif name == "--output-watch-events":
            found.watch_events = _switch(eq, value)
        elif name in ("--no-headers", "--raw", "-f", "--filename", "-k", "--kustomize"):
            return None
        elif not arg.startswith("-"):
            found.positional.append(arg)
        i += 1
    return found


def _one_resource(positional: list[str]) -> Resource | None:
    """The one kind the positional arguments ask for (`pods`, `pod/a pod/b`), or None (several, or unknown)."""
    first = positional[0]
    if "," in first or first == "all":
        return None
    found = resource(first.split("/", 1)[0])
    if found is None:
        return None
    if "/" in first and any("/" not in p for p in positional[1:]):
        return None
    if any("/" in p and resource(p.split("/", 1)[0]) != found for p in positional[1:]):
        return None  # several kinds: several tables
    return found


def parse_get(args: tuple[str, ...]) -> GetCall | None:
    """The table-shaping options of `kubectl get …`; None when there is no single known table."""
    if not args or args[0] != "get":
        return None
    options = _get_options(args)
    if options is None or options.output not in (None, "wide") or not options.positional:
        return None
    found = _one_resource(options.positional)
    if found is None:
        return None
    return GetCall(found, options.output == "wide", options.all_namespaces, options.show_labels, tuple(options.labels),
                   options.watch_events)


def expected_header(call: GetCall) -> list[str]:
    columns = list(call.resource.wide if call.wide else call.resource.default)
    if call.all_namespaces and call.resource.namespaced:
        columns.insert(0, "NAMESPACE")
    columns.extend(label.rsplit("/", 1)[-1].upper() for label in call.label_columns)
    if call.show_labels:
        columns.append("LABELS")
    return columns


def _tokens(columns: list[str]) -> list[str]:
    return " ".join(columns).split()


def looks_like_header(line: str) -> bool:
    words = line.split()
    return bool(words) and all(HEADER_WORD.match(w) for w in words) and len(words) >= 2


def check_header(step: Step, output: Output) -> list[Finding]:
    if not step.commands or output.directive.file:
        return []
    invocations = kubectl_invocations(step.commands[-1])
    if len(invocations) != 1 or "|" in step.commands[-1]:
        return []
    call = parse_get(invocations[0].args)
    if call is None or call.watch_events:
        return []
    lines = [line for line in output.text.split("\n") if line.strip()]
    if not lines or not looks_like_header(lines[0]):
        return []
    documented = lines[0].split()
    expected = _tokens(expected_header(call))
    where = Location(output.location.path, output.location.line + 1 + output.text.split("\n").index(lines[0]))
    shown = shlex.join(("kubectl", *invocations[0].args))
    if documented == expected:
        return [Finding("output-header", True, where, f"header matches what kubectl 1.37 prints for `{shown}`")]
    return [
        Finding(
            "output-header",
            False,
            where,
            f"header {' '.join(documented)!r} is not what kubectl 1.37 prints for `{shown}`: {' '.join(expected)!r}",
        )
    ]


def check_messages(output: Output) -> list[Finding]:
    findings = []
    kinds = resources()
    plurals = {name: kind for kind, r in kinds.items() for name in r.names}
    for offset, raw in enumerate(output.text.split("\n")):
        line = raw.strip()
        where = Location(output.location.path, output.location.line + 1 + offset)
        m = ACTION.match(line) or DELETED.match(line)
        if not m:
            continue
        printed, group = m.group("kind"), m.group("group") or ""
        if printed in plurals and printed not in kinds:
            right = kinds[plurals[printed]]
            message = f"kubectl prints the kind in the singular: {right.qualified}, not {printed}"
            findings.append(Finding("output-message", False, where, message))
            continue
        known = kinds.get(printed)
        if known is None:
            continue
        if group != known.group:
            wrong = f"{printed}.{group}" if group else printed
            findings.append(
                Finding("output-message", False, where, f"kubectl 1.37 prints {known.qualified!r}, not {wrong!r} (in {line!r})")
            )
            continue
        if m.re is DELETED:
            ns = m.group("ns")
            if known.namespaced and not ns:
                findings.append(
                    Finding(
                        "output-message",
                        False,
                        where,
                        f"kubectl 1.37 prints '{known.qualified} \"{m.group('name')}\" deleted from <namespace> namespace' "
                        "for a namespaced kind",
                    )
                )
                continue
            if not known.namespaced and ns:
                findings.append(
                    Finding("output-message", False, where, f"{known.qualified} is cluster-scoped: kubectl prints no namespace")
                )
                continue
        findings.append(Finding("output-message", True, where, f"{line!r} is how kubectl 1.37 prints it"))
    return findings


def check_output(step: Step) -> list[Finding]:
    if step.output is None:
        return []
    return [*check_header(step, step.output), *check_messages(step.output)]


class OutputCheck(Check):
    """A command's documented output looks like what kubectl 1.37 prints."""

    block = "output"

    def applies(self, step: Step) -> bool:
        return step.output is not None

    def findings(self, step: Step, page: Page, ctx: StaticContext) -> list[Finding]:
        return check_output(step)
