"""Commands are valid shell (`bash -n`) and valid for the pinned kubectl, and
`kubectl patch` payloads are valid and apply cleanly to the manifest the page ships; and no command
starts with a prompt. One `Check` each: `PromptCheck`, `BashCheck`, `KubectlCheck`, `PatchCheck`."""

from __future__ import annotations

import functools
import hashlib
import json
import re
import shlex
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from verify.confinement.process import Confined
from verify.model import Location, Page, Step, StepKind
from verify.resources import resolve_kind
from verify.results import Finding
from verify.shellcode.credentials import refused_args
from verify.shellcode.invocations import Invocation, kubectl_invocations
from verify.shellcode.lexer import substitute_placeholders
from verify.static.checks import COMMAND_KINDS, Check
from verify.static.kubectl import Job, KubectlChecker
from verify.static.manifests import SCHEMA_VERSION, _schema_errors, documents

if TYPE_CHECKING:
    from verify.static import StaticContext

BASH_LINE = re.compile(r"line (\d+): (.*)")
JSON_PATCH_OPS = {"add", "remove", "replace", "move", "copy", "test"}
PATCH_TYPES = {"strategic", "merge", "json"}
#: `kubectl patch` flags that take a value (as the next word when not given with `=`).
PATCH_VALUE_FLAGS = ("-p", "--patch", "--type", "-n", "--namespace", "-f", "--filename", "--patch-file", "-o", "--output")


def command_steps(page: Page) -> Iterable[Step]:
    return (s for s in page.steps if s.kind in COMMAND_KINDS)


# -- bash -n -------------------------------------------------------------------------------------
def _bash_key(text: str) -> str:
    return "bash-n\0" + text


def _run_bash_n(text: str, confined: Confined) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="verify-bash-n-") as tmp:
        done = confined.run(["bash", "-n"], Path(tmp), {"LANG": "C", "HOME": str(confined.paths(Path(tmp)))}, 30,
                            input_text=text)
    if done.returncode == 0:
        return {"ok": True, "line": 0, "message": "bash -n accepts it"}
    first = next((line for line in done.stderr.splitlines() if line.strip()), "syntax error")
    m = BASH_LINE.search(first)
    return {"ok": False, "line": int(m.group(1)) if m else 1, "message": (m.group(2) if m else first).strip()}


def bash_source(step: Step) -> str:
    """The step's commands as bash sees them, placeholders made words (one line per block line)."""
    return substitute_placeholders(step.text) + "\n"


def bash_job(step: Step, confined: Confined) -> Job:
    """`bash -n` on the step's text (sandboxed: it is a page's text), keyed by that text."""
    text = bash_source(step)
    return (_bash_key(text), functools.partial(_run_bash_n, text, confined))


class BashCheck(Check):
    """The step is valid shell: `bash -n` accepts it."""

    def applies(self, step: Step) -> bool:
        return step.kind in COMMAND_KINDS

    def jobs(self, step: Step, page: Page, ctx: StaticContext) -> list[Job]:
        return [bash_job(step, ctx.confined)]

    def findings(self, step: Step, page: Page, ctx: StaticContext) -> list[Finding]:
        result = ctx.result(bash_job(step, ctx.confined))
        if result["ok"]:
            return [Finding("bash", True, step.location, result["message"])]
        line = step.location.line + result["line"]  # block line N is file line fence + N
        return [Finding("bash", False, Location(step.location.path, line), f"bash -n: {result['message']}")]


# -- kubectl -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Located:
    invocation: Invocation
    location: Location


def invocations(step: Step) -> list[Located]:
    """Every kubectl invocation of a command step, with the file line it starts on."""
    found = []
    lines = step.command_lines or (step.location.line + 1,) * len(step.commands)
    for command, line in zip(step.commands, lines, strict=True):
        for inv in kubectl_invocations(command):
            found.append(Located(inv, Location(step.location.path, line + inv.line_offset)))
    return found


