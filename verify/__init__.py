"""Verify the tutorial pages: a static tier (no cluster) and a live tier (against a cluster).

`load_page` turns a page into the typed model of `verify.model`, which both tiers share.
"""

from verify.model import (
    Directive,
    FrontMatter,
    Location,
    Output,
    Page,
    PageError,
    Problem,
    Step,
    StepKind,
)
from verify.parsers import load_page, read_page

__all__ = [
    "Directive",
    "FrontMatter",
    "Location",
    "Output",
    "Page",
    "PageError",
    "Problem",
    "Step",
    "StepKind",
    "load_page",
    "read_page",
]
