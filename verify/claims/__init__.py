"""Claims: what a page's prose says the cluster does, checked from structured cluster data.

A page backs a sentence with a comment right after it::

    `web-0` Podが…Readyの状態になるまでは、`web-1` Podが起動していないことに注目してください。

    <!-- verify: claim=ordered-creation pods=web-0,web-1 -->

The live tier records every event of the page's namespace from a watch opened before the first
step (`recorder.Recorder`); at the claim, it waits, on that watch, until the events the checker
needs have arrived, then checks them (`checks.CHECKERS`). The window a claim looks at begins when
the page's first-terminal watch (`<!-- verify: terminal=watch -->`) last started: the reader's
watch, opened before the action. A failed claim reports the sentence, the expected order and the
observed events.
"""

from __future__ import annotations

import re
import shlex
from typing import Any

from verify.claims.checks import CHECKERS, Checker, Observation
from verify.claims.evidence import Event, Evidence
from verify.model import Claim, Page, StepKind

__all__ = [
    "CHECKERS", "Checker", "ClaimError", "Event", "Evidence", "Observation", "is_claim", "manifests", "page_problems",
    "parse_claim",
]

_CLAIM_WORD = re.compile(r"(?:^|\s)claim=")
_VALUE = re.compile(r"^[A-Za-z0-9_.:/@=,+-]+$")


class ClaimError(ValueError):
    """A claim comment that names no known checker or gives it the wrong arguments."""


def is_claim(arguments: str) -> bool:
    """Whether the options of a `<!-- verify: … -->` comment make it a claim."""
    return bool(_CLAIM_WORD.search(arguments))


def parse_claim(arguments: str, sentence: str = "") -> Claim:
    """`claim=NAME key=value …` → a `Claim`; raises `ClaimError` naming what is wrong."""
    try:
        words = shlex.split(arguments)
    except ValueError as error:
        raise ClaimError(f"cannot split claim options {arguments!r}: {error}") from None
    values: dict[str, str] = {}
    for word in words:
        key, has_value, value = word.partition("=")
        if not has_value or not value:
            raise ClaimError(f"claim option {word!r} needs a value ({key}=…)")
        if key in values:
            raise ClaimError(f"claim option {key!r} given twice")
        values[key] = value
    name = values.pop("claim")
    checker = CHECKERS.get(name)
    if checker is None:
        raise ClaimError(f"unknown claim {name!r} (claims: {', '.join(sorted(CHECKERS))})")
    timeout = None
    if "timeout" in values:
        try:
            timeout = float(values.pop("timeout"))
        except ValueError:
            raise ClaimError("timeout=… is not a number of seconds") from None
        if timeout <= 0:
            raise ClaimError("timeout=… must be positive")
    allowed = {*checker.required, *checker.optional}
    unknown = sorted(set(values) - allowed)
    if unknown:
        raise ClaimError(f"claim={name} takes {', '.join(_signature(checker))}, not {', '.join(unknown)}")
    missing = [key for key in checker.required if key not in values]
    if missing:
        raise ClaimError(f"claim={name} needs {', '.join(f'{k}=…' for k in missing)}")
    bad = [f"{k}={v}" for k, v in values.items() if not _VALUE.match(v)]
    if bad:
        raise ClaimError(f"claim={name}: {', '.join(bad)} is not a plain value (names, comma-separated lists, an image)")
    ordered = tuple((k, values[k]) for k in (*checker.required, *checker.optional) if k in values)
    return Claim(name, ordered, sentence, timeout)


def page_problems(claim: Claim, page: Page) -> list[str]:
    """What is wrong with a claim given the page around it (a `file=` the page does not ship)."""
    problems = []
    title = claim.argument("file")
    if title is not None and title not in manifests(page):
        problems.append(f"claim={claim.name}: the page has no manifest titled {title!r}")
    return problems


def manifests(page: Page) -> dict[str, Any]:
    """The page's complete manifests by title (`web.yaml`), parsed (the first document of each)."""
    import yaml

    found: dict[str, Any] = {}
    for step in page.steps:
        if step.kind is StepKind.MANIFEST and step.title:
            try:
                found[step.title.strip()] = next(iter(yaml.safe_load_all(step.text)), None)
            except yaml.YAMLError:
                found[step.title.strip()] = None
    return found


def _signature(checker: Checker) -> list[str]:
    return [f"{k}=…" for k in checker.required] + [f"[{k}=…]" for k in checker.optional] + ["[timeout=…]"]