class KubectlCheck(Check):
    """Each kubectl invocation is valid for the pinned kubectl (it parses its flags and arguments)."""

    def applies(self, step: Step) -> bool:
        return step.kind in COMMAND_KINDS

    def jobs(self, step: Step, page: Page, ctx: StaticContext) -> list[Job]:
        checker = ctx.checker
        if checker is None:
            return []
        return [checker.job(located.invocation.args, ctx.home) for located in invocations(step)
                if not refused_args(located.invocation.args)]

    def findings(self, step: Step, page: Page, ctx: StaticContext) -> list[Finding]:
        checker = ctx.checker
        findings = []
        for located in invocations(step):
            shown = shlex.join(("kubectl", *located.invocation.args))
            refused = refused_args(located.invocation.args)
            if refused:
                findings.append(Finding("kubectl", False, located.location, f"refused in a page: {refused} (`{shown}`)"))
                continue
            if checker is None:
                findings.append(Finding("kubectl", True, located.location, f"not checked (no kubectl found): {shown}"))
                continue
            result = ctx.result(checker.job(located.invocation.args, ctx.home))
            if result["ok"]:
                findings.append(Finding("kubectl", True, located.location, f"kubectl {checker.version} accepts `{shown}`"))
            else:
                message = f"kubectl {checker.version} rejects `{shown}`: {result['message']}"
                findings.append(Finding("kubectl", False, located.location, message))
        return findings


# -- kubectl patch -------------------------------------------------------------------------------
@dataclass(frozen=True)
class PatchCall:
    target: tuple[str, str] | None  # (kind, name) when given as arguments
    payload: str | None
    patch_type: str
    other: tuple[str, ...]  # the arguments that are neither the target nor the patch


def parse_patch(args: tuple[str, ...]) -> PatchCall:
    """Pick the target, the payload and the patch type out of `kubectl patch …` arguments."""
    rest = list(args[1:])
    payload, patch_type, positional, other = None, "strategic", [], []
    i = 0
    while i < len(rest):
        arg = rest[i]
        name, eq, value = arg.partition("=")
        takes_value = name in PATCH_VALUE_FLAGS
        if takes_value and not eq and i + 1 < len(rest):
            value = rest[i + 1]
            i += 1
        if name in ("-p", "--patch"):
            payload = value
        elif name == "--type":
            patch_type = value
        elif arg.startswith("-"):
            other.append(arg if eq or not takes_value else f"{name}={value}")
        else:
            positional.append(arg)
        i += 1
    target = None
    if len(positional) == 1 and "/" in positional[0]:
        kind, _, name = positional[0].partition("/")
        target = (kind, name)
    elif len(positional) >= 2:
        target = (positional[0], positional[1])
    return PatchCall(target, payload, patch_type, tuple(other))


def payload_problem(payload: str, patch_type: str) -> str | None:
    """Why a patch payload is malformed, or None."""
    if patch_type not in PATCH_TYPES:
        return f"--type={patch_type} is not one of {', '.join(sorted(PATCH_TYPES))}"
    try:
        data = json.loads(payload)
    except ValueError as error:
        return f"patch is not valid JSON: {error}"
    if patch_type == "json":
        if not isinstance(data, list):
            return "a JSON patch (--type=json) must be a list of operations"
        for index, op in enumerate(data):
            if not isinstance(op, dict) or op.get("op") not in JSON_PATCH_OPS:
                return f"operation {index} has no valid \"op\" ({', '.join(sorted(JSON_PATCH_OPS))})"
            if not isinstance(op.get("path"), str) or not op["path"].startswith("/"):
                return f"operation {index} needs a \"path\" that starts with /"
            if op["op"] in ("add", "replace", "test") and "value" not in op:
                return f"operation {index} ({op['op']}) needs a \"value\""
            if op["op"] in ("move", "copy") and "from" not in op:
                return f"operation {index} ({op['op']}) needs a \"from\""
    elif not isinstance(data, dict):
        return f"a {patch_type} patch must be a JSON object"
    return None


#: (kind, name) → (document text, file) for every document a page's manifests define.
ManifestIndex = dict[tuple[str, str], tuple[str, Path]]


def manifest_index(page: Page) -> ManifestIndex:
    """(kind, name) → (document text, file) for every document the page's manifests define."""
    index: ManifestIndex = {}
    for step in page.steps:
        if step.kind is not StepKind.MANIFEST:
            continue
        sources = [(p.read_text(encoding="utf-8"), p) for p in step.includes if p.is_file()]
        for text, path in sources:
            try:
                docs = [d for d, _ in documents(text)]
            except yaml.YAMLError:
                continue
            for doc in docs:
                if isinstance(doc, dict) and doc.get("kind") and (doc.get("metadata") or {}).get("name"):
                    index[(str(doc["kind"]).lower(), str(doc["metadata"]["name"]))] = (
                        yaml.safe_dump(doc, sort_keys=False),
                        path,
                    )
    return index


def _local_patch_key(version: str, doc: str, call: PatchCall) -> str:
    digest = hashlib.sha256(doc.encode()).hexdigest()[:16]
    return f"patch-local\0{version}\0{digest}\0{call.patch_type}\0{call.payload}"


