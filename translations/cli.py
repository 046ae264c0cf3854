"""`python -m translations`: what needs translating, what changed, and whether translations still match.

    python -m translations [PAGE…]              # status table (every page, or the ones named)
    python -m translations --check [PAGE…]      # every finding, then one summary line; exit 1 if any
    python -m translations --diff PAGE          # source changes since PAGE's stamp, with the translation of each
    python -m translations stamp PAGE…          # record the current source page as translated
    python -m translations stamp PAGE --ack LINE… --reason TEXT   # … acknowledging changes that need no edit
    python -m translations glossary [WORD…]     # look a term up in every language (no WORD: the whole glossary)
    python -m translations ids [PAGE…]          # give translated headings their source headings' ids
    python -m translations --lang LANG …        # any of the above for one translation (default: the first)
    python -m translations --check --all-languages  # the check, for every translation

The languages are those of languages/registry.yaml; the source language is Japanese. The project
is the nearest folder from the working directory up that holds the source pages (docs_src/ja), or
else the checkout these tools belong to.

A PAGE is written as the status table prints it (tutorials/services/source-ip.md), as a unique
file name (source-ip.md), with or without .md, or as the path (absolute, or from the working
directory) of either language's file. Exit codes: 0 all good, 1 a check failed, 2 bad input or usage.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import NoReturn, TextIO

from languages import SOURCE_LANGUAGE, TRANSLATIONS

from . import coverage, gitrepo, glossary, headings, sourcediff, stamping, status, structure
from .align import align_pages
from .check import GLOSSARY, PAGE_ERRORS, load_glossary, run_check
from .layout import (
    DEFAULT_TRANSLATION,
    SOURCE_DIR,
    TRANSLATION_DIRS,
    PageNotFound,
    PagePair,
    UnknownLanguage,
    check_language,
    command,
    find_root,
    pairs,
    resolve,
)

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
#: The checkout these tools belong to: the project when the working directory is outside any.
PROJECT_ROOT = Path(__file__).resolve().parents[1]
COMMANDS = ("stamp", "status", "glossary", "ids")


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
    parser.add_argument("--diff", metavar="PAGE", help="print the source page's changes since PAGE was stamped")
    parser.add_argument("--ack", metavar="LINE", type=int, action="append", default=[],
                        help="stamp: a changed line of the source page (as the refusal lists it) that needs no "
                             "edit of the translation; once per line")
    parser.add_argument("--reason", metavar="TEXT", help="stamp --ack: why, recorded in the translation's front matter")
    parser.add_argument("words", nargs="*", metavar="[COMMAND] PAGE|WORD",
                        help=f"pages (status, --check), or a command ({', '.join(COMMANDS)}) and its words")
    return parser


class _Context:
    """Where a command runs: the project's root, the working directory, the translation's language."""

    def __init__(self, root: Path, cwd: Path, lang: str) -> None:
        self.root, self.cwd, self.lang = root, cwd, lang

    def rel(self, path: Path) -> Path:
        return status.display(self.root, path)

    def page(self, name: str, lang: str | None = None) -> PagePair:
        return resolve(self.root, name, lang or self.lang, self.cwd)


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
        if r.never_stamped:
            note = " (never stamped)"
        elif r.state == "outdated" and r.source_changed:
            note = f" (source changed {r.source_changed})"
        elif r.state == "outdated" and not dated:
            note = " (change date unknown)"
        lines.append(f"{r.relative!s:<{width}}  {r.state}{note}")
    return "\n".join(lines)


def _status(ctx: _Context, chosen: list[PagePair] | None) -> int:
    dated = gitrepo.is_repository(ctx.root)
    rows = status.survey(ctx.root, chosen if chosen is not None else pairs(ctx.root, ctx.lang))
    print(_table(rows, dated))
    if not dated:
        print(f"note: cannot date changes: {ctx.root} is not a git repository (--diff and stamp need git)", file=sys.stderr)
    errors = [r.message for r in rows if isinstance(r, status.PageError)]
    for message in errors:
        print(f"error: {message}", file=sys.stderr)
    return EXIT_USAGE if errors else EXIT_OK


def _check(ctx: _Context, chosen: list[PagePair] | None) -> int:
    report = run_check(ctx.root, ctx.lang, chosen)
    for line in report.problems:
        print(line)
    for message in report.errors:
        print(f"error: {message}", file=sys.stderr)
    print(report.summary())
    if report.errors:
        return EXIT_USAGE
    return EXIT_FAILED if report.problems else EXIT_OK


def _diff(ctx: _Context, pair: PagePair) -> int:
    row = status.status_of(ctx.root, pair)
    target, source = ctx.rel(pair.translation), ctx.rel(pair.source)
    if row.state == "missing" or row.recorded_blob is None:
        why = "does not exist yet" if row.state == "missing" else "was never stamped"
        print(f"error: {target} {why}, so there is no translated version to compare with; "
              f"translate the whole of {source}", file=sys.stderr)
        return EXIT_USAGE
    if row.state == "current":
        same = "" if status.same_blob(row.recorded_blob, row.current_blob) else \
            " (only its line breaks, spaces or blank lines changed, not its words)"
        print(f"{target} is current: the {SOURCE_LANGUAGE.english_name} page has not changed since{same}.")
        return EXIT_OK
    old = status.source_text_at(ctx.root, row.recorded_blob)
    then = gitrepo.text_when_recorded(ctx.root, pair.translation, row.recorded_blob)
    english_text = pair.translation.read_text(encoding="utf-8")
    found = coverage.survey(old, structure.parse(pair.source, display=source), then[1] if then else None,
                            structure.parse(pair.translation, text=english_text, display=target),
                            load_glossary(ctx.root), pair.lang)
    when = f", last changed {row.source_changed}" if row.source_changed else ""
    print(f"Changes to {source} since the version translated in {target} ({row.recorded_blob[:12]} -> now{when}).")
    print(sourcediff.LEGEND + "\n")
    print(sourcediff.render(found, source_name=source, translation_name=target, translation_text=english_text,
                            lang=pair.lang))
    print(f"Once {target} is updated: {command(pair.lang)}stamp {pair.relative.as_posix()}")
    return EXIT_OK


def _stamp(ctx: _Context, chosen: list[PagePair], acks: list[int], reason: str | None) -> int:
    if acks and len(chosen) != 1:
        raise UsageError("--ack names lines of one page: stamp one PAGE at a time with --ack")
    if reason and not acks:
        raise UsageError("--reason goes with --ack")
    code = EXIT_OK
    gloss = load_glossary(ctx.root)
    for pair in chosen:
        target = ctx.rel(pair.translation)
        try:
            result = stamping.stamp_page(ctx.root, pair, gloss, acks=tuple(acks), reason=reason)
        except stamping.StampRefused as exc:
            print(f"error: not stamped: {exc}", file=sys.stderr)
            code = EXIT_USAGE
            continue
        if not result.changed:
            print(f"{target}: already records the current source {result.blob[:12]}")
            continue
        acknowledged = ""
        if result.acknowledged:
            places = ", ".join(f"{ctx.rel(pair.source)}:{a.line}" for a in result.acknowledged)
            count = "1 place" if len(result.acknowledged) == 1 else f"{len(result.acknowledged)} places"
            acknowledged = f" ({count} acknowledged: {places})"
        print(f"{target}: now records source {result.blob[:12]}{acknowledged}")
    return code


def _glossary(ctx: _Context, words: list[str]) -> int:
    gloss = load_glossary(ctx.root)
    if not words:
        print(f"{GLOSSARY.as_posix()}: {glossary.summary(gloss)}")
        print("\n".join(glossary.listing(gloss)))
        return EXIT_OK
    query = " ".join(words)
    found = glossary.lookup(gloss, query)
    if not found:
        print(f"{query!r} is not in {GLOSSARY.as_posix()} ({glossary.summary(gloss)})")
        return EXIT_FAILED
    print("\n".join(found))
    return EXIT_OK


def _ids(ctx: _Context, chosen: list[PagePair] | None) -> int:
    gloss = load_glossary(ctx.root)
    todo = []
    for pair in chosen if chosen is not None else pairs(ctx.root, ctx.lang):
        if not pair.translation.exists():
            continue
        src = structure.parse(pair.source, display=ctx.rel(pair.source))
        dst = structure.parse(pair.translation, display=ctx.rel(pair.translation))
        todo.append((pair, src, dst, align_pages(src, dst, gloss, pair.lang)))
    changed = headings.write_ids(todo, ctx.root / TRANSLATION_DIRS[ctx.lang])
    if not changed:
        print("every heading already has its source's id")
    for change in changed:
        parts = [f"{change.ids} heading id{'s' if change.ids != 1 else ''}"] if change.ids else []
        parts += [f"{change.links} link{'s' if change.links != 1 else ''}"] if change.links else []
        print(f"{ctx.rel(change.path)}: {', '.join(parts)}")
    return EXIT_OK


def _every_language(ctx: _Context, words: list[str], check_too: bool) -> int:
    """The status table (or check) of each translation in turn; the worst exit code."""
    code = EXIT_OK
    for lang in TRANSLATIONS:
        print(f"== {lang.code} ({lang.english_name}, {lang.docs_dir}) ==")
        each = _Context(ctx.root, ctx.cwd, lang.code)
        chosen = [each.page(w) for w in words] if words else None
        code = max(code, _check(each, chosen) if check_too else _status(each, chosen))
    return code


def _root(root: Path | None, cwd: Path) -> Path:
    if root is not None:
        return root.resolve()
    found = find_root(cwd, PROJECT_ROOT)
    if found is None:
        raise UsageError(f"{cwd} is not inside the project: no folder from there up has {SOURCE_DIR}/ "
                         "(run the command inside the project's checkout)")
    return found.resolve()


def _dispatch(args: argparse.Namespace, ctx: _Context) -> int:
    words = list(args.words)
    name = words.pop(0) if words and words[0] in COMMANDS else "status"
    if (args.ack or args.reason) and name != "stamp":
        raise UsageError("--ack and --reason only apply to stamp")
    if name in ("stamp", "glossary", "ids") and (args.check or args.diff or args.all_languages):
        raise UsageError(f"{name} cannot be combined with --check, --diff or --all-languages")
    if name == "stamp":
        if not words:
            raise UsageError("stamp needs at least one PAGE")
        return _stamp(ctx, [ctx.page(w) for w in words], args.ack, args.reason)
    if name == "glossary":
        return _glossary(ctx, words)
    if name == "ids":
        return _ids(ctx, [ctx.page(w) for w in words] if words else None)
    if args.all_languages:
        if args.diff:
            raise UsageError("--all-languages applies to the status table and --check, not --diff")
        return _every_language(ctx, words, args.check)
    if args.diff:
        if args.check or words:
            raise UsageError("--diff takes one PAGE and cannot be combined with --check")
        return _diff(ctx, ctx.page(args.diff))
    chosen = [ctx.page(w) for w in words] if words else None
    return _check(ctx, chosen) if args.check else _status(ctx, chosen)


def main(argv: list[str] | None = None, root: Path | None = None) -> int:
    """Run the command line; `root` is the project (default: found from the working directory)."""
    try:
        try:
            args = _parser().parse_intermixed_args(argv)
        except SystemExit as exc:  # --help
            return int(exc.code or 0)
        cwd = Path.cwd()
        ctx = _Context(_root(root, cwd), cwd, check_language(args.lang))
        return _dispatch(args, ctx)
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except (PageNotFound, UnknownLanguage, status.SourceVersionUnavailable, glossary.GlossaryError, *PAGE_ERRORS) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
