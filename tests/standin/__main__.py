"""Run the stand-in by hand: `python -m tests.standin --kubeconfig /tmp/standin.kubeconfig`.

Then `KUBECONFIG=/tmp/standin.kubeconfig kubectl get nodes`. Ctrl-C stops it."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path

from . import Behaviour, StandIn


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.standin", description=__doc__)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--kubeconfig", type=Path, required=True, help="where to write a kubeconfig for it")
    parser.add_argument("--context", default="kind-standin")
    parser.add_argument("--fast", action="store_true", help="short controller delays (as in the tests)")
    parser.add_argument("--set", action="append", default=[], metavar="KNOB=VALUE",
                        help="a Behaviour field, e.g. --set pod_management=parallel --set load_balancer=true")
    args = parser.parse_args(argv)
    overrides: dict[str, object] = {}
    for item in args.set:
        key, _, value = item.partition("=")
        current = getattr(Behaviour(), key)
        if isinstance(current, bool):
            overrides[key] = value.lower() in ("1", "true", "yes")
        elif isinstance(current, (int, float)):
            overrides[key] = type(current)(value)
        elif isinstance(current, set):
            overrides[key] = set(filter(None, value.split(",")))
        else:
            overrides[key] = value
    behaviour = Behaviour.fast(**overrides) if args.fast else Behaviour(**overrides)  # type: ignore[arg-type]
    cluster = StandIn(behaviour, port=args.port)
    cluster.start()
    cluster.write_kubeconfig(args.kubeconfig, args.context)
    print(f"stand-in API server on {cluster.url}; kubeconfig {args.kubeconfig}", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    cluster.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