def _run_local_patch(kubectl: str, doc: str, call: PatchCall, confined: Confined) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="verify-patch-") as tmp:
        (Path(tmp) / "target.yaml").write_text(doc, encoding="utf-8")
        inside = confined.paths(Path(tmp))
        args = ("patch", "--local", "-f", str(inside / "target.yaml"), "--type", call.patch_type, "-p", call.payload or "",
                "-o", "yaml")
        done = confined.run([kubectl, *args], Path(tmp), {"HOME": str(inside), "KUBECONFIG": str(inside / "none"),
                                                          "LANG": "C"}, 30)
    if done.returncode != 0:
        first = next((line for line in done.stderr.splitlines() if line.strip()), "kubectl patch --local failed")
        return {"ok": False, "message": first.strip()}
    try:
        patched = yaml.safe_load(done.stdout)
    except yaml.YAMLError as error:
        return {"ok": False, "message": f"kubectl printed unreadable YAML: {error}"}
    errors = _schema_errors(patched) if isinstance(patched, dict) else []
    if errors:
        return {"ok": False, "message": f"the patched object is not valid for Kubernetes {SCHEMA_VERSION}: {errors[0].message}"}
    return {"ok": True, "message": "applies cleanly with kubectl patch --local and the result validates"}


def _local_job(inv: Invocation, index: ManifestIndex) -> tuple[str, PatchCall] | None:
    if not inv.args or inv.args[0] != "patch":
        return None
    call = parse_patch(inv.args)
    if call.payload is None or call.target is None or payload_problem(call.payload, call.patch_type):
        return None
    kind = resolve_kind(call.target[0])
    entry = index.get((kind, call.target[1])) if kind else None
    return (entry[0], call) if entry else None


def patch_job(checker: KubectlChecker, doc: str, call: PatchCall) -> Job:
    """`kubectl patch --local` of `doc`, keyed by kubectl version, document and patch."""
    run = functools.partial(_run_local_patch, checker.kubectl, doc, call, checker.confined)
    return (_local_patch_key(checker.version, doc, call), checker.counted(run))


class PatchCheck(Check):
    """`kubectl patch` payloads are valid, and apply cleanly to the manifest the page ships."""

    def applies(self, step: Step) -> bool:
        return step.kind in COMMAND_KINDS

    def jobs(self, step: Step, page: Page, ctx: StaticContext) -> list[Job]:
        if ctx.checker is None:
            return []
        local = (_local_job(located.invocation, ctx.index(page)) for located in invocations(step))
        return [patch_job(ctx.checker, *job) for job in local if job is not None]

    def findings(self, step: Step, page: Page, ctx: StaticContext) -> list[Finding]:
        findings = []
        for located in invocations(step):
            inv = located.invocation
            if not inv.args or inv.args[0] != "patch":
                continue
            call = parse_patch(inv.args)
            if call.payload is None:
                continue  # --patch-file or a missing -p: kubectl's own check reports the latter
            findings.append(self._finding(call, _local_job(inv, ctx.index(page)), located.location, ctx))
        return findings

    @staticmethod
    def _finding(call: PatchCall, job: tuple[str, PatchCall] | None, location: Location, ctx: StaticContext) -> Finding:
        problem = payload_problem(call.payload or "", call.patch_type)
        if problem:
            return Finding("patch", False, location, problem)
        if job is None or ctx.checker is None:
            what = "no manifest on this page defines the target" if ctx.checker else "no kubectl found"
            return Finding("patch", True, location, f"payload is valid {call.patch_type} patch JSON ({what})")
        result = ctx.result(patch_job(ctx.checker, *job))
        kind, name = call.target or ("?", "?")
        return Finding("patch", bool(result["ok"]), location, f"patch of {kind}/{name}: {result['message']}")


class PromptCheck(Check):
    """A command written with a shell prompt (`$ kubectl …`) cannot be copied and run."""

    def applies(self, step: Step) -> bool:
        return step.kind in COMMAND_KINDS

    def findings(self, step: Step, page: Page, ctx: StaticContext) -> list[Finding]:
        message = "command starts with a prompt; write the bare command"
        lines = step.command_lines or (step.location.line + 1,) * len(step.commands)
        return [Finding("bash", False, Location(step.location.path, line), message)
                for command, line in zip(step.commands, lines, strict=True) if re.match(r"^\s*[$%#>]\s", command)]


__all__ = [
    "BashCheck",
    "KubectlCheck",
    "PatchCheck",
    "PromptCheck",
    "command_steps",
    "invocations",
    "manifest_index",
    "parse_patch",
    "payload_problem",
]
