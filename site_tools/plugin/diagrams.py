"""Mermaid diagrams served by the site itself, visible without JavaScript.

Each ` ```mermaid ` block (``<pre class="mermaid"><code>`` from superfences' ``fence_code_format``,
configured in mkdocs.yml) is replaced by a ``<figure class="k8s-diagram">`` holding

- the source, hidden, for ``assets/javascripts/diagrams.js`` to render live with the site's own
  ``mermaid.min.js`` (npm, copied here from node_modules);
- a ``<noscript><img></noscript>`` of the pre-rendered SVG (``docs/diagrams/<hash>.svg``, see
  ``site_tools.diagrams``);
- the diagram in words (``site_tools.diagram_text``): the accessible name of the image (``alt``, and
  ``aria-label`` of the live drawing, from ``data-alt``) and a ``<figcaption>`` list any reader can open.

The figure has no ``pre.mermaid`` left, so Material's own integration (which would fetch mermaid from
a CDN and hide the SVG in a closed shadow root) never starts. Only pages with a diagram load mermaid:
the theme override checks ``page.meta.k8s.diagrams`` (``PageState.diagrams``). A diagram without a
fresh SVG is a warning, so the strict build fails and names the page and line.
"""

from __future__ import annotations

import html
import logging
import re
import shutil
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from site_tools.diagram_text import DiagramText, describe
from site_tools.diagrams import DIAGRAMS_DIR, diagram_hash, diagrams_in_markdown
from site_tools.node import MERMAID_JS, MERMAID_LICENSE, NodeDependencyError, ensure_mermaid
from site_tools.page_state import page_state
from site_tools.plugin.part import Part

log = logging.getLogger("mkdocs.plugins.k8s-site.diagrams")

MERMAID_URL = "assets/javascripts/mermaid.min.js"
SVG_URL = "assets/diagrams/{hash}.svg"
_BLOCK = re.compile(r'<pre class="mermaid"><code>(?P<code>.*?)</code></pre>', re.DOTALL)


def _caption(text: DiagramText, number: int) -> str:
    """The list of arrows under the diagram, closed until a reader opens it."""
    if not text.edges:
        return ""
    items = "".join(f"<li>{html.escape(sentence)}</li>" for sentence in text.sentences())
    return (
        f'<figcaption class="k8s-diagram__text" id="k8s-diagram-{number}-text">'
        f"<details><summary>{html.escape(text.heading)}</summary><ul>{items}</ul></details></figcaption>"
    )


def figure(source: str, page_url: str, number: int, lang: str) -> str:
    """The figure that replaces diagram ``number`` of the page at ``page_url``."""
    digest = diagram_hash(source)
    svg = get_relative_url(SVG_URL.format(hash=digest), page_url)
    text = describe(source, lang)
    alt = html.escape(text.summary(number))
    return (
        f'<figure class="k8s-diagram" data-diagram="{digest}" data-fallback="{svg}" data-alt="{alt}">'
        f'<pre class="k8s-diagram__source" hidden>{html.escape(source)}</pre>'
        f'<noscript><img class="k8s-diagram__image" src="{svg}" alt="{alt}"></noscript>'
        f"{_caption(text, number)}</figure>"
    )


def _line_of(page: Page, source: str) -> str:
    """``file:line`` of the block in the page's Markdown source, for error messages."""
    path = Path(page.file.abs_src_path or page.file.src_uri)
    try:
        for diagram in diagrams_in_markdown(path.read_text(encoding="utf-8"), path):
            if diagram.hash == diagram_hash(source):
                return diagram.where()
    except (OSError, ValueError):
        pass
    return str(path)


class Diagrams(Part):
    used: set[str]  # the hash of every diagram the build's pages show

    def on_config(self, config: MkDocsConfig) -> None:
        self.used = set()

    def on_page_content(self, content: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        count = 0
        lang = config.theme["language"]

        def replace(match: re.Match[str]) -> str:
            nonlocal count
            count += 1
            source = html.unescape(match.group("code"))
            digest = diagram_hash(source)
            if not (DIAGRAMS_DIR / f"{digest}.svg").is_file():
                log.warning(
                    f"{_line_of(page, source)}: mermaid diagram has no pre-rendered docs/diagrams/{digest}.svg "
                    "(readers without JavaScript would not see it): run `nox -s diagrams`"
                )
            self.used.add(digest)
            return figure(source, page.url, count, lang)

        content = _BLOCK.sub(replace, content)
        page_state(page).diagrams = count
        return content

    def on_post_build(self, config: MkDocsConfig) -> None:
        site = Path(config.site_dir)
        for digest in sorted(self.used):
            svg = DIAGRAMS_DIR / f"{digest}.svg"
            if svg.is_file():
                target = site / SVG_URL.format(hash=digest)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(svg, target)
        if not self.used:
            return
        try:
            ensure_mermaid()
        except NodeDependencyError as err:
            log.warning(f"cannot serve mermaid from the site: {err}")
            return
        target = site / MERMAID_URL
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(MERMAID_JS, target)
        shutil.copyfile(MERMAID_LICENSE, target.with_name("mermaid.LICENSE.txt"))

