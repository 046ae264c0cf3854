"""Secrets typed into a page never appear in a report, a log or the console.

A page marks the blocks that hold secret values with ``<!-- verify: secret -->`` (the Elastic
passwords and cloud IDs a reader writes into files). Each value in such a block, and every value a
maintainer supplies for it at run time, is replaced by ``***`` wherever it shows up.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from verify.model import Page, StepKind

MASK = "***"
MIN_LENGTH = 4  # shorter values would mask ordinary words


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
        for value in values:
            value = value.strip()
            if len(value) >= MIN_LENGTH:
                self._values.add(value)

    @classmethod
    def for_page(cls, page: Page) -> Redactor:
        redactor = cls()
        for step in page.steps:
            if step.directive.secret and step.kind in (StepKind.FILE_CONTENT, StepKind.CODE, StepKind.EXCERPT):
                redactor.add(secret_values(step.text))
            if step.output is not None and (step.output.directive.secret or step.directive.secret):
                redactor.add(secret_values(step.output.text))
        return redactor

    def __call__(self, text: str | None) -> str:
        if not text:
            return text or ""
        for value in sorted(self._values, key=len, reverse=True):
            text = text.replace(value, MASK)
        return text
