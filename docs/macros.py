"""Macros shared by the pages of every language (mkdocs-macros-plugin).

Pages call them with the project's own delimiters, ``[[% name() %]]``, so that
Go templates handed to kubectl (``{{range ...}}``) reach the reader untouched.
Their words are the build language's strings (languages/strings/<code>.yaml).
"""

from __future__ import annotations

from pathlib import Path

from mkdocs_macros.plugin import MacrosPlugin

from languages import SOURCE_LANGUAGE, TRANSLATIONS, language, name_in, section

KUBERNETES_VERSION = "v1.37"


def define_env(env: MacrosPlugin) -> None:
    """Register the variables and macros the pages use."""
    lang = language(env.conf["theme"]["language"])
    env.variables["kubernetes_version"] = KUBERNETES_VERSION

    _register_translation_status(env, lang.code)
    _register_verification_status(env, lang.code)

    @env.macro
    def cluster_prerequisites() -> str:
        """The 「始める前に」 paragraph every tutorial shares, in the build's language."""
        return section(lang.code, "macros")["cluster_prerequisites"].format(version=KUBERNETES_VERSION)


def _register_translation_status(env: MacrosPlugin, language_code: str) -> None:
    from pagegrammar.frontmatter import read_front_matter
    from translations.status import statuses

    root = Path(env.project_dir)
    words = section(language_code, "translation_status")
    here_lang = language(language_code)

    @env.macro
    def translation_status_table() -> str:
        """A Markdown table of every page and the state of each translation (two columns per translation)."""
        here = Path(env.page.file.src_path).parent
        header = [words["page"]]
        for target in TRANSLATIONS:
            header += [words["state"].format(language=name_in(target, language_code)), words["changed"]]
        rows = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        per_language = [statuses(root, target.code) for target in TRANSLATIONS]
        for cells in zip(*per_language, strict=True):
            first = cells[0]
            page = root / here_lang.docs_dir / first.relative
            title = read_front_matter(page if page.exists() else first.pair.source).data.get("title", str(first.relative))
            if page.exists():
                link = Path(*([".."] * len(here.parts)), first.relative).as_posix()
                title = f"[{title}]({link})"
            row = [title]
            for cell in cells:
                row += [words[cell.state], cell.source_changed or "—"]
            rows.append("| " + " | ".join(row) + " |")
        return "\n".join(rows)


def _register_verification_status(env: MacrosPlugin, language: str) -> None:
    from site_tools.plugin import site_options
    from site_tools.step_marks import MarkRenderer, legend_html
    from site_tools.verification import legend_marks, status_rows, status_table

    root = Path(env.project_dir)
    options = site_options(env.conf)

    @env.macro
    def verification_status_table() -> str:
        """A Markdown table of every page with commands and what its verification record says."""
        source = Path(options.docs_dirs.get(SOURCE_LANGUAGE.code) or root / SOURCE_LANGUAGE.docs_dir)
        records_dir = Path(options.verification_dir or root / "verification")
        here = Path(env.page.file.src_path).parent
        prefix = "".join("../" for _ in here.parts)
        rows = status_rows(source, records_dir, root, title_dir=Path(env.conf["docs_dir"]))
        return status_table(rows, language, prefix)

    @env.macro
    def verification_legend() -> str:
        """The marks shown under command blocks, with their icons."""
        return legend_html(legend_marks(language), language, MarkRenderer(env.conf.theme.get_env()))
