"""Every diagram of every page has a pre-rendered SVG made from its current source."""

from __future__ import annotations

import pytest

from site_tools.diagrams import all_diagrams, freshness_problems
from site_tools.node import locked_mermaid_version

#: Builds sites (or reads the shared node_modules): one worker runs all of these, one after another.
pytestmark = pytest.mark.xdist_group("site")


def test_every_mermaid_diagram_has_a_fresh_prerendered_svg() -> None:
    """Made from the page's current source, by the mermaid the site serves (package-lock.json)."""
    diagrams = all_diagrams()
    problems = freshness_problems(diagrams, mermaid_version=locked_mermaid_version())
    assert not problems, "\n".join(problems)
