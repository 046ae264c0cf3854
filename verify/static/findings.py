"""What a static check says about one place in a page or a manifest."""

from __future__ import annotations

from dataclasses import dataclass

from verify.model import Location

#: The classes of check, as they appear in messages and in the report.
CHECKS = (
    "front-matter",  # page metadata
    "fence",  # unclosed fences, missing info strings
    "directive",  # unknown directive, option or match mode; misplaced directive
    "output",  # an output block without a command before it
    "include",  # includes that do not resolve; pasted manifests
    "manifest",  # schema validation (strict, Kubernetes 1.37)
    "yaml",  # YAML syntax
    "bash",  # `bash -n`
    "kubectl",  # kubectl accepts the command line
    "patch",  # `kubectl patch` payloads
    "output-header",  # `kubectl get` table headers
    "output-message",  # `<kind>.<group>/<name> <verb>` and delete messages
    "program",  # a program outside the reviewed list, without allow=… on its step
    "safety",  # piping into a shell, running fetched text, writing outside the working directory
    "internal",  # the verifier itself failed on a page (a bug to report, never a pass)
)


@dataclass(frozen=True)
class Finding:
    """One check's verdict at one place."""

    check: str
    ok: bool
    location: Location
    message: str

    def __str__(self) -> str:
        return f"{self.location}: [{self.check}] {self.message}"
