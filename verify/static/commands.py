"""Static check 3: commands are valid shell (`bash -n`) and valid for the pinned kubectl, and
`kubectl patch` payloads are valid and apply cleanly to the manifest the page ships."""

from __future__ import annotations

import functools
import hashlib
import json
import re
import shlex
import subprocess
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from verify.model import Location, Page, Step, StepKind
from verify.resources import resolve_kind
from verify.results import Finding
from verify.static.cache import JsonCache
from verify.static.extract import Invocation, kubectl_invocations, substitute_placeholders
from verify.static.kubectl import Job, KubectlChecker
from verify.static.manifests import SCHEMA_VERSION, _schema_errors, documents

BASH_LINE = re.compile(r"line (\d+): (.*)")
JSON_PATCH_OPS = {"add", "remove", "replace", "move", "copy", "test"}
PATCH_TYPES = {"strategic", "merge", "json"}


def command_steps(page: Page) -> Iterable[Step]:
    return (s for s in page.steps if s.kind in (StepKind.COMMAND, StepKind.HIDDEN_COMMAND))


# -- bash -n -------------------------------------------------------------------------------------
def _bash_key(text: str) -> str:
    return "bash-n\0" + text


def _run_bash_n(text: str) -> dict[str, Any]:
    done = subprocess.run(
        ["bash", "-n"], input=text, capture_output=True, text=True, timeout=30, env={"LANG": "C", "PATH": "/usr/bin:/bin"}
    )
    if done.returncode == 0:
        return {"ok": True, "line": 0, "message": "bash -n accepts it"}
    first = next((l for l in done.stderr.splitlines() if l.strip()), "syntax error")
    m = BASH_LINE.search(first)
    return {"ok": False, "line": int(m.group(1)) if m else 1, "message": (m.group(2) if m else first).strip()}


def bash_source(step: Step) -> str:
    """The step's commands as bash sees them, placeholders made words (one line per block line)."""
    return substitute_placeholders(step.text) + "\n"


def pending_bash(steps: Iterable[Step], cache: JsonCache) -> list[Job]:
    """A `bash -n` job per distinct block text not yet in the cache."""
    todo = sorted({bash_source(s) for s in steps if cache.get(_bash_key(bash_source(s))) is None})
    return [(_bash_key(text), functools.partial(_run_bash_n, text)) for text in todo]


def check_bash(step: Step, cache: JsonCache) -> Finding:
    text = bash_source(step)
    result = cache.get(_bash_key(text))
    if result is None:
        result = _run_bash_n(text)
        cache.put(_bash_key(text), result)
    if result["ok"]:
        return Finding("bash", True, step.location, result["message"])
    line = step.location.line + result["line"]  # block line N is file line fence + N
    return Finding("bash", False, Location(step.location.path, line), f"bash -n: {result['message']}")


# -- kubectl -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Located:
    invocation: Invocation
    location: Location


def invocations(step: Step) -> list[Located]:
    """Every kubectl invocation of a command step, with the file line it starts on."""
    found = []
    lines = step.command_lines or (step.location.line + 1,) * len(step.commands)
    for command, line in zip(step.commands, lines):
        for inv in kubectl_invocations(command):
            found.append(Located(inv, Location(step.location.path, line + inv.line_offset)))
    return found


def check_kubectl(step: Step, checker: KubectlChecker | None) -> list[Finding]:
    findings = []
    for located in invocations(step):
        shown = shlex.join(("kubectl", *located.invocation.args))
        if checker is None:
            findings.append(Finding("kubectl", True, located.location, f"not checked (no kubectl found): {shown}"))
            continue
        verdict = checker.check(located.invocation.args)
        if verdict.ok:
            findings.append(Finding("kubectl", True, located.location, f"kubectl {checker.version} accepts `{shown}`"))
        else:
            findings.append(
                Finding("kubectl", False, located.location, f"kubectl {checker.version} rejects `{shown}`: {verdict.message}")
            )
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
        takes_value = name in ("-p", "--patch", "--type", "-n", "--namespace", "-f", "--filename", "--patch-file", "-o", "--output")
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


