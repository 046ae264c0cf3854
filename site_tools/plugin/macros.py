"""Shared text in the pages: ``[[% cluster_prerequisites() %]]``, ``[[% kubernetes_version %]]``, the status tables.

mkdocs-macros-plugin renders the pages (mkdocs.yml's ``macros:``, whose ``module_name`` is docs/macros.py,
which hands over to `define_env` here). Pages call macros with the project's own delimiters
(``[[% … %]]``, ``[%% … %%]``, ``[## … ##]``), so that Go templates handed to kubectl (``{{range ...}}``)
reach the reader untouched. Before a page is rendered, `check_macro_names` (the module's
``on_pre_page_macros``) refuses a malformed macro or a name nobody defined with the page's file and line:
mkdocs-macros-plugin itself would only name the page and exit. The words are the build language's strings
(languages/strings/<code>.yaml).

Most pages hold nothing for Jinja but a few ``[[% name() %]]``: such a page is rendered here, one small
template per distinct mark (compiled once per build), and the plugin's own switch (``render_macros``) then
leaves it alone (`_render_simple_marks`). Jinja would otherwise read the whole page twice, for the check
and for the plugin's rendering, a few milliseconds each on a long page.
"""

from __future__ import annotations

import re
import weakref
from copy import copy
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import meta
from mkdocs.exceptions import PluginError

from languages import SOURCE_LANGUAGE, TRANSLATIONS, Language, language, name_in, section
from site_tools.plugin.config import SiteConfig
from site_tools.plugin.templates import theme_env

KUBERNETES_VERSION = "v1.37"


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


def define_env(env: Any) -> None:
    """Register the variables and macros the pages use (mkdocs-macros-plugin calls this; docs/macros.py)."""
    config = env.conf
    lang = language(config["theme"]["language"])
    root = Path(config.config_file_path).resolve().parent
    docs_dir = Path(config["docs_dir"])
    site_plugin = config["plugins"].get("k8s-site")
    options = site_plugin.config if site_plugin is not None else SiteConfig()
    templates = theme_env(config)

    def page_path() -> str:
        return str(env.page.file.src_path)

    def translation_table() -> str:
        return translation_status_table(root, lang, page_path())

    def verification_table() -> str:
        from site_tools.verification import status_rows, status_table

        source = Path(options.docs_dirs.get(SOURCE_LANGUAGE.code) or root / SOURCE_LANGUAGE.docs_dir)
        records = Path(options.verification_dir or root / "verification")
        rows = status_rows(source, records, root, title_dir=docs_dir)
        return status_table(rows, lang.code, _up(page_path()))

    def verification_images() -> str:
        from site_tools.verification import images_table, status_rows

        source = Path(options.docs_dirs.get(SOURCE_LANGUAGE.code) or root / SOURCE_LANGUAGE.docs_dir)
        records = Path(options.verification_dir or root / "verification")
        rows = status_rows(source, records, root, title_dir=docs_dir)
        return images_table(rows, lang.code, _up(page_path()))

    def verification_legend() -> str:
        from site_tools.step_marks import MarkRenderer, legend_html
        from site_tools.verification import legend_marks

        return legend_html(legend_marks(lang.code), lang.code, MarkRenderer(templates))

    def cluster_prerequisites() -> str:
        """The 「始める前に」 paragraph every tutorial shares, in the build's language."""
        return section(lang.code, "macros")["cluster_prerequisites"].format(version=KUBERNETES_VERSION)

    env.variables["kubernetes_version"] = KUBERNETES_VERSION
    env.macro(cluster_prerequisites, "cluster_prerequisites")
    env.macro(translation_table, "translation_status_table")
    env.macro(verification_table, "verification_status_table")
    env.macro(verification_legend, "verification_legend")
    env.macro(verification_images, "verification_images")


def _body_offset(page: Any, markdown: str) -> int:
    """How many lines of the page's file come before ``markdown`` (the front matter MkDocs removed)."""
    try:
        text = Path(page.file.abs_src_path).read_text(encoding="utf-8")
    except (OSError, TypeError, AttributeError):
        return 0
    at = text.find(markdown[:200]) if markdown else -1
    return text.count("\n", 0, at) if at > 0 else 0


def _first_line_naming(markdown: str, name: str, env: jinja2.Environment) -> int:
    """The first line (1-based, in ``markdown``) where ``name`` appears inside the macro delimiters."""
    opens = (env.variable_start_string, env.block_start_string)
    for number, line in enumerate(markdown.splitlines(), start=1):
        if name in line and any(mark in line for mark in opens):
            return number
    return 1


def _has_macros(markdown: str, jinja: jinja2.Environment) -> bool:
    """Whether ``markdown`` holds anything Jinja reads: a start string of a variable, block or comment, or a
    line statement or comment prefix (none in this site's configuration)."""
    marks = (jinja.variable_start_string, jinja.block_start_string, jinja.comment_start_string,
             jinja.line_statement_prefix, jinja.line_comment_prefix)
    return any(mark and mark in markdown for mark in marks)


