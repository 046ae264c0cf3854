"""The navigation, ordered by each page's front-matter ``weight``.

MkDocs sorts an automatic navigation alphabetically; the pages say where they belong with ``weight``
(see docs/conventions.md). A section sorts by its index page's weight, else by its lightest page, and
takes its title from its index page's front matter, else from the plugin's ``section_titles`` (keyed by
directory, per language), so Japanese readers never see a directory name as a title.
"""

from __future__ import annotations

import logging
import math
import posixpath
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page

from pagegrammar import FrontMatter
from pagegrammar.frontmatter import read_front_matter
from site_tools.plugin.part import Part

log = logging.getLogger("mkdocs.plugins.k8s-site.navigation")


def _front(page: Page) -> FrontMatter:
    return read_front_matter(Path(page.file.abs_src_path), required=False) if page.file.abs_src_path else FrontMatter({})


def _meta(page: Page) -> dict[str, Any]:
    return _front(page).data


def page_key(page: Page) -> tuple[float, str]:
    """Where a page sorts: its weight (a warning naming the file and line when it has none), then its title."""
    front = _front(page)
    meta = front.data
    weight = meta.get("weight")
    if not isinstance(weight, (int, float)) or isinstance(weight, bool):
        line = front.key_lines.get("weight", 1)
        log.warning(
            f"{page.file.abs_src_path}:{line}: front matter needs a numeric `weight` "
            f"(it orders the navigation; got {weight!r})"
        )
        weight = math.inf
    return float(weight), str(meta.get("title") or page.file.src_uri)


def _section_dir(section: Section) -> str:
    uris = [p.file.src_uri for p in _pages(section.children)]
    return posixpath.commonpath([posixpath.dirname(u) for u in uris]) if uris else ""


def _pages(items: list) -> list[Page]:
    found = []
    for item in items:
        if isinstance(item, Page):
            found.append(item)
        elif isinstance(item, Section):
            found.extend(_pages(item.children))
    return found


def _is_index(page: Page) -> bool:
    return posixpath.basename(page.file.src_uri) in ("index.md", "README.md")


def _order(items: list, titles: dict[str, str]) -> float:
    """Sort ``items`` in place; return the weight of the list (the section holding it)."""
    keys: dict[int, tuple[int, float, str]] = {}
    for item in items:
        if isinstance(item, Page):
            weight, title = page_key(item)
            keys[id(item)] = (0 if _is_index(item) else 1, weight, title)
        elif isinstance(item, Section):
            weight = _order(item.children, titles)
            directory = _section_dir(item)
            index = next((c for c in item.children if isinstance(c, Page) and _is_index(c)), None)
            if index is not None:
                item.title = str(_meta(index).get("title") or item.title)
            elif directory in titles:
                item.title = titles[directory]
            else:
                log.warning(
                    f"navigation section {directory!r} has no title: add {directory}/index.md with a `title`, or "
                    f"`section_titles: {{{directory}: ...}}` under the k8s-site plugin in this language's config"
                )
            keys[id(item)] = (1, weight, item.title or "")
        else:
            keys[id(item)] = (1, math.inf, str(getattr(item, "title", "")))
    items.sort(key=lambda item: keys[id(item)])
    first = keys[id(items[0])] if items else (1, math.inf, "")
    # A section weighs as much as its index page, else as its lightest member.
    return first[1] if first[0] == 0 else min((k[1] for k in keys.values()), default=math.inf)


class NavigationOrder(Part):
    def on_nav(self, nav: Navigation, config: MkDocsConfig, files: Files) -> None:
        _order(nav.items, dict(self.options.section_titles))
        nav.pages = _pages(nav.items)
        pages = nav.pages  # each page with the one before it and the one after it (None at either end)
        for before, page, after in zip([None, *pages][:-1], pages, [*pages, None][1:], strict=True):
            page.previous_page, page.next_page = before, after
