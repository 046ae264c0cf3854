"""Manifests validate against the Kubernetes 1.37 schemas (strict), excerpts
parse as YAML, and complete manifests are included from `manifests/`, never pasted."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from verify.model import Location, Page, Step, StepKind
from verify.results import Finding
from verify.static.cache import JsonCache
from verify.static.checks import Check

if TYPE_CHECKING:
    from verify.static import StaticContext

SCHEMA_VERSION = "1.37.0"
#: libyaml's loader when PyYAML has it (much faster), else the pure-Python one; same results.
Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
UNEXPECTED = re.compile(r"\('(?P<key>[^']+)' (?:was|were) unexpected\)|'(?P<key2>[^']+)' was unexpected")


def _yaml_error(error: yaml.YAMLError) -> tuple[int, str]:
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    line = mark.line if mark is not None else 0
    problem = getattr(error, "problem", None) or str(error).splitlines()[0]
    context = getattr(error, "context", None)
    return line, f"invalid YAML: {problem}" + (f" ({context})" if context else "")


def documents(text: str) -> Iterator[tuple[Any, yaml.Node | None]]:
    """Each YAML document with its node tree (for line numbers). Raises yaml.YAMLError."""
    loader = Loader(text)
    try:
        nodes = []
        while loader.check_node():
            nodes.append(loader.get_node())
    finally:
        loader.dispose()
    for node in nodes:
        constructor = Loader("")
        try:
            yield constructor.construct_document(node), node
        finally:
            constructor.dispose()


def _line_of_path(node: yaml.Node | None, path: list[Any], unexpected: str | None) -> int:
    """0-based line of the node at `path` (or of the unexpected key under it)."""
    if node is None:
        return 0
    current = node
    line = current.start_mark.line
    for element in path:
        if isinstance(current, yaml.MappingNode):
            for key, value in current.value:
                if key.value == element:
                    line = key.start_mark.line
                    current = value
                    break
            else:
                return line
        elif isinstance(current, yaml.SequenceNode) and isinstance(element, int) and element < len(current.value):
            current = current.value[element]
            line = current.start_mark.line
        else:
            return line
    if unexpected and isinstance(current, yaml.MappingNode):
        for key, _ in current.value:
            if key.value == unexpected:
                return key.start_mark.line
    return line


def validate_text(text: str, path: Path, first_line: int) -> list[Finding]:
    """Validate every document of `text`; `first_line` is the file line of the text's first line."""
    findings: list[Finding] = []
    try:
        docs = list(documents(text))
    except yaml.YAMLError as error:
        line, message = _yaml_error(error)
        return [Finding("yaml", False, Location(path, first_line + line), message)]
    for data, node in docs:
        if data is None:
            continue
        start = first_line + (node.start_mark.line if node is not None else 0)
        if not isinstance(data, dict):
            findings.append(Finding("manifest", False, Location(path, start), "a manifest document must be a mapping"))
            continue
        missing = [k for k in ("apiVersion", "kind") if not data.get(k)]
        if missing:
            findings.append(Finding("manifest", False, Location(path, start), f"document has no {' or '.join(missing)}"))
            continue
        label = f"{data['kind']} {((data.get('metadata') or {}).get('name')) or '(unnamed)'}"
        for schema_error in _schema_errors(data):
            where = Location(path, first_line + schema_error.line(node))
            findings.append(Finding("manifest", False, where, f"{label}: {schema_error.message}"))
        if not any(f.location.line >= start and not f.ok for f in findings):
            message = f"{label} is valid for Kubernetes {SCHEMA_VERSION} (strict)"
            findings.append(Finding("manifest", True, Location(path, start), message))
    return findings


@dataclass(frozen=True)
class SchemaError:
    """Where (a path into the document, maybe an unexpected key under it) and what."""

    path: tuple[Any, ...]
    unexpected: str | None
    message: str

    def line(self, node: yaml.Node | None) -> int:
        return _line_of_path(node, list(self.path), self.unexpected)