def check_macro_names(env: Any) -> None:
    """Refuse a page whose macros do not parse or name something undefined, with the file and line.

    Runs before mkdocs-macros-plugin renders the page (its ``on_pre_page_macros`` hook): the same Jinja
    environment parses the page; names neither registered (``define_env``), built in, nor set in the
    page's front matter are reported.
    """
    page = env.page
    markdown: str = env.markdown
    jinja: jinja2.Environment = env.env
    if not _has_macros(markdown, jinja):
        # Nothing for Jinja in the page: nothing to check, and mkdocs-macros-plugin's rendering (a template
        # compiled and run for the page, about 5 ms) would give the text back as it is. Its own switch
        # (`render_macros`, read from the page's meta) skips it.
        page.meta["render_macros"] = False
        return
    if _render_simple_marks(env, markdown, jinja):
        return
    where = getattr(page.file, "abs_src_path", None) or page.file.src_path
    offset = _body_offset(page, markdown)
    try:
        parsed = jinja.parse(markdown)
    except jinja2.TemplateSyntaxError as err:
        raise PluginError(f"{where}:{offset + (err.lineno or 1)}: a macro does not parse: {err.message}") from None
    known = set(env.variables) | set(env.macros) | set(jinja.globals) | set(page.meta or {}) | {"page"}
    unknown = sorted(meta.find_undeclared_variables(parsed) - known)
    if unknown:
        name = unknown[0]
        line = offset + _first_line_naming(markdown, name, jinja)
        defined = ", ".join(sorted(set(env.macros) | {"kubernetes_version"}))
        raise PluginError(f"{where}:{line}: {name!r} is not a macro or variable of this site (defined: {defined})")


#: A mark of a page that names a variable or calls a macro without arguments, nothing else (no whitespace
#: control, no filter, no argument): ``[[% name %]]``, ``[[% name() %]]`` with this site's delimiters.
_SIMPLE_MARK = r"{start}[ \t]*(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:\(\))?[ \t]*{end}"
#: Words Jinja reads as something other than a name.
_JINJA_WORDS = frozenset({"and", "or", "not", "in", "is", "if", "else", "true", "false", "none", "True", "False", "None"})
#: Each build's macros environment → its templates of one mark each (the same mark: the same template).
_MARK_TEMPLATES: weakref.WeakKeyDictionary[jinja2.Environment, dict[str, jinja2.Template]] = weakref.WeakKeyDictionary()


def _render_simple_marks(env: Any, markdown: str, jinja: jinja2.Environment) -> bool:
    """Render ``markdown`` here when all Jinja would find in it is marks of `_SIMPLE_MARK`, and tell the plugin to
    leave the page as it is; whether it was done (if not, or if a mark fails, nothing has changed).

    Such a page is data and one output per mark for Jinja: rendering it gives the text between the marks as
    written and each mark's value as rendering that mark alone with the same variables gives (a name is
    looked up, and a macro called, the same way, in page order), with Jinja's handling of the text's line
    breaks (``\\n`` kept, one at the very end dropped unless ``keep_trailing_newline``). Anything else (a block, a
    comment, a line statement, a carriage return, any other mark, a page or configuration that changes whether
    the plugin renders, a title it would render, an error) is left to the check and to the plugin, as before.
    """
    page = env.page
    marks = (jinja.block_start_string, jinja.comment_start_string, jinja.line_statement_prefix, jinja.line_comment_prefix)
    if any(mark and mark in markdown for mark in marks) or "\r" in markdown or jinja.newline_sequence != "\n":
        return False
    if not env.config["render_by_default"] or {"render_macros", "ignore_macros"} & set(page.meta or {}):
        return False
    if not isinstance(page.title, str) or env.has_j2(page.title):
        return False
    start = jinja.variable_start_string
    simple = re.compile(_SIMPLE_MARK.format(start=re.escape(start), end=re.escape(jinja.variable_end_string)))
    pieces: list[str] = []
    position = 0
    templates = _MARK_TEMPLATES.setdefault(jinja, {})
    variables = copy(env.variables)
    variables.update(env.variables["page"].meta)  # as the plugin's own rendering has them
    while (at := markdown.find(start, position)) >= 0:
        mark = simple.match(markdown, at)
        if mark is None or mark.group("name") in _JINJA_WORDS:
            return False
        template = templates.get(mark.group(0))
        try:
            if template is None:
                template = templates[mark.group(0)] = jinja.from_string(mark.group(0))
            value = template.render(**variables)
        except Exception:  # noqa: BLE001 - any failure: the page takes the plugin's own way, which reports it
            return False
        pieces += [markdown[position:at], value]
        position = mark.end()
    pieces.append(markdown[position:])
    rendered = "".join(pieces)
    if rendered.endswith("\n") and markdown.endswith("\n") and not jinja.keep_trailing_newline:
        rendered = rendered[:-1]
    env.markdown = rendered
    page.meta["render_macros"] = False
    return True
