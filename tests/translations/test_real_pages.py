"""The real translations: every page translated, current, structurally identical, glossary respected."""

from __future__ import annotations

import io
from pathlib import Path

from translations import cli

ROOT = Path(__file__).resolve().parents[2]


def test_every_english_page_is_current_and_matches_its_source() -> None:
    out = io.StringIO()
    problems = cli.check(ROOT, "en", out=out)
    assert problems == 0, "\n" + out.getvalue()


def test_the_command_line_check_passes_on_the_real_pages(capsys) -> None:
    code = cli.main(["--check"], root=ROOT)
    out = capsys.readouterr()
    assert code == 0, out.out + out.err
