"""MkDocs hook: what the page-status slot shows (``partials/page-status.html``).

- Verification: pages with commands (a ` ```shell ` block) show their status
  from ``verify-report.json`` at the repo root (``extra.verify_report``
  overrides the path), or "not yet verified" / 「未検証」 when there is none.
- Translation freshness, on translated pages: the translation workflow sets
  ``translation_status`` (``current``/``outdated``/``missing``) and
  ``source_changed`` (a date) in ``page.meta``; an outdated page gets a banner
  that links to its Japanese source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from site_tools.languages import REPO_ROOT, SOURCE_LANGUAGE
from site_tools.verification import load_report, page_status

_SHELL_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})[ \t]*(shell|console|bash|sh)\b", re.MULTILINE)
_state: dict = {}


@dataclass(frozen=True)
class TranslationNotice:
    """The outdated-translation banner: the sentence and a link to the source page."""

    text: str
    link_text: str
    href: str


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    path = Path(config.extra.get("verify_report") or REPO_ROOT / "verify-report.json")
    try:
        _state["report"] = load_report(path)
    except ValueError as err:
        raise PluginError(str(err)) from err
    _state["lang"] = config.theme["language"]
    return config


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    page.k8s_has_commands = bool(_SHELL_FENCE.search(markdown))
    return markdown


def _translation_notice(page: Page) -> TranslationNotice | None:
    if _state["lang"] == SOURCE_LANGUAGE.code or page.meta.get("translation_status") != "outdated":
        return None
    source = next((link for link in getattr(page, "language_links", []) if link.lang == SOURCE_LANGUAGE.code), None)
    changed = page.meta.get("source_changed")
    when = f" on {changed}" if changed else ""
    return TranslationNotice(
        text=f"The Japanese source of this page changed{when}; this translation may be out of date.",
        link_text="Read the Japanese page",
        href=source.href if source else "",
    )


def on_page_context(context: dict, page: Page, config: MkDocsConfig, nav: Navigation) -> dict:
    page.k8s_status = (
        page_status(_state["report"], page.file.src_uri, _state["lang"]) if page.k8s_has_commands else None
    )
    page.k8s_translation = _translation_notice(page)
    return context
