"""`--check`: everything a translation must satisfy, page by page, counted for a one-line summary.

For each page: missing, outdated or never stamped; then, for a translation that exists, structural
parity and heading ids (`translations.parity`), what every language keeps
(`translations.invariants`), spellings to avoid on both sides and glossary terms
(`translations.glossary`, `translations.terms`). Findings name both files and lines.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from languages import SOURCE_LANGUAGE
from pagegrammar import FrontMatterError, UnclosedFence

from . import glossary, invariants, parity, status, structure, terms
from .align import align_pages
from .layout import SOURCE_DIR, TRANSLATION_DIRS, PagePair, command, orphan_translations, pairs

# What one bad page raises; it is reported as that page's error and the other pages go on.
PAGE_ERRORS = (FrontMatterError, UnclosedFence, UnicodeDecodeError)
GLOSSARY = Path("docs/glossary.yml")


@dataclass
class Report:
    """What a check found: pages outdated or missing, findings (all fail the check, exit 1), and errors:
    input that could not be read (exit 2)."""

    lang: str
    pages: int = 0
    outdated: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        return self.missing + self.outdated + self.findings

    def summary(self) -> str:
        """One line: 'translations (en): 2 outdated, 1 missing, 3 findings', or that all is well."""
        unread = f", {_counted(len(self.errors), 'page')} could not be read" if self.errors else ""
        if not self.problems:
            return f"translations ({self.lang}): {_counted(self.pages - len(self.errors), 'page')} current, no findings{unread}"
        return (f"translations ({self.lang}): {len(self.outdated)} outdated, {len(self.missing)} missing, "
                f"{_counted(len(self.findings), 'finding')}{unread}")


def _counted(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def load_glossary(root: Path) -> glossary.Glossary:
    path = root / GLOSSARY
    if not path.exists():
        return glossary.Glossary((), {})
    return glossary.load(path, GLOSSARY)


def _state(root: Path, row: status.PageStatus, report: Report) -> None:
    rel, pair = row.relative, row.pair
    target = status.display(root, pair.translation)
    if row.state == "missing":
        report.missing.append(f"{target}: missing (translation of {SOURCE_DIR / rel})")
    elif row.never_stamped:
        report.outdated.append(f"{target}: never stamped; once it translates {SOURCE_DIR / rel}: "
                               f"{command(pair.lang)}stamp {rel.as_posix()}")
    elif row.state == "outdated":
        report.outdated.append(f"{target}: outdated (its {SOURCE_LANGUAGE.english_name} source changed; "
                               f"see `{command(pair.lang)}--diff {rel.as_posix()}`)")


def page_findings(root: Path, pair: PagePair, gloss: glossary.Glossary) -> list[str]:
    """What differs between a source page and its existing translation."""
    src = structure.parse(pair.source, display=status.display(root, pair.source))
    dst = structure.parse(pair.translation, display=status.display(root, pair.translation))
    alignment = align_pages(src, dst, gloss, pair.lang)
    found = [str(m) for m in parity.compare_pages(src, dst, gloss, alignment, lang=pair.lang)]
    found += [str(m) for m in invariants.compare(src, dst, alignment, pair.lang)]
    found += [str(f) for f in glossary.check_spellings(gloss, src, SOURCE_LANGUAGE.code)]
    found += [str(f) for f in glossary.check_spellings(gloss, dst, pair.lang)]
    found += [str(m) for m in terms.check_terms(gloss, src, dst, alignment, pair.lang)]
    return found


def run_check(root: Path, lang: str, chosen: list[PagePair] | None = None) -> Report:
    """Everything a translation must satisfy, for the chosen pages (default: all, plus orphans)."""
    report = Report(lang)
    gloss = load_glossary(root)
    report.findings += [str(f) for f in terms.missing_texts(gloss, GLOSSARY, lang)]
    for row in status.survey(root, chosen if chosen is not None else pairs(root, lang)):
        report.pages += 1
        if isinstance(row, status.PageError):
            report.errors.append(row.message)
            continue
        _state(root, row, report)
        if row.state == "missing":
            continue
        try:
            report.findings += page_findings(root, row.pair, gloss)
        except PAGE_ERRORS as exc:
            report.errors.append(str(exc))
    if chosen is None:
        for orphan in orphan_translations(root, lang):
            report.findings.append(f"{(TRANSLATION_DIRS[lang] / orphan).as_posix()}: translation of "
                                   f"a {SOURCE_LANGUAGE.english_name} page that no longer exists")
    return report
