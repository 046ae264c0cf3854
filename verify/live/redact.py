"""Secrets never appear in a report, a log or the console.

A page marks the blocks that hold secret values with ``<!-- verify: secret -->`` (the Elastic
passwords and cloud IDs a reader writes into files). Each value in such a block, every value a
maintainer supplies for it at run time (`--secret-env`, `--pass-env`), the credentials of the
page's private kubeconfig, and — a second line of defence behind the minimal environment and the
sandbox — every value of the verifier's own environment (`host_values`) is replaced by ``***``
wherever it shows up.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping

from verify.model import Page, StepKind

MASK = "***"
MIN_LENGTH = 4  # shorter values would mask ordinary words
#: Host values are masked from this length on: tokens and keys are longer, `true`, `1`, `C` are not.
HOST_MIN_LENGTH = 8
#: Host variables that hold the shape of the machine, not secrets; masking them would garble paths.
NOT_SECRET = frozenset({"PWD", "OLDPWD", "HOME", "PATH", "SHELL", "TERM", "LANG", "LANGUAGE", "TZ", "USER", "LOGNAME",
                        "SHLVL", "_", "COLUMNS", "LINES", "TMPDIR", "HOSTTYPE", "OSTYPE", "MACHTYPE", "COLORTERM",
                        "EDITOR", "VISUAL", "PAGER", "MAIL", "LS_COLORS"})
#: Fields of a kubeconfig that carry credentials.
KUBECONFIG_SECRETS = ("token", "client-key-data", "client-certificate-data", "password", "certificate-authority-data")


def host_values(environ: Mapping[str, str] | None = None) -> list[str]:
    """Every value of the verifier's environment that could be a secret (each line of a multi-line one too)."""
    environ = os.environ if environ is None else environ
    values = []
    for name, value in environ.items():
        if name in NOT_SECRET or name.startswith("LC_"):
            continue
        for part in (value, *value.splitlines()):
            candidate = part.strip()
            if len(candidate) >= HOST_MIN_LENGTH:
                values.append(candidate)
    return values


def secret_values(text: str) -> list[str]:
    """The values in a secret block: the right-hand side of `KEY=value` / `key: value`, else the line."""
    values = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = re.match(r"^[A-Za-z_][A-Za-z0-9_.-]*\s*[=:]\s*(.+)$", line)
        value = match.group(1) if match else line
        value = value.strip().strip("'\"")
        if len(value) >= MIN_LENGTH:
            values.append(value)
    return values


class Redactor:
    def __init__(self, values: Iterable[str] = ()) -> None:
        self._values: set[str] = set()
        self.add(values)

    def add(self, values: Iterable[str]) -> None:
        for raw in values:
            value = raw.strip()
            if len(value) >= MIN_LENGTH:
                self._values.add(value)

    @classmethod
    def for_page(cls, page: Page, environ: Mapping[str, str] | None = None) -> Redactor:
        """The page's secret blocks and every value of the host environment (`environ`, default: ours)."""
        redactor = cls(host_values(environ))
        for step in page.steps:
            if step.directive.secret and step.kind in (StepKind.FILE_CONTENT, StepKind.CODE, StepKind.EXCERPT):
                redactor.add(secret_values(step.text))
            if step.output is not None and (step.output.directive.secret or step.directive.secret):
                redactor.add(secret_values(step.output.text))
        return redactor

    @property
    def values(self) -> frozenset[str]:
        """Every value this redactor masks."""
        return frozenset(self._values)

    def __call__(self, text: str | None) -> str:
        if not text:
            return text or ""
        for value in sorted(self._values, key=len, reverse=True):
            text = text.replace(value, MASK)
        return text
