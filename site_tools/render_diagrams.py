"""Pre-render the pages' mermaid diagrams to SVG with Debian Chromium and the site's mermaid.

Uses the same ``mermaid.min.js`` (node_modules) and the same configuration
(``docs/overrides/assets/javascripts/diagrams.js``) as the live site, so the
image a reader without JavaScript sees matches the live one.

Command line: ``python -m site_tools.render_diagrams render [--force]`` renders every diagram
without a fresh SVG and prunes unused ones; ``… check`` only reports (exit 1 on any problem).
"""

from __future__ import annotations

import argparse
import math
import re
import shutil
import subprocess
import sys
from pathlib import Path

from site_tools.browser import launch
from site_tools.diagrams import (
    DIAGRAMS_DIR,
    Diagram,
    all_diagrams,
    freshness_problems,
    normalise,
    recorded_mermaid_version,
    svg_header,
)
from site_tools.languages import REPO_ROOT
from site_tools.node import ensure_mermaid, installed_mermaid_version, locked_mermaid_version

DIAGRAMS_JS = REPO_ROOT / "docs" / "overrides" / "assets" / "javascripts" / "diagrams.js"


def _warn_without_japanese_font() -> None:
    """Labels are measured with the fonts installed here: without a Japanese font the boxes are wrong."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return
    fonts = subprocess.run([fc_list, ":lang=ja", "family"], capture_output=True, text=True, check=False).stdout
    if not fonts.strip():
        print(
            "warning: no Japanese font installed; Japanese labels will be measured wrongly. "
            "Install one first (Debian: `apt-get install fonts-ipafont-gothic`).",
            file=sys.stderr,
        )


_SVG_WIDTH = re.compile(r'^(<svg\b[^>]*?)\swidth="100%"')
_VIEWBOX = re.compile(r'\bviewBox="[-\d.]+ [-\d.]+ (?P<w>[\d.]+) (?P<h>[\d.]+)"')


def with_intrinsic_size(svg: str) -> str:
    """Give mermaid's ``width="100%"`` SVG its own size, so that an ``<img>`` shows it at that size."""
    box = _VIEWBOX.search(svg)
    if box is None:
        return svg
    size = f' width="{math.ceil(float(box["w"]))}" height="{math.ceil(float(box["h"]))}"'
    return _SVG_WIDTH.sub(lambda m: m.group(1) + size, svg, count=1)


def _stale(svg: Path, mermaid_version: str) -> bool:
    return not svg.is_file() or recorded_mermaid_version(svg) != mermaid_version


def render_all(diagrams: list[Diagram], *, force: bool = False) -> tuple[int, int]:
    """Render every diagram without an SVG (all with ``force``); remove unused SVGs.

    Returns (rendered, removed).
    """
    from playwright.sync_api import sync_playwright

    mermaid_js = ensure_mermaid()
    version = installed_mermaid_version() or "?"
    unique = {d.hash: d for d in diagrams}
    todo = [d for h, d in sorted(unique.items()) if force or _stale(DIAGRAMS_DIR / f"{h}.svg", version)]
    DIAGRAMS_DIR.mkdir(parents=True, exist_ok=True)
    if todo:
        _warn_without_japanese_font()
        with sync_playwright() as playwright:
            browser = launch(playwright)
            try:
                page = browser.new_page()
                page.set_content("<!doctype html><html><head><meta charset='utf-8'></head><body></body></html>")
                page.add_script_tag(path=str(mermaid_js))
                page.add_script_tag(path=str(DIAGRAMS_JS))
                for diagram in todo:
                    try:
                        svg = page.evaluate(
                            "([id, source]) => window.k8sDiagrams.render(id, source)",
                            [f"diagram-{diagram.hash}", normalise(diagram.source)],
                        )
                    except Exception as err:  # playwright wraps the page's JavaScript error
                        raise RuntimeError(f"{diagram.where()}: mermaid cannot render this diagram: {err}") from err
                    (DIAGRAMS_DIR / f"{diagram.hash}.svg").write_text(
                        svg_header(diagram.source, version) + with_intrinsic_size(svg) + "\n", encoding="utf-8"
                    )
                    print(f"rendered {diagram.where()} -> docs/diagrams/{diagram.hash}.svg")
            finally:
                browser.close()
    removed = 0
    for path in DIAGRAMS_DIR.glob("*.svg"):
        if path.stem not in unique:
            path.unlink()
            removed += 1
            print(f"removed unused {path.relative_to(REPO_ROOT)}")
    return len(todo), removed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m site_tools.render_diagrams", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("check", help="exit 1 when a diagram has no fresh SVG or an SVG is unused")
    render = sub.add_parser("render", help="render missing SVGs with Chromium and prune unused ones")
    render.add_argument("--force", action="store_true", help="render every diagram again")
    args = parser.parse_args(argv)

    diagrams = all_diagrams()
    if args.command == "check":
        problems = freshness_problems(diagrams, mermaid_version=locked_mermaid_version())
        for problem in problems:
            print(problem, file=sys.stderr)
        print(f"{len(diagrams)} diagram(s), {len(problems)} problem(s)")
        return 1 if problems else 0

    written, pruned = render_all(diagrams, force=args.force)
    print(f"{len(diagrams)} diagram(s): {written} rendered, {pruned} unused SVG(s) removed")
    problems = freshness_problems(diagrams, mermaid_version=locked_mermaid_version())
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
