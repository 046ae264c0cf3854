"""`python -m verify live [--context NAME] [--allow-context NAME] [--junit FILE] [-j N] [PAGE…]`.

Exit status: 0 every step passed or was skipped, 1 a step failed (or cleanup left something
behind), 2 bad input or a cluster that must not or cannot be used (refused context, unreachable
server, missing kubeconfig: one line on stderr), 130/143 interrupted (after cleanup).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from languages import SOURCE_LANGUAGE
from verify.confinement.limits import Limits
from verify.console import say
from verify.options import EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError, resolve_pages


def register(subparsers: Any) -> None:
    """Add the `live` subcommand (`verify.cli` adds `all`, which runs the static tier first)."""
    add_live_options(subparsers.add_parser("live", help="run the pages against a cluster and confirm their outputs",
                                           description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter))


def add_live_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("pages", nargs="*", metavar="PAGE", help="pages or directories (default: all Japanese pages)")
    parser.add_argument("--root", type=Path, default=Path("."), help="repository root (default: .)")
    parser.add_argument("--report", type=Path, default=Path("verify-report.json"),
                        help="report file (default: %(default)s)")
    parser.add_argument("--junit", type=Path, default=None, metavar="FILE", help="also write JUnit XML here")
    parser.add_argument("--kubeconfig", type=Path, default=None, help="kubeconfig (default: $KUBECONFIG or ~/.kube/config)")
    parser.add_argument("--context", default=None, help="context to use (default: the current context)")
    parser.add_argument("--allow-context", action="append", default=[], metavar="NAME",
                        help="allow a context that is not a local cluster (repeatable)")
    parser.add_argument("--provide", action="append", default=[], metavar="NEED",
                        help="declare a need the probe cannot see, e.g. elasticsearch or node-shell (repeatable)")
    parser.add_argument("--withhold", action="append", default=[], metavar="NEED",
                        help="treat a need as missing whatever the probe finds, to rehearse a smaller cluster (repeatable)")
    parser.add_argument("--secret-env", action="append", default=[], metavar="VAR",
                        help="redact the value of this environment variable everywhere (repeatable)")
    parser.add_argument("--pass-env", action="append", default=[], metavar="VAR",
                        help="give the pages' commands this variable of the verifier's environment (repeatable; "
                             "its value is redacted like --secret-env; nothing else of the environment is passed)")
    parser.add_argument("--unsafe-no-sandbox", action="store_true",
                        help="run the pages' commands without the bubblewrap sandbox where none is available (they can "
                             "then read this machine's files; only for pages you trust; also VERIFY_UNSAFE_NO_SANDBOX=1)")
    parser.add_argument("--page-network", choices=("isolated", "lab", "host"), default=None,
                        help="isolated (default): each page's commands reach only the API server; lab (default on the "
                             "real-node target): also node, Pod and load-balancer addresses through a seat in the lab, "
                             "nothing beyond it; host: this machine's network, for a cluster whose node addresses a "
                             "page connects to (kind, minikube) or for --provide internet")
    parser.add_argument("--allow-pod-security", action="append", default=[], metavar="PAGE",
                        help="let PAGE's namespace enforce the Pod Security level its steps ask for "
                             "(<!-- verify: pod-security=privileged reason=… -->) instead of baseline; without it those "
                             "steps are skipped. Their Pods may then be root on the nodes: on the real-node target, "
                             "on this machine (repeatable)")
    parser.add_argument("--max-processes", type=int, default=Limits.processes, metavar="N",
                        help="processes (threads included) one page may have at once (default: %(default)s)")
    parser.add_argument("--max-memory", type=int, default=Limits.memory >> 20, metavar="MIB",
                        help="memory one page's processes may hold, in MiB (default: %(default)s)")
    parser.add_argument("--max-output", type=int, default=Limits.output >> 10, metavar="KIB",
                        help="output kept per step, in KiB; the rest is counted and the report says where it was cut "
                             "(default: %(default)s)")
    parser.add_argument("--max-step-timeout", type=float, default=Limits.timeout_ceiling, metavar="SECONDS",
                        help="the ceiling of any step's timeout, a page's timeout= included (default: %(default)s)")
    parser.add_argument("--step-timeout", type=float, default=600.0, metavar="SECONDS")
    parser.add_argument("--watch-timeout", type=float, default=300.0, metavar="SECONDS",
                        help="how long a shown terminal may take to print its documented rows")
    parser.add_argument("--retry-interval", type=float, default=2.0, metavar="SECONDS",
                        help="pause between tries of a read-only command whose output does not match yet")
    parser.add_argument("--retry-budget", type=float, default=120.0, metavar="SECONDS",
                        help="how long a read-only command may be retried until its output matches")
    parser.add_argument("--terminal-settle", type=float, default=1.0, metavar="SECONDS",
                        help="the longest a background terminal is waited for before the next step: it is ready once its "
                             "listing is printed, and this bounds a watch over no objects, which prints nothing")
    parser.add_argument("--watch-quiet", type=float, default=5.0, metavar="SECONDS",
                        help="once the page has waited for the state a shown watch documents, how long the watch may "
                             "print nothing new before its documented rows count as not coming (default: %(default)s)")
    parser.add_argument("--cleanup-timeout", type=float, default=300.0, metavar="SECONDS")
    parser.add_argument("--probe-timeout", type=float, default=60.0, metavar="SECONDS",
                        help="how long a probe LoadBalancer Service may wait for an address")
    parser.add_argument("--keep-workdir", action="store_true", help="keep each page's working directory")
    parser.add_argument("--record-events", type=Path, default=None, metavar="DIR",
                        help="write the events each page's claims were checked against to DIR/<page>.jsonl "
                             "(how tests/fixtures/events/ is recorded)")
    parser.add_argument("--record", action="store_true",
                        help="write a verification record for each page the run takes to its end "
                             "(verification/<page>.json; commit them)")
    parser.add_argument("--at-least-recorded", action="store_true",
                        help="fail (exit 1) when a page runs fewer steps than its committed record says, or its record "
                             "is of another kind of target (what CI runs on the real nodes)")
    parser.add_argument("--check-records", action="store_true",
                        help="only check that every page with commands has a record and that neither the page nor "
                             "a file it includes changed since (no cluster needed); exit 1 naming each page if not")
    parser.add_argument("-j", "--pages-at-once", type=int, default=None, metavar="N", dest="pages_at_once",
                        help="run up to N pages at once, each in a process of its own (default: on the control plane "
                             "the number of cores, at least 2; on other targets half of them, at least 1); a page "
                             "that writes outside its namespace (its access:) or on the nodes still runs alone")
    parser.add_argument("-q", "--quiet", action="store_true", help="print only failures and the summary")
    parser.set_defaults(handler=run_live_command)  # `all` sets its own handler after this


def _kubectl() -> Path:
    from cluster import kubectl

    try:
        return kubectl.require()
    except kubectl.KubectlMissing as error:
        raise UsageError(str(error)) from None


class _KubectlVersion:
    """`kubectl version --client`, started at once and read when the report is written (the run goes on meanwhile)."""

    def __init__(self, kubectl: Path) -> None:
        import subprocess

        try:
            # A failing kubectl prints no JSON: `get` then says "unknown", as for any other failure.
            self.process: Any = subprocess.Popen([str(kubectl), "version", "--client", "-o", "json"],
                                                 stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                                 stdin=subprocess.DEVNULL, text=True,
                                                 start_new_session=True)  # a Ctrl-C of the run is not its
        except OSError:
            self.process = None

    def get(self) -> str:
        import json
        import subprocess

        if self.process is None:
            return "unknown"
        try:
            output, _ = self.process.communicate(timeout=30)
            return str(json.loads(output)["clientVersion"]["gitVersion"])
        except (OSError, ValueError, KeyError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait()
            return "unknown"


def target_label(target: Any) -> str:
    """One line that says what a result came from."""
    if target.control_plane_only:
        return (f"control plane, Kubernetes {target.server_version} with {target.nodes} nodes simulated by kwok "
                f"{target.kwok_version or '(version unknown)'}; steps that need a container runtime are skipped")
    runtime = f" running {target.runtime}" if getattr(target, "runtime", "") else ""
    return f"cluster, Kubernetes {target.server_version} with {target.nodes} nodes{runtime}"


def _sandbox(args: argparse.Namespace) -> Any:
    """The sandbox pages will run in, said out loud; refused unless the maintainer opted out of it."""
    from verify.confinement.sandbox import SandboxUnavailable, required, unsafe_requested
    from verify.live.shell import passed_env

    try:
        passed_env(args.pass_env)
    except ValueError as error:
        raise UsageError(str(error)) from None
    try:
        sandbox = required(unsafe_requested(args.unsafe_no_sandbox))
    except SandboxUnavailable as error:
        raise UsageError(str(error)) from None
    print(f"sandbox: {sandbox.describe()}" + (f"; passed by name: {', '.join(args.pass_env)}" if args.pass_env else ""),
          flush=True)
    return sandbox


def _limits(args: argparse.Namespace) -> Limits:
    for option, value in (("--max-processes", args.max_processes), ("--max-memory", args.max_memory),
                          ("--max-output", args.max_output), ("--max-step-timeout", args.max_step_timeout)):
        if value <= 0:
            raise UsageError(f"{option} must be positive")
    if args.pages_at_once is not None and args.pages_at_once <= 0:
        raise UsageError("-j/--pages-at-once must be positive")
    if "internet" in args.provide and args.page_network != "host":
        raise UsageError("--provide internet: a page's commands reach only the API server unless --page-network host "
                         "gives them this machine's network")
    return Limits(processes=args.max_processes, memory=args.max_memory << 20, output=args.max_output << 10,
                  timeout_ceiling=args.max_step_timeout)


def page_network(chosen: str | None, target: Any) -> str:
    """The pages' network: as chosen, else a lab seat on the real-node target and an isolated namespace elsewhere."""
    from cluster.nodes import seat

    in_lab = not target.control_plane_only and seat.serves(target.server)
    if chosen == "lab" and not in_lab:
        raise UsageError(f"--page-network lab: {target.server} is not the real-node target's API server "
                         "(start it with `nox -s cluster -- --nodes`)")
    return chosen or ("lab" if in_lab else "isolated")


