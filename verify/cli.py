"""The command line: `python -m verify static [PAGE…]` (and `live`, added by `verify.live`).

Exit status: 0 every check passed, 1 a check failed, 2 bad input or usage (a page that does not
exist, an unknown option).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from pathlib import Path

from languages import LANGUAGES
from verify.model import display_path
from verify.report import StaticSection, update_report

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
PAGE_ROOTS = tuple(Path(lang.docs_dir) for lang in LANGUAGES)  # languages/registry.yaml


class UsageError(Exception):
    """Bad input on the command line: reported in one line, exit status 2."""


def default_pages(root: Path) -> list[Path]:
    """Every page of every language (docs_src/ja, docs/en…) whose directory exists."""
    pages: list[Path] = []
    for base in PAGE_ROOTS:
        if (root / base).is_dir():
            pages.extend(sorted((root / base).rglob("*.md")))
    return pages


def resolve_pages(names: Sequence[str], root: Path) -> list[Path]:
    """Pages named on the command line (files or directories of pages), or the default set."""
    if not names:
        return default_pages(root)
    pages: list[Path] = []
    for name in names:
        path = Path(name)
        if path.is_dir():
            found = sorted(path.rglob("*.md"))
            if not found:
                raise UsageError(f"no pages (*.md) under {name}")
            pages.extend(found)
        elif path.is_file():
            if path.suffix != ".md":
                raise UsageError(f"not a Markdown page: {name}")
            pages.append(path)
        else:
            raise UsageError(f"no such page: {name}")
    return pages


def add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("pages", nargs="*", metavar="PAGE", help="pages or directories (default: all pages)")
    parser.add_argument("--root", type=Path, default=Path("."), help="repository root (default: .)")
    parser.add_argument("--report", type=Path, default=Path("verify-report.json"), help="report file (default: %(default)s)")
    parser.add_argument("-q", "--quiet", action="store_true", help="print only failures and the summary")


def run_static_command(args: argparse.Namespace) -> int:
    from verify.static import make_context
    from verify.static.manifests import SCHEMA_VERSION
    from verify.static.run import LISTING, run_static

    root = args.root.resolve()
    if not root.is_dir():
        raise UsageError(f"no such directory: {args.root}")
    pages = resolve_pages(args.pages, root)
    ctx = make_context(root, use_cache=not args.no_cache, jobs=args.jobs)
    if ctx.checker is None:
        print("warning: no kubectl found next to Python or on PATH; kubectl checks are not run", file=sys.stderr)

    changes = _changes(args, pages, root)

    def progress(line: str) -> None:
        if not args.quiet or not line.startswith(("ok", LISTING)):
            print(line, flush=True)

    started = datetime.now(timezone.utc)
    run = run_static(pages, ctx, progress, sweep_manifests=not args.pages)
    section = StaticSection.of(
        run.entries,
        started=started.isoformat(timespec="seconds"),
        seconds=run.seconds,
        kubectl=ctx.checker.version if ctx.checker else None,
        kubernetes_schema=SCHEMA_VERSION,
        pages=[display_path(p) for p in pages],
        programs=run.programs,
    )
    if changes is not None:
        from verify.static.changes import render

        section.changed_since = {"rev": args.changed_since, "commands": [
            {"location": str(c.command.location), "how": c.command.how, "status": c.status, "command": c.command.text}
            for c in changes]}
        print("\n".join(render(changes, args.changed_since)))
    update_report(args.report, section)
    print(
        f"static tier: {run.pages} page(s), {run.manifests} manifest file(s), "
        f"{run.kubectl_runs} kubectl run(s), {run.seconds:.2f} s; report: {display_path(args.report.resolve())}"
    )
    print(run.counts.line())
    return EXIT_FAILED if run.counts.failed else EXIT_OK


def _changes(args: argparse.Namespace, pages: list[Path], root: Path) -> list | None:
    """The commands added or altered since --changed-since REV (None without the option)."""
    if args.changed_since is None:
        return None
    from verify.static.changes import RevisionError, changes_since

    try:
        return changes_since(pages, root, args.changed_since)
    except RevisionError as error:
        raise UsageError(str(error)) from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m verify", description="Verify the tutorial pages.")
    sub = parser.add_subparsers(dest="tier", metavar="TIER", required=True)
    static = sub.add_parser("static", help="every check that needs no cluster")
    add_common(static)
    static.add_argument("--no-cache", action="store_true", help="ignore and do not write .cache/verify/")
    static.add_argument("--jobs", type=int, default=None, help="parallel kubectl processes")
    static.add_argument("--changed-since", default=None, metavar="REV",
                        help="also print every command added or altered since git revision REV, hidden ones first")
    static.set_defaults(handler=run_static_command)
    for register in _extensions():
        register(sub)
    return parser


def _extensions() -> list[Callable[[argparse._SubParsersAction], None]]:
    """Tiers that live in other modules register their own subcommand (`register(subparsers)`)."""
    try:
        from verify.live.cli import register  # type: ignore[import-not-found]
    except ImportError:
        return []
    return [register]


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args))
    except UsageError as error:
        print(f"verify: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("verify: interrupted", file=sys.stderr)
        return 130
