"""What the page parser yields: a page's blocks, each with its step and its problems."""

from __future__ import annotations

from dataclasses import dataclass, field

from verify.model import Location, Page, Problem, Step


@dataclass(frozen=True)
class Block:
    """What one Sybil region of a page stands for."""

    location: Location
    role: str  # "step" (a step's own block), "output" (a command's output block) or "comment"
    step: Step | None = None
    problems: tuple[Problem, ...] = ()


@dataclass
class ParsedPage:
    """A page, the problems found while parsing it, and its blocks in order."""

    page: Page
    problems: list[Problem]
    blocks: list[tuple[int, int, Block]] = field(default_factory=list)
