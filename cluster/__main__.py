"""`python -m cluster build|up|down|status|printer-columns`: the local control plane (`nox -s cluster -- --kwok`).

`printer-columns` regenerates the static tier's `verify/data/printer_columns_1.37.yaml` from the
running API server.

Exit status: 0 done, 2 the control plane could not be built, started or stopped (one paragraph on
stderr saying which command failed and why).
"""

from __future__ import annotations

import argparse
import sys

from cluster import build, kwok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cluster", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=("build", "up", "down", "status", "printer-columns"))
    args = parser.parse_args(argv)
    try:
        if args.action == "build":
            print(f"control plane binaries: {build.ensure()}")
        elif args.action == "up":
            kwok.up()
            print(f"ready: context {kwok.CONTEXT}; run `python -m verify live --context {kwok.CONTEXT} "
                  f"--allow-context {kwok.CONTEXT}`")
        elif args.action == "down":
            kwok.down()
        elif args.action == "printer-columns":
            from cluster import printer_columns

            return printer_columns.main()
        else:
            state = kwok.status(build.cached())
            print(f"running at {state.server}: Kubernetes {state.version}, {state.nodes} nodes, context "
                  f"{kwok.CONTEXT}" if state.running else "not running")
            return 0 if state.running else 1
    except (build.BuildError, kwok.ClusterError) as error:
        print(f"cluster {args.action}: error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
