"""The site plugin on its own: its parts with stand-in pages (no build), its configuration and its order."""

from __future__ import annotations

import logging
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

from languages import LANGUAGES
from site_tools.diagrams import DIAGRAMS_DIR, all_diagrams
from site_tools.languages import REPO_ROOT
from site_tools.page_state import page_state
from site_tools.plugin import NAME, PARTS, SiteConfig, SitePlugin, site_options
from site_tools.plugin.diagrams import Diagrams
from site_tools.plugin.navigation import page_key
from site_tools.plugin.part import Part
from site_tools.plugin.toc import TocBreaks


def fake_page(path: Path, src_uri: str, url: str, title: str = "Page") -> SimpleNamespace:
    return SimpleNamespace(
        file=SimpleNamespace(abs_src_path=str(path), src_uri=src_uri), url=url, title=title, meta={}
    )


def _options() -> SiteConfig:
    options = SiteConfig()
    options.load_dict({})
    errors, _ = options.validate()
    assert not errors
    return options


def test_page_without_weight_is_a_warning_naming_the_file(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    page = tmp_path / "page.md"
    page.write_text("---\ntitle: No weight\n---\n# No weight\n", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="mkdocs"):
        weight, title = page_key(fake_page(page, "page.md", "page/"))  # type: ignore[arg-type]
    assert weight == float("inf") and title == "No weight"
    assert f"{page}:1: front matter needs a numeric `weight`" in caplog.text


def test_mermaid_block_becomes_a_figure_with_a_noscript_image() -> None:
    diagram = next(iter(all_diagrams()), None)
    if diagram is None:
        pytest.skip("no page has a mermaid diagram yet")
    escaped = diagram.source.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    page = fake_page(diagram.file, "tutorials/services/source-ip.md", "tutorials/services/source-ip/", "Source IP")
    config = SimpleNamespace(theme={"language": "ja"})
    part = Diagrams(_options())
    part.on_config(config)  # type: ignore[arg-type]
    html = part.on_page_content(f'<p>x</p><pre class="mermaid"><code>{escaped}</code></pre>', page, config, None)  # type: ignore[arg-type]
    assert 'class="mermaid"' not in html
    assert f'<noscript><img class="k8s-diagram__image" src="../../../assets/diagrams/{diagram.hash}.svg"' in html
    assert page_state(page).diagrams == 1 and part.used == {diagram.hash}
    assert (DIAGRAMS_DIR / f"{diagram.hash}.svg").is_file()


def test_diagram_without_prerendered_svg_is_a_warning_naming_page_and_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    md = tmp_path / "page.md"
    md.write_text("# T\n\n```mermaid\ngraph LR;\n  never-->rendered;\n```\n", encoding="utf-8")
    page = fake_page(md, "page.md", "page/")
    config = SimpleNamespace(theme={"language": "en"})
    part = Diagrams(_options())
    part.on_config(config)  # type: ignore[arg-type]
    with caplog.at_level(logging.WARNING, logger="mkdocs"):
        part.on_page_content('<pre class="mermaid"><code>graph LR;\n  never--&gt;rendered;\n</code></pre>',
                             page, config, None)  # type: ignore[arg-type]
    assert f"{md}:3: mermaid diagram has no pre-rendered docs/diagrams/" in caplog.text
    assert "run `nox -s diagrams`" in caplog.text


# --- the plugin -------------------------------------------------------------------------------------


def test_every_language_builds_with_the_plugin_and_no_hooks() -> None:
    for lang in LANGUAGES:
        config = load_config(config_file=str(REPO_ROOT / lang.config_file))
        assert isinstance(config.plugins[NAME], SitePlugin), lang.config_file
        assert not config.hooks, f"{lang.config_file}: the site's hooks are parts of the {NAME} plugin"
        assert site_options(config).section_titles, f"{lang.config_file}: no section titles for {lang.code}"


def test_each_event_reaches_every_part_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    """Adding a part is adding it to PARTS: the plugin hands it every event, after the parts before it."""
    calls: list[str] = []

    class First(Part):
        def on_page_markdown(self, markdown: str, *args: object) -> str:
            calls.append("first")
            return markdown + " first"

    class Second(Part):
        def on_page_markdown(self, markdown: str, *args: object) -> str:
            calls.append("second")
            return markdown + " second"

    monkeypatch.setattr("site_tools.plugin.plugin.PARTS", (First, Second))
    plugin = SitePlugin()
    plugin.load_config({})
    config = load_config(config_file=str(REPO_ROOT / "mkdocs.yml"))
    plugin.on_config(config)
    out = plugin.on_page_markdown("text", page=None, config=None, files=None)  # type: ignore[arg-type]
    assert out == "text first second" and calls == ["first", "second"]


def test_the_parts_see_a_page_after_materials_search_indexed_it() -> None:
    """The table of contents' break hints (TocBreaks) must not reach the search index."""
    from material.plugins.search.plugin import SearchPlugin

    ours = getattr(SitePlugin.on_page_context, "mkdocs_priority", 0)
    search = getattr(SearchPlugin.on_page_context, "mkdocs_priority", 0)
    assert ours < search
    assert TocBreaks in PARTS



def _build_pages(tmp_path: Path, pages: dict[str, str]) -> Path:
    """Build ``pages`` with the English site's configuration (its macros, its plugin) into tmp_path/site."""
    from mkdocs.commands.build import build

    docs = tmp_path / "docs"
    docs.mkdir(parents=True)
    for name, text in pages.items():
        (docs / name).write_text(text, encoding="utf-8")
    config = load_config(
        config_file=str(REPO_ROOT / "mkdocs.en.yml"), docs_dir=str(docs), site_dir=str(tmp_path / "site")
    )
    build(config)
    return tmp_path / "site"


def test_macros_render_shared_text_and_leave_go_templates_to_the_reader(tmp_path: Path) -> None:
    site = _build_pages(tmp_path, {
        "index.md": "---\ntitle: T\nweight: 1\n---\n# T\n\n`{{range .items}}{{.metadata.name}}{{end}}`\n\n"
        "Kubernetes [[% kubernetes_version %]]\n",
    })
    html = (site / "index.html").read_text(encoding="utf-8")
    assert "{{range .items}}{{.metadata.name}}{{end}}" in html
    assert "Kubernetes v1.37" in html and "[[%" not in html


def test_an_unknown_macro_fails_the_build_naming_the_file_and_line(tmp_path: Path) -> None:
    text = "---\ntitle: U\nweight: 1\n---\n# U\n\nfine\n\n[[% no_such_macro() %]]\n"
    with pytest.raises(Abort) as caught:
        _build_pages(tmp_path, {"index.md": text})
    assert f"{tmp_path / 'docs' / 'index.md'}:9: 'no_such_macro' is not a macro" in str(caught.value.__context__)


def test_a_macro_that_does_not_parse_fails_the_build_naming_the_file_and_line(tmp_path: Path) -> None:
    text = "---\ntitle: U\nweight: 1\n---\n# U\n\n[[% cluster_prerequisites( %]]\n"
    with pytest.raises(Abort) as caught:
        _build_pages(tmp_path, {"index.md": text})
    assert f"{tmp_path / 'docs' / 'index.md'}:7: a macro does not parse" in str(caught.value.__context__)




MACRO_PAGES = {
    "index.md": "---\ntitle: T\nweight: 1\n---\n# T\n\n[[% cluster_prerequisites() %]]\n\n"
                "Kubernetes [[% kubernetes_version %]].\n",
    "no-newline.md": "---\ntitle: N\nweight: 2\n---\n# N\n\n[[% kubernetes_version %]]",
    "two-newlines.md": "---\ntitle: W\nweight: 3\n---\n# W\n\n[[%kubernetes_version%]][[% cluster_prerequisites() %]]\n\n",
    "meta.md": "---\ntitle: M\nweight: 4\nkubernetes_version: from the page\n---\n# M\n\n[[% kubernetes_version %]]\n",
    "code.md": "---\ntitle: C\nweight: 5\n---\n# C\n\n```shell\nkubectl get pods --template '[[% kubernetes_version %]]'\n```\n",
    "filter.md": "---\ntitle: F\nweight: 6\n---\n# F\n\n[[% kubernetes_version | upper %]] [[%- kubernetes_version %]]\n",
    "block.md": "---\ntitle: B\nweight: 7\n---\n# B\n\n[%% if true %%]yes[%% endif %%] [[% kubernetes_version %]]\n",
    "switched-off.md": "---\ntitle: S\nweight: 8\nrender_macros: false\n---\n# S\n\n[[% kubernetes_version %]]\n",
    "title.md": "---\ntitle: \"V [[% kubernetes_version %]]\"\nweight: 9\n---\n# V\n\n[[% kubernetes_version %]]\n",
    "crlf.md": "---\ntitle: R\nweight: 10\n---\n# R\r\n\r\n[[% kubernetes_version %]]\r\n",
    "words.md": "---\ntitle: J\nweight: 11\n---\n# J\n\n[[% true %]] [[% kubernetes_version %]]\n",
}
#: The pages whose marks are all simple, rendered by the site's check rather than by mkdocs-macros.
SIMPLE = {"index.md", "no-newline.md", "two-newlines.md", "meta.md", "code.md", "crlf.md"}  # MkDocs reads "\r\n" as "\n"


def test_a_page_of_simple_marks_renders_as_mkdocs_macros_renders_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Pages whose macros are only ``[[% name %]]`` and ``[[% name() %]]`` are rendered by `check_macro_names`, one
    template per mark; the Markdown that reaches the site's plugin is the same as when mkdocs-macros renders
    the whole page, and so are the built pages."""
    from site_tools.plugin import comments, macros

    seen: dict[str, str] = {}
    strip = comments.VerificationComments.on_page_markdown

    def record(self: comments.VerificationComments, markdown: str, page: Any, *args: Any) -> str:
        seen[page.file.src_uri] = markdown
        return strip(self, markdown, page, *args)

    monkeypatch.setattr(comments.VerificationComments, "on_page_markdown", record)
    rendered_here: list[str] = []
    simple = macros._render_simple_marks

    def counted(env: Any, markdown: str, jinja: Any) -> bool:
        done = simple(env, markdown, jinja)
        if done:
            rendered_here.append(env.page.file.src_uri)
        return done

    monkeypatch.setattr(macros, "_render_simple_marks", counted)
    fast = _build_pages(tmp_path / "fast", MACRO_PAGES)
    fast_markdown = dict(seen)
    assert sorted(rendered_here) == sorted(SIMPLE)

    monkeypatch.setattr(macros, "_render_simple_marks", lambda env, markdown, jinja: False)
    seen.clear()
    plain = _build_pages(tmp_path / "plain", MACRO_PAGES)
    assert fast_markdown == seen
    assert "from the page" in seen["meta.md"] and "[[%" not in seen["index.md"] and seen["no-newline.md"].endswith("v1.37")
    for page in sorted(plain.rglob("*.html")):
        assert (fast / page.relative_to(plain)).read_text(encoding="utf-8") == page.read_text(encoding="utf-8"), page
