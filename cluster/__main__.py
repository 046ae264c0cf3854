"""`python -m cluster [ACTION] [--kwok | --nodes | --kind [NAME] | --existing CONTEXT]`: the cluster targets.

ACTION is `up` (the default), `down`, `status`, `build` (binaries and images only) or
`printer-columns`; `--down` and `--status` say the same as flags (`nox -s cluster -- --nodes --down`).
Without a target flag the target is `--kwok`. `printer-columns` regenerates the static tier's
`verify/data/printer_columns_1.37.yaml` from the running kwok control plane.

Exit status: 0 done (`status`: the target runs), 1 `status`: it does not run, 2 the target could not
be built, started or stopped (one paragraph on stderr naming the component and the cause).
"""

from __future__ import annotations

import argparse
import sys

from cluster.providers import PROVIDERS, ProviderError

ACTIONS = ("up", "down", "status", "build", "printer-columns")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m cluster", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", nargs="?", choices=ACTIONS, help="what to do (default: up)")
    targets = parser.add_mutually_exclusive_group()
    for name, make in PROVIDERS.items():
        metavar = getattr(make, "metavar", "")
        summary = getattr(make, "summary", "")
        if metavar:
            targets.add_argument(f"--{name}", nargs="?", const="", metavar=metavar, help=summary)
        else:
            targets.add_argument(f"--{name}", action="store_const", const="", help=summary)
    parser.add_argument("--down", dest="flag_action", action="store_const", const="down", help="same as ACTION down")
    parser.add_argument("--status", dest="flag_action", action="store_const", const="status", help="same as ACTION status")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.action and args.flag_action and args.action != args.flag_action:
        parser.error(f"both {args.action!r} and --{args.flag_action} given")
    action = args.flag_action or args.action or "up"
    chosen = next((name for name in PROVIDERS if getattr(args, name) is not None), "kwok")
    target = PROVIDERS[chosen](getattr(args, chosen) or "")
    try:
        if action == "build":
            print(target.build(print))
        elif action == "up":
            state = target.up(print)
            print(f"ready: context {target.context}; run `python -m verify live --context {target.context} "
                  f"--allow-context {target.context}`" if state.running else state.describe())
        elif action == "down":
            target.down(print)
        elif action == "printer-columns":
            from cluster import printer_columns

            return printer_columns.main()
        else:
            state = target.status()
            print(state.describe())
            return 0 if state.running else 1
    except ProviderError as error:
        print(f"cluster {action} --{chosen}: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"cluster {action} --{chosen}: interrupted; what had been started was stopped", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
