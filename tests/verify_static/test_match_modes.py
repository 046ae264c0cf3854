"""Match modes are declared once (`verify.matchers.MODES`): the directive parser accepts exactly
those names, the live tier matches with their matchers, and docs/conventions.md describes each."""

from __future__ import annotations

from pathlib import Path

import pytest

from verify import directives
from verify.live.matching import match
from verify.matchers import MODES
from verify.parsers import read_page
from verify.static import StaticContext, failures
from verify.static.run import page_entries

ROOT = Path(__file__).resolve().parents[2]
OUTPUT = "NAME    READY   STATUS    RESTARTS   AGE\nweb-0   1/1     Running   0          10s\n"


def page(tmp_path: Path, mode: str) -> Path:
    path = tmp_path / "docs_src" / "ja" / "page.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\ntitle: t\nweight: 1\n---\n\n# t\n\n```shell\nkubectl get pods\n```\n\n"
                    f"<!-- verify: {mode} -->\n```text\n{OUTPUT}```\n", encoding="utf-8")
    return path


def test_every_mode_has_a_one_line_description() -> None:
    for mode in MODES.values():
        assert mode.description.strip() and "\n" not in mode.description, mode.name


def test_docs_conventions_describe_every_mode_with_the_tables_words() -> None:
    conventions = (ROOT / "docs" / "conventions.md").read_text(encoding="utf-8")
    for mode in MODES.values():
        assert f"| `{mode.name}` | {mode.description} |" in conventions, mode.name


def test_the_directive_parser_accepts_exactly_the_tables_modes() -> None:
    assert tuple(MODES) == directives.MATCH_MODES


@pytest.mark.parametrize("mode", sorted(MODES))
def test_a_mode_of_the_table_passes_the_static_tier_and_matches_live(
        mode: str, tmp_path: Path, fresh_context: StaticContext) -> None:
    parsed = read_page(page(tmp_path, mode), tmp_path)
    assert failures(f for e in page_entries(parsed, fresh_context) for f in e.findings) == []
    output = next(s.output for s in parsed.page.steps if s.output is not None)
    assert output.directive.mode == mode
    assert match(OUTPUT, OUTPUT, mode).ok


def test_a_mode_not_in_the_table_is_a_static_error_at_its_line(tmp_path: Path, fresh_context: StaticContext) -> None:
    path = page(tmp_path, "fuzzy")
    failed = failures(f for e in page_entries(read_page(path, tmp_path), fresh_context) for f in e.findings)
    assert [(f.check, str(f.location)) for f in failed] == [("directive", f"{path}:12")]
    assert "'fuzzy'" in failed[0].message and all(name in failed[0].message for name in MODES)
