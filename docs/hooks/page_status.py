"""MkDocs hook: the page-status slot (``partials/page-status.html``) and the marks under command blocks.

- Verification: a page with commands (a ` ```shell ` block) shows what its committed record says
  (``verification/<page>.json``, written by ``python -m verify live --record``; ``extra.verification_dir``
  points elsewhere for test builds), in the build's language, with a link to the verification
  status page, and whether the Japanese page or a manifest it includes changed since the record.
  Each command block gets a mark for its step (site_tools/verification.py), placed after the block,
  outside ``<pre>``: no JavaScript, and copying a command copies only the command.
- Translation freshness, on translated pages: the translation workflow sets
  ``translation_status`` (``current``/``outdated``/``missing``) and
  ``source_changed`` (a date) in ``page.meta``; an outdated page gets a banner
  (in the build's language: ``translation_banner`` of languages/strings/) that links to its source.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from languages import SOURCE_LANGUAGE, section
from site_tools.languages import REPO_ROOT
from site_tools.verification import changed_files, has_commands, insert_marks, load_record, page_status, step_marks
from verify.records import Record

STATUS_PAGE = "verification-status.md"
_state: dict = {}


@dataclass(frozen=True)
class TranslationNotice:
    """The outdated-translation banner: the sentence and a link to the source page."""

    text: str
    link_text: str
    href: str


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    _state["records"] = Path(config.extra.get("verification_dir") or REPO_ROOT / "verification")
    docs_dirs = config.extra.get("docs_dirs") or {}
    _state["source_dir"] = Path(docs_dirs.get(SOURCE_LANGUAGE.code) or REPO_ROOT / SOURCE_LANGUAGE.docs_dir)
    _state["lang"] = config.theme["language"]
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    _state["files"] = files
    return files


def _record(page: Page) -> tuple[Record | None, list[str]]:
    try:
        record = load_record(_state["records"], page.file.src_uri)
    except ValueError as err:
        raise PluginError(str(err)) from err
    if record is None:
        return None, []
    source = _state["source_dir"] / page.file.src_uri
    return record, changed_files(record, source, REPO_ROOT)


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    page.k8s_has_commands = has_commands(markdown)
    page.k8s_record = _record(page) if page.k8s_has_commands else (None, [])
    return markdown


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Put each step's mark right after its command block."""
    record, _ = page.k8s_record
    if record is None:
        return html
    from verify.model import PageError
    from verify.parsers import load_page

    try:
        parsed = load_page(Path(page.file.abs_src_path), REPO_ROOT)
    except PageError as err:
        raise PluginError(f"verification marks: {err}") from err
    marks = step_marks(record, parsed, _state["lang"])
    html, missing = insert_marks(html, marks, _state["lang"])
    if missing:
        where = ", ".join(f"line {step.location.line}" for step in missing)
        raise PluginError(f"{page.file.src_uri}: no rendered code block found for the command block(s) at {where}, "
                          "so their verification marks cannot be placed")
    return html


def _translation_notice(page: Page) -> TranslationNotice | None:
    if _state["lang"] == SOURCE_LANGUAGE.code or page.meta.get("translation_status") != "outdated":
        return None
    source = next((link for link in getattr(page, "language_links", []) if link.lang == SOURCE_LANGUAGE.code), None)
    words = section(_state["lang"], "translation_banner")
    when = words["when"].format(date=page.meta.get("source_changed") or words["unknown_date"])
    return TranslationNotice(
        text=words["text"].format(when=when),
        link_text=words["link"],
        href=source.href if source else "",
    )


def _status_href(page: Page) -> str:
    status = _state["files"].get_file_from_path(STATUS_PAGE) if _state.get("files") else None
    return status.url_relative_to(page.file) if status is not None else ""


def on_page_context(context: dict, page: Page, config: MkDocsConfig, nav: Navigation) -> dict:
    if page.k8s_has_commands:
        record, changed = page.k8s_record
        page.k8s_status = page_status(record, changed, _state["lang"])
        page.k8s_status_href = _status_href(page)
    else:
        page.k8s_status = None
    page.k8s_translation = _translation_notice(page)
    return context
