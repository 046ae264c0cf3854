"""Shared text in the pages: ``[[% cluster_prerequisites() %]]``, ``[[% kubernetes_version %]]``, the status tables.

Pages call macros with the project's own delimiters (``[[% … %]]``, ``[%% … %%]``, ``[## … ##]``), so
that Go templates handed to kubectl (``{{range ...}}``) reach the reader untouched. A page that holds
none of them is left as it is; one that does is rendered as a Jinja template, in which an unknown
name is an error (the strict build fails, naming the page). The words are the build language's
strings (languages/strings/<code>.yaml).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from languages import SOURCE_LANGUAGE, TRANSLATIONS, Language, language, name_in, section
from site_tools.plugin.part import Part
from site_tools.plugin.templates import theme_env

KUBERNETES_VERSION = "v1.37"
VARIABLE, BLOCK, COMMENT = ("[[%", "%]]"), ("[%%", "%%]"), ("[##", "##]")
_STARTS = (VARIABLE[0], BLOCK[0], COMMENT[0])


def _up(src_path: str) -> str:
    """From the page at ``src_path`` up to its build's root (``../`` per folder)."""
    return "".join("../" for _ in Path(src_path).parent.parts)


def translation_status_table(root: Path, lang: Language, here: str) -> str:
    """A Markdown table of every page and the state of each translation (two columns per translation)."""
    from pagegrammar.frontmatter import read_front_matter
    from translations.status import statuses

    words = section(lang.code, "translation_status")
    header = [words["page"]]
    for target in TRANSLATIONS:
        header += [words["state"].format(language=name_in(target, lang.code)), words["changed"]]
    rows = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    per_language = [statuses(root, target.code) for target in TRANSLATIONS]
    for cells in zip(*per_language, strict=True):
        first = cells[0]
        page = root / lang.docs_dir / first.relative
        title = read_front_matter(page if page.exists() else first.pair.source).data.get("title", str(first.relative))
        if page.exists():
            title = f"[{title}]({_up(here)}{first.relative.as_posix()})"
        row = [title]
        for cell in cells:
            row += [words[cell.state], cell.source_changed or "—"]
        rows.append("| " + " | ".join(row) + " |")
    return "\n".join(rows)


class Macros(Part):
    env: jinja2.Environment

    def on_config(self, config: MkDocsConfig) -> None:
        lang = language(config.theme["language"])
        root = Path(config.config_file_path).resolve().parent
        docs_dir = Path(config.docs_dir)
        options = self.options
        templates = theme_env(config)

        def page_of(context: Any) -> Page:
            return context["page"]

        @jinja2.pass_context
        def translation_table(context: Any) -> str:
            return translation_status_table(root, lang, page_of(context).file.src_path)

        @jinja2.pass_context
        def verification_table(context: Any) -> str:
            from site_tools.verification import status_rows, status_table

            source = Path(options.docs_dirs.get(SOURCE_LANGUAGE.code) or root / SOURCE_LANGUAGE.docs_dir)
            records = Path(options.verification_dir or root / "verification")
            rows = status_rows(source, records, root, title_dir=docs_dir)
            return status_table(rows, lang.code, _up(page_of(context).file.src_path))

        def verification_legend() -> str:
            from site_tools.step_marks import MarkRenderer, legend_html
            from site_tools.verification import legend_marks

            return legend_html(legend_marks(lang.code), lang.code, MarkRenderer(templates))

        def cluster_prerequisites() -> str:
            """The 「始める前に」 paragraph every tutorial shares, in the build's language."""
            return section(lang.code, "macros")["cluster_prerequisites"].format(version=KUBERNETES_VERSION)

        shared: dict[str, str | Callable[..., str]] = {
            "kubernetes_version": KUBERNETES_VERSION,
            "cluster_prerequisites": cluster_prerequisites,
            "translation_status_table": translation_table,
            "verification_status_table": verification_table,
            "verification_legend": verification_legend,
        }
        self.env = jinja2.Environment(  # Markdown, not HTML: nothing to escape
            undefined=jinja2.StrictUndefined, autoescape=False,
            variable_start_string=VARIABLE[0], variable_end_string=VARIABLE[1],
            block_start_string=BLOCK[0], block_end_string=BLOCK[1],
            comment_start_string=COMMENT[0], comment_end_string=COMMENT[1],
        )
        self.env.globals.update(shared)

    def on_page_markdown(self, markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        if not any(start in markdown for start in _STARTS):
            return markdown
        try:
            return self.env.from_string(markdown).render(page=page)
        except jinja2.TemplateSyntaxError as err:
            raise PluginError(f"{page.file.abs_src_path or page.file.src_uri}:{err.lineno}: {err.message}") from err
        except jinja2.TemplateError as err:
            raise PluginError(f"{page.file.abs_src_path or page.file.src_uri}: {err}") from err
