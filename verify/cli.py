"""The command line: `python -m verify static|live|all [PAGE…]` (the live tier's options: `verify.live.cli`).

Exit status: 0 every check passed, 1 a check failed, 2 bad input or usage (a page that does not
exist, an unknown option).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from languages import LANGUAGES
from verify.console import say
from verify.live import cli as live_cli
from verify.model import display_path
from verify.options import EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError, resolve_pages
from verify.report import StaticSection, update_report

PAGE_ROOTS = tuple(Path(lang.docs_dir) for lang in LANGUAGES)  # languages/registry.yaml


def default_pages(root: Path) -> list[Path]:
    """Every page of every language (docs_src/ja, docs/en…) whose directory exists."""
    pages: list[Path] = []
    for base in PAGE_ROOTS:
        if (root / base).is_dir():
            pages.extend(sorted((root / base).rglob("*.md")))
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
    pages = resolve_pages(args.pages) if args.pages else default_pages(root)
    from verify.confinement.sandbox import SandboxUnavailable

    try:
        ctx = make_context(root, use_cache=not args.no_cache, jobs=args.jobs, unsafe_no_sandbox=args.unsafe_no_sandbox)
    except SandboxUnavailable as error:
        raise UsageError(str(error)) from None
    if not ctx.confined.sandbox.active:
        print(f"sandbox: {ctx.confined.sandbox.describe()}", file=sys.stderr, flush=True)
    if ctx.checker is None:
        print("warning: no kubectl found next to Python or on PATH; kubectl checks are not run", file=sys.stderr)

    changes = _changes(args, pages, root)

    def progress(line: str) -> None:
        if not args.quiet or not line.startswith(("ok", LISTING)):
            say(line)

    started = datetime.now(UTC)
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
        say("\n".join(render(changes, args.changed_since)))
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


def run_both_command(args: argparse.Namespace) -> int:
    """Static tier on the pages named (all pages when none), then the live tier."""
    if args.check_records:
        return live_cli.run_live_command(args)
    live_cli.check_outputs(args)
    code = run_static_command(args)
    return code if code else live_cli.run_live_command(args)


def _add_static_options(parser: argparse.ArgumentParser, prefix: str = "") -> None:
    parser.add_argument("--no-cache", action="store_true", help=f"{prefix}ignore and do not write .cache/verify/")
    parser.add_argument("--jobs", type=int, default=None, help=f"{prefix}parallel kubectl processes")
    parser.add_argument("--changed-since", default=None, metavar="REV",
                        help=f"{prefix}also print every command added or altered since git revision REV, hidden ones first")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m verify", description="Verify the tutorial pages.")
    sub = parser.add_subparsers(dest="tier", metavar="TIER", required=True)
    static = sub.add_parser("static", help="every check that needs no cluster")
    add_common(static)
    _add_static_options(static)
    static.add_argument("--unsafe-no-sandbox", action="store_true",
                        help="run kubectl and bash -n on the pages' commands without the bubblewrap sandbox where none is "
                             "available (only for pages you trust; also VERIFY_UNSAFE_NO_SANDBOX=1)")
    static.set_defaults(handler=run_static_command)
    live_cli.register(sub)
    both = sub.add_parser("all", help="the static tier, then (if it passed) the live tier, on the same pages",
                          description="`python -m verify all [live options] [PAGE…]`: what `nox -s verify` "
                                      "runs. Exit status as for `static`, then `live`.")
    live_cli.add_live_options(both)
    _add_static_options(both, "static tier: ")
    both.set_defaults(handler=run_both_command)
    return parser


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
