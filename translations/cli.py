"""`python -m translations`: what needs translating, what changed, and whether translations still match.

    python -m translations                 # status table
    python -m translations --check         # exit 1 if a page is missing/outdated or fails parity/glossary
    python -m translations --diff PAGE     # Japanese changes since PAGE's translation
    python -m translations stamp PAGE…     # record the current Japanese source as translated
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import frontmatter, glossary, parity, status, structure
from .layout import SOURCE_DIR, orphan_translations, pairs

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _resolve(root: Path, page: str, lang: str) -> status.PagePair:
    """Accept a path relative to docs_src/ja or docs/en, or either full path."""
    wanted = Path(page)
    for pair in pairs(root, lang):
        candidates = {pair.relative, pair.source.relative_to(root), pair.translation.relative_to(root)}
        if wanted in candidates or wanted.with_suffix(".md") in candidates:
            return pair
    raise LookupError(f"{page}: no such Japanese page under {SOURCE_DIR}/")


def _table(rows: list[status.PageStatus]) -> str:
    width = max((len(str(r.relative)) for r in rows), default=4)
    lines = [f"{'page':<{width}}  state", f"{'-' * width}  --------"]
    for r in rows:
        note = f" (source changed {r.source_changed})" if r.state == "outdated" and r.source_changed else ""
        lines.append(f"{str(r.relative):<{width}}  {r.state}{note}")
    return "\n".join(lines)


def check(root: Path, lang: str, out=None) -> int:
    """Everything a translation must satisfy; prints each problem, returns the number found."""
    problems: list[str] = []
    gloss = glossary.load(root / "docs" / "glossary.yml")
    for row in status.statuses(root, lang):
        rel = row.relative
        if row.state == "missing":
            problems.append(f"{row.pair.translation.relative_to(root)}: missing (translation of {SOURCE_DIR / rel})")
            continue
        if row.state == "outdated":
            problems.append(
                f"{row.pair.translation.relative_to(root)}: outdated (its Japanese source changed; "
                f"see `nox -s translations -- --diff {rel}`)"
            )
        src = structure.parse(row.pair.source, display=row.pair.source.relative_to(root))
        dst = structure.parse(row.pair.translation, display=row.pair.translation.relative_to(root))
        problems += [str(m) for m in parity.compare_pages(src, dst)]
        problems += [str(f) for f in glossary.check_spellings(gloss, src, "ja")]
        problems += [str(f) for f in glossary.check_spellings(gloss, dst, lang)]
        problems += [str(f) for f in glossary.check_terms(gloss, src, dst)]
    for orphan in orphan_translations(root, lang):
        problems.append(f"docs/{lang}/{orphan}: translation of a Japanese page that no longer exists")
    for p in problems:
        print(p, file=out or sys.stdout)
    return len(problems)


def main(argv: list[str] | None = None, root: Path | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m translations", description=__doc__.splitlines()[0])
    parser.add_argument("--lang", default="en")
    parser.add_argument("--check", action="store_true", help="exit 1 when anything needs a translator")
    parser.add_argument("--diff", metavar="PAGE", help="print the Japanese changes since PAGE was translated")
    parser.add_argument("command", nargs="?", choices=["status", "stamp"], default="status")
    parser.add_argument("pages", nargs="*")
    args = parser.parse_args(argv)
    root = (root or Path.cwd()).resolve()
    try:
        if args.command == "stamp":
            if not args.pages:
                parser.error("stamp needs at least one PAGE")
            for page in args.pages:
                pair = _resolve(root, page, args.lang)
                blob = status.stamp(pair)
                print(f"{pair.translation.relative_to(root)}: now records source {blob[:12]}")
            return EXIT_OK
        if args.diff:
            pair = _resolve(root, args.diff, args.lang)
            row = status.status_of(root, pair)
            if row.state == "current":
                print(f"{pair.translation.relative_to(root)} is current: the Japanese page has not changed since.")
            else:
                sys.stdout.write(status.source_diff(root, row))
            return EXIT_OK
        rows = status.statuses(root, args.lang)
        print(_table(rows))
        if args.check:
            count = check(root, args.lang)
            print(f"{count} problem(s)" if count else "translations: all current, structure and glossary match")
            return EXIT_FAILED if count else EXIT_OK
        return EXIT_OK
    except (LookupError, frontmatter.FrontMatterError, glossary.GlossaryError, structure.UnclosedFence) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
