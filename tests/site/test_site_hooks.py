"""The MkDocs hooks on their own, with stand-in pages (no build)."""

from __future__ import annotations

import importlib.util
import logging
from pathlib import Path
from types import ModuleType, SimpleNamespace

import pytest

from site_tools.diagrams import DIAGRAMS_DIR, all_diagrams
from site_tools.languages import REPO_ROOT
from site_tools.page_state import page_state

#: Builds sites (or reads the shared node_modules): one worker runs all of these, one after another.
pytestmark = pytest.mark.xdist_group("site")


def load_hook(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"hook_{name}", REPO_ROOT / "docs" / "hooks" / f"{name}.py")
    assert spec is not None and spec.loader is not None, name
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def fake_page(path: Path, src_uri: str, url: str, title: str = "Page") -> SimpleNamespace:
    return SimpleNamespace(
        file=SimpleNamespace(abs_src_path=str(path), src_uri=src_uri), url=url, title=title, meta={}
    )


def test_page_without_weight_is_a_warning_naming_the_file(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    nav_order = load_hook("nav_order")
    page = tmp_path / "page.md"
    page.write_text("---\ntitle: No weight\n---\n# No weight\n", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="mkdocs"):
        weight, title = nav_order._page_key(fake_page(page, "page.md", "page/"))
    assert weight == float("inf") and title == "No weight"
    assert f"{page}:1: front matter needs a numeric `weight`" in caplog.text


def test_mermaid_block_becomes_a_figure_with_a_noscript_image() -> None:
    diagrams = load_hook("diagrams")
    diagram = next(iter(all_diagrams()), None)
    if diagram is None:
        pytest.skip("no page has a mermaid diagram yet")
    escaped = diagram.source.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    page = fake_page(diagram.file, "tutorials/services/source-ip.md", "tutorials/services/source-ip/", "Source IP")
    config = SimpleNamespace(theme={"language": "ja"})
    html = diagrams.on_page_content(f'<p>x</p><pre class="mermaid"><code>{escaped}</code></pre>', page, config, None)
    assert 'class="mermaid"' not in html
    assert f'<noscript><img class="k8s-diagram__image" src="../../../assets/diagrams/{diagram.hash}.svg"' in html
    assert page_state(page).diagrams == 1
    assert (DIAGRAMS_DIR / f"{diagram.hash}.svg").is_file()


def test_diagram_without_prerendered_svg_is_a_warning_naming_page_and_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    diagrams = load_hook("diagrams")
    md = tmp_path / "page.md"
    md.write_text("# T\n\n```mermaid\ngraph LR;\n  never-->rendered;\n```\n", encoding="utf-8")
    page = fake_page(md, "page.md", "page/")
    with caplog.at_level(logging.WARNING, logger="mkdocs"):
        diagrams.on_page_content(
            '<pre class="mermaid"><code>graph LR;\n  never--&gt;rendered;\n</code></pre>',
            page,
            SimpleNamespace(theme={"language": "en"}),
            None,
        )
    assert f"{md}:3: mermaid diagram has no pre-rendered docs/diagrams/" in caplog.text
    assert "run `nox -s diagrams`" in caplog.text