def _run_local_patch(kubectl: str, doc: str, call: PatchCall) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="verify-patch-") as tmp:
        target = Path(tmp) / "target.yaml"
        target.write_text(doc, encoding="utf-8")
        args = ("patch", "--local", "-f", str(target), "--type", call.patch_type, "-p", call.payload or "", "-o", "yaml")
        done = subprocess.run(
            [kubectl, *args],
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            timeout=30,
            env={"PATH": "/usr/bin:/bin", "HOME": tmp, "KUBECONFIG": str(Path(tmp) / "none"), "LANG": "C"},
        )
    if done.returncode != 0:
        first = next((l for l in done.stderr.splitlines() if l.strip()), "kubectl patch --local failed")
        return {"ok": False, "message": first.strip()}
    try:
        patched = yaml.safe_load(done.stdout)
    except yaml.YAMLError as error:
        return {"ok": False, "message": f"kubectl printed unreadable YAML: {error}"}
    errors = _schema_errors(patched) if isinstance(patched, dict) else []
    if errors:
        return {"ok": False, "message": f"the patched object is not valid for Kubernetes {SCHEMA_VERSION}: {errors[0].message}"}
    return {"ok": True, "message": "applies cleanly with kubectl patch --local and the result validates"}


def patch_jobs(pages: Iterable[Page], index_of: Callable[[Page], ManifestIndex] = manifest_index) -> list[tuple[str, PatchCall]]:
    """Every (target document, patch) pair that can be applied locally, across pages."""
    jobs = []
    for page in pages:
        index = index_of(page)
        for step in command_steps(page):
            for located in invocations(step):
                job = _local_job(located.invocation, index)
                if job is not None:
                    jobs.append(job)
    return jobs


def _local_job(inv: Invocation, index: ManifestIndex) -> tuple[str, PatchCall] | None:
    if not inv.args or inv.args[0] != "patch":
        return None
    call = parse_patch(inv.args)
    if call.payload is None or call.target is None or payload_problem(call.payload, call.patch_type):
        return None
    kind = resolve_kind(call.target[0])
    entry = index.get((kind, call.target[1])) if kind else None
    return (entry[0], call) if entry else None


def pending_patches(jobs: list[tuple[str, PatchCall]], checker: KubectlChecker) -> list[Job]:
    """A `kubectl patch --local` job per (document, patch) not yet in the cache."""
    todo: dict[str, Job] = {}
    for doc, call in jobs:
        key = _local_patch_key(checker.version, doc, call)
        if checker.cache.get(key) is None and key not in todo:
            todo[key] = (key, functools.partial(_run_local_patch, checker.kubectl, doc, call))
    checker.runs += len(todo)
    return list(todo.values())


def check_patches(step: Step, checker: KubectlChecker | None, index: ManifestIndex) -> list[Finding]:
    """Patch payloads of one step; `index` is `manifest_index` of the step's page."""
    findings = []
    for located in invocations(step):
        inv = located.invocation
        if not inv.args or inv.args[0] != "patch":
            continue
        call = parse_patch(inv.args)
        if call.payload is None:
            continue  # --patch-file or a missing -p: kubectl's own check reports the latter
        problem = payload_problem(call.payload, call.patch_type)
        if problem:
            findings.append(Finding("patch", False, located.location, problem))
            continue
        job = _local_job(inv, index)
        if job is None or checker is None:
            what = "no manifest on this page defines the target" if checker else "no kubectl found"
            findings.append(Finding("patch", True, located.location, f"payload is valid {call.patch_type} patch JSON ({what})"))
            continue
        key = _local_patch_key(checker.version, *job)
        result = checker.cache.get(key)
        if result is None:
            result = _run_local_patch(checker.kubectl, *job)
            checker.cache.put(key, result)
        kind, name = call.target or ("?", "?")
        message = f"patch of {kind}/{name}: {result['message']}"
        findings.append(Finding("patch", bool(result["ok"]), located.location, message))
    return findings


def prompt_findings(step: Step) -> list[Finding]:
    """A command written with a shell prompt (`$ kubectl …`) cannot be copied and run."""
    findings = []
    for command, line in zip(step.commands, step.command_lines or ()):
        if re.match(r"^\s*[$%#>]\s", command):
            findings.append(Finding("bash", False, Location(step.location.path, line), "command starts with a prompt; write the bare command"))
    return findings


__all__ = [
    "check_bash",
    "check_kubectl",
    "check_patches",
    "command_steps",
    "invocations",
    "patch_jobs",
    "pending_bash",
    "pending_patches",
    "prompt_findings",
]