def _schema_errors(data: dict[str, Any]) -> list[SchemaError]:
    """The first schema error of one document against the strict Kubernetes schemas, if any."""
    import kubernetes_validate  # slow to import and to load schemas: only when something changed

    try:
        kubernetes_validate.validate(data, SCHEMA_VERSION, strict=True)
    except kubernetes_validate.SchemaNotFoundError:
        return [SchemaError((), None, f"no Kubernetes {SCHEMA_VERSION} schema for {data['apiVersion']} {data['kind']}")]
    except kubernetes_validate.ValidationError as error:
        path = tuple(error.path)
        message = error.message.splitlines()[0]
        m = UNEXPECTED.search(message)
        unexpected = (m.group("key") or m.group("key2")) if m else None
        where = ".".join(str(p) for p in path) or "(top level)"
        described = f"unknown field {unexpected!r} in {where}" if unexpected else f"{where}: {message}"
        return [SchemaError(path, unexpected, described)]
    return []


#: Bump when validation messages or rules change, so cached results from older rules are dropped.
CACHE_FORMAT = 1


def validate_file(path: Path, cache: JsonCache | None = None) -> list[Finding]:
    """All documents of a manifest file; results are cached by content (and schema version)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        return [Finding("manifest", False, Location(path, 1), f"cannot read manifest: {error}")]
    key = f"manifest\0{CACHE_FORMAT}\0{SCHEMA_VERSION}\0{hashlib.sha256(text.encode()).hexdigest()}"
    cached = cache.get(key) if cache is not None else None
    if isinstance(cached, list):
        return [Finding(c["check"], c["ok"], Location(path, c["line"]), c["message"]) for c in cached]
    findings = validate_text(text, path, 1)
    if cache is not None:
        cache.put(key, [{"check": f.check, "ok": f.ok, "line": f.location.line, "message": f.message} for f in findings])
    return findings


def check_yaml_step(step: Step, cache: JsonCache | None = None) -> list[Finding]:
    """Manifests: included and valid; excerpts: YAML; anything else in a ```yaml block: an error."""
    if step.kind is StepKind.EXCERPT:
        try:
            list(documents(step.text))
        except yaml.YAMLError as error:
            line, message = _yaml_error(error)
            return [Finding("yaml", False, Location(step.location.path, step.location.line + 1 + line), message)]
        return [Finding("yaml", True, step.location, "excerpt parses as YAML")]
    if step.kind is not StepKind.MANIFEST:
        return []
    if step.includes:
        findings = []
        for included in step.includes:
            findings.extend(validate_file(included, cache))
        return findings
    if "8<" in step.raw:
        return []  # an include that does not resolve is reported by the parser
    if _looks_complete(step.text):
        message = "a complete manifest is pasted into the page: put it under manifests/ and include it with --8<--"
        pasted = validate_text(step.text, step.location.path, step.location.line + 1)
        return [Finding("include", False, step.location, message), *pasted]
    message = "```yaml block is neither an included manifest nor marked <!-- verify: excerpt -->"
    return [Finding("include", False, step.location, message)]


class YamlCheck(Check):
    """A ```yaml block: an included, valid manifest, or an excerpt that parses as YAML."""

    def applies(self, step: Step) -> bool:
        return step.kind in (StepKind.MANIFEST, StepKind.EXCERPT)

    def findings(self, step: Step, page: Page, ctx: StaticContext) -> list[Finding]:
        return check_yaml_step(step, ctx.cache)


def _looks_complete(text: str) -> bool:
    try:
        docs = [d for d, _ in documents(text)]
    except yaml.YAMLError:
        return bool(re.search(r"^apiVersion:", text, re.MULTILINE) and re.search(r"^kind:", text, re.MULTILINE))
    return any(isinstance(d, dict) and d.get("apiVersion") and d.get("kind") for d in docs)


def manifest_files(root: Path) -> list[Path]:
    """Every manifest file the repository ships."""
    base = root / "manifests"
    return sorted([*base.rglob("*.yaml"), *base.rglob("*.yml")]) if base.is_dir() else []