def _allowed_pod_security(args: argparse.Namespace, pages: list[Path]) -> frozenset[Path]:
    """The pages named by --allow-pod-security, each of which must be one of the run's pages."""
    running = {Path(page).resolve() for page in pages}
    allowed = set()
    for name in args.allow_pod_security:
        path = Path(name).resolve()
        if path not in running:
            raise UsageError(f"--allow-pod-security {name}: not one of the pages this run runs")
        allowed.add(path)
    if allowed:
        say("pod security: " + ", ".join(sorted(str(p) for p in args.allow_pod_security))
            + ": steps marked pod-security=… run with that level (their Pods may be root on the nodes)", sys.stderr)
    return frozenset(allowed)


def _target_images(target: Any) -> Any:
    """The real-node target's images (what each was built from, where it differs); None on any other target."""
    from cluster.nodes import seat
    from verify.live.images import TargetImages

    if target.control_plane_only or not seat.serves(target.server):
        return None
    return TargetImages.of_real_nodes()


def check_outputs(args: argparse.Namespace) -> None:
    """Every file the run will write must be writable before the first step (not after a long run)."""
    from atomic_files import check_writable
    from verify.records import RECORDS_DIR

    targets = [("--report", args.report)] + ([("--junit", args.junit)] if args.junit else [])
    if getattr(args, "record", False):
        targets.append(("--record", args.root.resolve() / RECORDS_DIR / "x.json"))
    for option, path in targets:
        why = check_writable(path)
        if why:
            raise UsageError(f"{option}: {why}")


