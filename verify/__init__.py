"""Verify the tutorial pages: a static tier (no cluster) and a live tier (against a cluster).

`load_page` turns a page into the typed model of `verify.model`, which both tiers share. The names
below are loaded when first used, so that importing a light part of the verifier (the records the
site reads, `verify.records`) does not load the page parser.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from verify.model import Directive, FrontMatter, Location, Output, Page, PageError, Problem, Step, StepKind
    from verify.parsers import load_page, read_page

_WHERE = {name: "verify.model" for name in ("Directive", "FrontMatter", "Location", "Output", "Page", "PageError",
                                            "Problem", "Step", "StepKind")}
_WHERE.update(load_page="verify.parsers", read_page="verify.parsers")

__all__ = ["Directive", "FrontMatter", "Location", "Output", "Page", "PageError", "Problem", "Step", "StepKind",
           "load_page", "read_page"]


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(importlib.import_module(_WHERE[name]), name)
    raise AttributeError(f"module 'verify' has no attribute {name!r}")
