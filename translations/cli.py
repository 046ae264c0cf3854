"""`python -m translations`: what needs translating, what changed, and whether translations still match.

    python -m translations [PAGE…]              # status table (every page, or the ones named)
    python -m translations --check [PAGE…]      # exit 1 if a page is missing/outdated or fails parity/glossary
    python -m translations --diff PAGE          # source changes since PAGE's translation, sentence by sentence
    python -m translations stamp [--force] PAGE…  # record the current source page as translated
    python -m translations --lang LANG …        # any of the above for one translation (default: the first)
    python -m translations --check --all-languages  # the check, for every translation

The languages are those of languages/registry.yaml; the source language is Japanese.

A PAGE is written as the status table prints it (tutorials/services/source-ip.md), as a unique
file name (source-ip.md), with or without .md, or as the full path of either language's file.
Exit codes: 0 all good, 1 a check failed, 2 bad input or usage.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn, TextIO

from languages import SOURCE_LANGUAGE, TRANSLATIONS
from pagegrammar import FrontMatterError, UnclosedFence

from . import gitrepo, glossary, parity, sourcediff, stamping, status, structure
from .align import align_pages
from .layout import (
    DEFAULT_TRANSLATION,
    SOURCE_DIR,
    TRANSLATION_DIRS,
    PageNotFound,
    PagePair,
    UnknownLanguage,
    check_language,
    orphan_translations,
    pairs,
    resolve,
)

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

# What one bad page raises; it is reported as that page's error and the other pages go on.
PAGE_ERRORS = (FrontMatterError, UnclosedFence, UnicodeDecodeError)


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see python -m translations --help)")


def _parser() -> _Parser:
    parser = _Parser(
        prog="python -m translations",
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="\n".join(__doc__.splitlines()[2:]),
    )
    codes = ", ".join(t.code for t in TRANSLATIONS)
    parser.add_argument("--lang", default=DEFAULT_TRANSLATION,
                        help=f"the translation to look at: {codes} (default: {DEFAULT_TRANSLATION})")
    parser.add_argument("--all-languages", action="store_true", help="status/--check: every translation, one after the other")
    parser.add_argument("--check", action="store_true", help="exit 1 when anything needs a translator")
    parser.add_argument("--diff", metavar="PAGE", help="print the source page's changes since PAGE was translated")
    parser.add_argument("--force", action="store_true", help="stamp: record the version even where it is refused")
    parser.add_argument("words", nargs="*", metavar="[stamp] PAGE", help="pages (status, --check), or 'stamp PAGE…'")
    return parser


@dataclass
class Report:
    """What a check found: problems fail the check (exit 1), errors are input that could not be read (exit 2)."""

    problems: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _rel(root: Path, path: Path) -> Path:
    return status.display(root, path)


def _load_glossary(root: Path) -> glossary.Glossary:
    path = root / "docs" / "glossary.yml"
    if not path.exists():
        return glossary.Glossary((), {})
    return glossary.load(path, _rel(root, path))


def _check_page(root: Path, row: status.PageStatus, gloss: glossary.Glossary) -> list[str]:
    rel, pair = row.relative, row.pair
    target = _rel(root, pair.translation)
    if row.state == "missing":
        return [f"{target}: missing (translation of {SOURCE_DIR / rel})"]
    problems = []
    lang_option = "" if pair.lang == DEFAULT_TRANSLATION else f"--lang {pair.lang} "
    if row.state == "outdated":
        problems.append(f"{target}: outdated (its {SOURCE_LANGUAGE.english_name} source changed; "
                        f"see `nox -s translations -- {lang_option}--diff {rel}`)")
    src = structure.parse(pair.source, display=_rel(root, pair.source))
    dst = structure.parse(pair.translation, display=target)
    alignment = align_pages(src, dst, gloss, pair.lang)
    problems += [str(m) for m in parity.compare_pages(src, dst, gloss, alignment, lang=pair.lang)]
    problems += [str(f) for f in glossary.check_spellings(gloss, src, SOURCE_LANGUAGE.code)]
    problems += [str(f) for f in glossary.check_spellings(gloss, dst, pair.lang)]
    problems += [str(m) for m in glossary.check_terms(gloss, src, dst, alignment, pair.lang)]
    return problems


def run_check(root: Path, lang: str, chosen: list[PagePair] | None = None) -> Report:
    """Everything a translation must satisfy, for the chosen pages (default: all, plus orphans)."""
    report = Report()
    gloss = _load_glossary(root)
    for row in status.survey(root, chosen if chosen is not None else pairs(root, lang)):
        if isinstance(row, status.PageError):
            report.errors.append(row.message)
            continue
        try:
            report.problems += _check_page(root, row, gloss)
        except PAGE_ERRORS as exc:
            report.errors.append(str(exc))
    if chosen is None:
        for orphan in orphan_translations(root, lang):
            report.problems.append(f"{(TRANSLATION_DIRS[lang] / orphan).as_posix()}: translation of "
                                   f"a {SOURCE_LANGUAGE.english_name} page that no longer exists")
    return report


def check(root: Path, lang: str, out: TextIO | None = None) -> int:
    """Print every problem of every page; return how many were found (unreadable pages included)."""
    report = run_check(root, lang)
    for line in report.problems + [f"error: {e}" for e in report.errors]:
        print(line, file=out or sys.stdout)
    return len(report.problems) + len(report.errors)


def _table(rows: list[status.PageStatus | status.PageError], dated: bool) -> str:
    width = max((len(str(r.relative)) for r in rows), default=4)
    lines = [f"{'page':<{width}}  state", f"{'-' * width}  --------"]
    for r in rows:
        if isinstance(r, status.PageError):
            lines.append(f"{r.relative!s:<{width}}  error (see below)")
            continue
        note = ""
        if r.state == "outdated" and r.source_changed:
            note = f" (source changed {r.source_changed})"
        elif r.state == "outdated" and not dated:
            note = " (change date unknown)"
        lines.append(f"{r.relative!s:<{width}}  {r.state}{note}")
    return "\n".join(lines)


def _status(root: Path, lang: str, chosen: list[PagePair] | None, check_too: bool) -> int:
    dated = gitrepo.is_repository(root)
    rows = status.survey(root, chosen if chosen is not None else pairs(root, lang))
    print(_table(rows, dated))
    if not dated:
        print(f"note: cannot date changes: {root} is not a git repository (--diff and stamp need git)", file=sys.stderr)
    if not check_too:
        errors = [r.message for r in rows if isinstance(r, status.PageError)]
        for message in errors:
            print(f"error: {message}", file=sys.stderr)
        return EXIT_USAGE if errors else EXIT_OK
    report = run_check(root, lang, chosen)
    for line in report.problems:
        print(line)
    for message in report.errors:
        print(f"error: {message}", file=sys.stderr)
    count = len(report.problems)
    if report.errors:
        print(f"{count} problem(s); {len(report.errors)} page(s) could not be read")
        return EXIT_USAGE
    print(f"{count} problem(s)" if count else "translations: all current, structure and glossary match")
    return EXIT_FAILED if count else EXIT_OK


def _diff(root: Path, pair: PagePair) -> int:
    row = status.status_of(root, pair)
    target, source = _rel(root, pair.translation), _rel(root, pair.source)
    if row.state == "missing":
        print(f"error: {target} does not exist yet, so there is no translated version to compare with; "
              f"translate the whole of {source}", file=sys.stderr)
        return EXIT_USAGE
    if row.state == "current":
        print(f"{target} is current: the {SOURCE_LANGUAGE.english_name} page has not changed since.")
        return EXIT_OK
    old = status.source_text_at(root, row.recorded_blob or "")
    new = pair.source.read_text(encoding="utf-8")
    when = f", last changed {row.source_changed}" if row.source_changed else ""
    print(f"Changes to {source} since the version translated in {target} ({(row.recorded_blob or '?')[:12]} -> now{when}).")
    print("Sentences: '- ' removed, '+ ' added, '~ ' rewritten with [-removed-] and {+added+} words.\n")
    print(sourcediff.render(old, new, pair.translation, source_name=source, translation_name=target,
                            glossary=_load_glossary(root), lang=pair.lang))
    lang_option = "" if pair.lang == DEFAULT_TRANSLATION else f"--lang {pair.lang} "
    print(f"Once {target} is updated: nox -s translations -- {lang_option}stamp {pair.relative.as_posix()}")
    return EXIT_OK


def _stamp(root: Path, chosen: list[PagePair], force: bool) -> int:
    code = EXIT_OK
    for pair in chosen:
        target = _rel(root, pair.translation)
        try:
            result = stamping.stamp_page(root, pair, force=force)
        except stamping.StampRefused as exc:
            print(f"error: not stamped: {exc}", file=sys.stderr)
            code = EXIT_USAGE
            continue
        for warning in result.warnings:
            print(f"warning: stamped anyway (--force): {warning}", file=sys.stderr)
        if result.changed:
            print(f"{target}: now records source {result.blob[:12]}")
        else:
            print(f"{target}: already records the current source {result.blob[:12]}")
    return code


def _every_language(root: Path, words: list[str], check_too: bool) -> int:
    """The status table (and check) of each translation in turn; the worst exit code."""
    code = EXIT_OK
    for lang in TRANSLATIONS:
        print(f"== {lang.code} ({lang.english_name}, {lang.docs_dir}) ==")
        chosen = [resolve(root, w, lang.code) for w in words] if words else None
        code = max(code, _status(root, lang.code, chosen, check_too))
    return code


def main(argv: list[str] | None = None, root: Path | None = None) -> int:
    root = (root or Path.cwd()).resolve()
    try:
        try:
            args = _parser().parse_intermixed_args(argv)
        except SystemExit as exc:  # --help
            return int(exc.code or 0)
        lang = check_language(args.lang)
        words = list(args.words)
        command = words.pop(0) if words and words[0] in ("stamp", "status") else "status"
        if command == "stamp":
            if args.check or args.diff:
                raise UsageError("stamp cannot be combined with --check or --diff")
            if not words:
                raise UsageError("stamp needs at least one PAGE")
            return _stamp(root, [resolve(root, w, lang) for w in words], args.force)
        if args.force:
            raise UsageError("--force only applies to stamp")
        if args.all_languages:
            if args.diff:
                raise UsageError("--all-languages applies to the status table and --check, not --diff")
            return _every_language(root, words, args.check)
        if args.diff:
            if args.check or words:
                raise UsageError("--diff takes one PAGE and cannot be combined with --check")
            return _diff(root, resolve(root, args.diff, lang))
        chosen = [resolve(root, w, lang) for w in words] if words else None
        return _status(root, lang, chosen, args.check)
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except (PageNotFound, UnknownLanguage, status.SourceVersionUnavailable, glossary.GlossaryError, *PAGE_ERRORS) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
