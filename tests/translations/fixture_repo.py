"""Fixture git repositories for the translation workflow: Japanese pages, their translations, a glossary."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from gitfacts import blob_id
from tests.git_repo import git
from translations import cli

FIXTURES = Path(__file__).parent / "fixtures"
DRIFT_JA = (FIXTURES / "drift/ja.md").read_text(encoding="utf-8")
DRIFT_EN = (FIXTURES / "drift/en.md").read_text(encoding="utf-8")
DRIFT_GLOSSARY = (FIXTURES / "drift/glossary.yml").read_text(encoding="utf-8")

# A commit date in the past, so that "when the source changed" cannot be mistaken for today.
PAST = "2024-03-05T12:00:00+00:00"


def english(en_text: str, ja_text: str) -> str:
    """The English page recording `ja_text` as its source (`{blob}` in the text is the placeholder)."""
    return en_text.replace("{blob}", blob_id(ja_text.encode("utf-8")))


@dataclass
class Repo:
    root: Path

    def ja(self, page: str) -> Path:
        return self.root / "docs_src/ja" / page

    def en(self, page: str) -> Path:
        return self.root / "docs/en" / page

    def write(self, path: Path, text: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    def commit(self, message: str = "change", *, date: str | None = None) -> None:
        git(self.root, "add", "--", ".")
        git(self.root, "commit", "-qm", message, date=date)

    def line_of(self, path: Path, text: str) -> int:
        """The 1-based line of the first line of `path` that contains `text`."""
        for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1):
            if text in line:
                return number
        raise AssertionError(f"{text!r} not in {path}")

    def cli(self, *argv: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
        """Run `python -m translations ARGV` in this repository: (exit code, stdout + stderr)."""
        code = cli.main(list(argv), root=self.root)
        captured = capsys.readouterr()
        return code, captured.out + captured.err


MakeRepo = Callable[..., Repo]