def run_live_command(args: argparse.Namespace) -> int:
    from verify.live import recording
    from verify.live.cluster import ClusterError, api_client_for, connect, select
    from verify.live.console import ConsoleReporter
    from verify.live.parallel import default_jobs, run_parallel
    from verify.live.probe import Prober
    from verify.live.results import claim_total, total, write_junit
    from verify.live.runner import Settings, run_live
    from verify.model import display_path
    from verify.outcomes import Verdict
    from verify.report import LiveSection, update_report
    from verify.results import FAILED

    root = args.root.resolve()
    if not root.is_dir():
        raise UsageError(f"no such directory: {args.root}")
    if args.check_records:
        return recording.check(root)
    check_outputs(args)
    names = args.pages or [str(root / SOURCE_LANGUAGE.docs_dir)]
    pages = resolve_pages(names)
    taken = recording.snapshots(pages, root) if args.record else {}
    kubectl = _kubectl()
    limits = _limits(args)
    sandbox = _sandbox(args)
    allowed_pod_security = _allowed_pod_security(args, pages)
    try:
        target = connect(select(args.kubeconfig, args.context, args.allow_context))
    except ClusterError as error:
        print(f"verify live: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    try:
        args.page_network = page_network(args.page_network, target)
    except UsageError as error:
        print(f"verify live: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    version_of_kubectl = _KubectlVersion(kubectl)
    api_client = api_client_for(target.kubeconfig, target.context)
    prober = Prober(api_client, provided=args.provide, lb_timeout=args.probe_timeout, withheld=args.withhold,
                    control_plane_only=target.control_plane_only, host_network=args.page_network == "host",
                    lab_seat=args.page_network == "lab")
    settings = Settings(root=root, kubectl=kubectl, sandbox=sandbox, limits=limits, page_network=args.page_network,
                        step_timeout=args.step_timeout, watch_timeout=args.watch_timeout,
                        retry_interval=args.retry_interval, retry_budget=args.retry_budget, terminal_settle=args.terminal_settle,
                        watch_quiet=args.watch_quiet,
                        cleanup_timeout=args.cleanup_timeout, keep_workdir=args.keep_workdir,
                        secret_env=args.secret_env + args.pass_env, pass_env=args.pass_env,
                        images=_target_images(target), allow_pod_security=allowed_pod_security,
                        record_events=args.record_events)
    jobs = args.pages_at_once if args.pages_at_once is not None else default_jobs(target, len(pages))
    print(f"live tier: {len(pages)} page(s) against context {target.context} at {target.server}: "
          f"{target_label(target)}", flush=True)

    reporter = ConsoleReporter(quiet=args.quiet)
    run = (run_parallel(pages, settings, target, prober, reporter, jobs) if jobs > 1 and len(pages) > 1
           else run_live(pages, settings, target, api_client, prober, reporter))
    counts = total(run.pages)
    try:
        probe_leftovers = [] if run.aborted else prober.leftovers(args.cleanup_timeout)
    except Exception as error:  # noqa: BLE001 - the server went away after the last page
        probe_leftovers = [f"unknown ({' '.join(str(error).split())[:120]})"]
    if probe_leftovers:
        counts.add(FAILED)
        print(f"FAILED   the capability probe left: {', '.join(probe_leftovers)}", flush=True)
    kubectl_version = version_of_kubectl.get()
    claims = claim_total(run.pages)
    verdicts = {id(p): p.verdict(target.control_plane_only) for p in run.pages}
    ran = [p for p in run.pages if p.steps]
    section = LiveSection(
        target=target.describe(),
        verified=bool(ran) and not counts.failed and run.interrupted is None and not run.aborted
                 and all(verdicts[id(p)] is Verdict.VERIFIED for p in ran),
        context=target.context,
        server=target.server,
        kubectl=kubectl_version,
        started=run.started,
        seconds=run.seconds,
        interrupted_at=run.interrupted_at if run.interrupted is not None else None,
        aborted=run.aborted or None,
        capabilities=prober.capabilities.as_json(),
        probe_leftovers=probe_leftovers,
        summary=counts,
        claims=claims,
        sandbox=sandbox.as_json(),
        pages=[{**p.as_json(), "verified": verdicts[id(p)] is Verdict.VERIFIED} for p in run.pages],
    )
    update_report(args.report, section)
    if args.junit:
        write_junit(args.junit, run.pages, target.kind)
    # Against the records as committed, before --record replaces them.
    short = recording.short_of_records(run.pages, root, target.kind) if args.at_least_recorded else []
    if args.record:
        recording.write_records(run.pages, taken, target.record(kubectl_version), root, say)
    for problem in short:
        say(f"FAILED   {problem}", sys.stderr)
        counts.add(FAILED)
    print(f"report: {display_path(args.report.resolve())}" + (f", JUnit: {display_path(args.junit.resolve())}"
                                                                if args.junit else ""))
    print(f"target: {target_label(target)}")
    print(counts.line() + (f" (claims: {claims.line()})" if claims.total else ""), flush=True)
    if run.aborted:
        say(f"verify live: {run.aborted}", sys.stderr)
        return EXIT_USAGE
    if run.interrupted is not None:
        say(f"interrupted at {run.interrupted_at}; cleaned up: {run.cleanup_note or 'nothing had been created'}",
            sys.stderr)
        return 128 + run.interrupted
    return EXIT_FAILED if counts.failed else EXIT_OK
