"""The benchmark's own parts (`nox -s bench`): its baselines and corpus are what they say they are."""

from __future__ import annotations

from pathlib import Path

import yaml

from bench.baseline import baseline_config
from bench.corpus import TUTORIALS, docs_dir, make_corpus
from bench.live import baseline_script
from bench.timing import Stats
from gitfacts import blob_id
from languages import LANGUAGES, SOURCE_LANGUAGE, TRANSLATIONS
from translations.status import recorded_blob
from verify.model import StepKind
from verify.parsers import load_page

ROOT = Path(__file__).resolve().parents[2]
STS = ROOT / "docs_src" / "ja" / "tutorials" / "stateful-application" / "basic-stateful-set.md"


class _Tags(yaml.SafeLoader):
    """Reads mkdocs.yml-like text without constructing its python tags."""


_Tags.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: f"<{suffix}>")


def test_the_baseline_keeps_the_theme_and_extensions_and_drops_what_the_project_adds(tmp_path: Path) -> None:
    config = yaml.load(baseline_config(ROOT, tmp_path / "docs", tmp_path / "site"), Loader=_Tags)
    project = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_Tags)
    assert "hooks" not in config and "extra" not in config and "watch" not in config
    assert list(config["plugins"]) == ["search"] and config["plugins"]["search"] == project["plugins"]["search"]
    assert config["theme"]["name"] == "material" and "custom_dir" not in config["theme"]
    assert config["theme"]["features"] == project["theme"]["features"]
    snippets = next(e["pymdownx.snippets"] for e in config["markdown_extensions"] if isinstance(e, dict)
                    and "pymdownx.snippets" in e)
    assert snippets["base_path"] == [str(ROOT)]
    assert len(config["markdown_extensions"]) == len(project["markdown_extensions"])
    assert config["docs_dir"] == str(tmp_path / "docs") and config["strict"] is False


def test_the_corpus_has_n_pages_per_language_and_current_translations(tmp_path: Path) -> None:
    for lang in LANGUAGES:
        folder = docs_dir(lang)
        for page in (ROOT / folder).rglob("*.md"):
            target = tmp_path / folder / page.relative_to(ROOT / folder)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(page.read_bytes())
    assert make_corpus(tmp_path, 10) == 10
    source = tmp_path / docs_dir(SOURCE_LANGUAGE)
    pages = sorted(p.relative_to(source) for p in source.rglob("*.md"))
    assert len(pages) == 10
    assert all((source / uri).is_file() for uri in TUTORIALS)
    copy = Path(TUTORIALS[0][: -len(".md")] + "-001.md")
    for lang in TRANSLATIONS:
        translated = tmp_path / docs_dir(lang)
        assert sorted(p.relative_to(translated) for p in translated.rglob("*.md")) == pages, lang.code
        assert recorded_blob(translated / copy) == blob_id((source / copy).read_bytes()), lang.code
    text = (source / copy).read_text(encoding="utf-8")
    assert "--8<--" in text or "```shell" in text  # the shape of a real page


def test_the_baseline_script_runs_the_steps_the_verifier_ran_in_order_with_the_hidden_waits() -> None:
    page = load_page(STS, ROOT)
    steps = [s for s in page.steps if s.kind in (StepKind.COMMAND, StepKind.HIDDEN_COMMAND)]
    hidden = next(s for s in steps if s.kind is StepKind.HIDDEN_COMMAND and not s.directive.terminal)
    left_out = next(s for s in steps if s.kind is StepKind.COMMAND and not s.directive.terminal
                    and s.location.line > hidden.location.line)
    lines = {s.location.line for s in steps} - {left_out.location.line}
    script = baseline_script(page, lines)
    assert hidden.commands[0] in script
    assert f"at line {left_out.location.line}\n" not in script
    positions = [script.index(f"at line {s.location.line}\n") for s in steps if s.location.line in lines]
    assert positions == sorted(positions)
    assert "verify.k8s-tutorials-ja/run" in script and "delete namespace" in script
    assert "sleep" not in script.split("# command", 1)[0]


def test_stats_of_no_runs_is_empty() -> None:
    assert Stats.of([]).runs == 0 and Stats.of([3.0, 1.0, 2.0]) == Stats(2.0, 1.0, 3.0, 3)
