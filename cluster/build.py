"""Build the control plane's binaries from the pinned Go modules, once per pin.

Three Go modules in this folder pin what the live tier runs against: ``controlplane/``
(kube-apiserver, kube-controller-manager, kube-scheduler from ``k8s.io/kubernetes``),
``etcd/`` and ``kwok/`` (kwok and kwokctl). Each is built with the machine's Go through the module
proxy and installed into a cache directory outside the repository whose name is a hash of the
three modules' ``go.mod``/``go.sum``, the link flags and the Go version: a second start finds the
binaries there and builds nothing; changing a pin builds a new set beside the old one.

``KUBE_BINARIES=DIR`` skips the build and uses binaries a user already has (all six names must
be in DIR).

The real-node target (`cluster.nodes`) has its own set, `NODE_SET`, cached the same way in a folder
of its own (``node-bin/<hash>``): kubelet and kube-proxy from the same ``k8s.io/kubernetes`` module
(``kubelet/``), containerd, runc (cgo, Debian's libseccomp), the CNI plugins, CoreDNS, MetalLB,
local-path-provisioner, and Kubernetes' ``pause`` compiled from the C source in the pinned module.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
KUBE_VERSION = "v1.37.2"
BINARIES = ("kube-apiserver", "kube-controller-manager", "kube-scheduler", "etcd", "kwok", "kwokctl")


def _kube_ldflags() -> list[str]:
    """Version stamping: without it the server reports v0.0.0-master and kubectl shows no 1.37.2."""
    major, minor = KUBE_VERSION.lstrip("v").split(".")[:2]
    flags = []
    for package in ("k8s.io/component-base/version", "k8s.io/client-go/pkg/version"):
        flags += [f"-X {package}.gitVersion={KUBE_VERSION}", f"-X {package}.gitMajor={major}",
                  f"-X {package}.gitMinor={minor}", f"-X {package}.gitTreeState=clean",
                  f"-X {package}.buildDate=1970-01-01T00:00:00Z"]
    return flags


@dataclass(frozen=True)
class GoBuild:
    """One `go build` of one module: the packages and the file each becomes."""

    module: str
    outputs: tuple[tuple[str, str], ...]  # (package, binary name)
    ldflags: tuple[str, ...] = ()

    def command(self, out_dir: Path) -> list[list[str]]:
        flags = " ".join(("-s", "-w", *self.ldflags))
        return [["go", "build", "-trimpath", "-ldflags", flags, *self.build_flags(), "-o", str(out_dir / name), package]
                for package, name in self.outputs]

    def build_flags(self) -> list[str]:
        return []

    def environment(self) -> dict[str, str]:
        return {"CGO_ENABLED": "0"}


@dataclass(frozen=True)
class NodeBuild(GoBuild):
    """A node component: like `GoBuild`, with Go build tags and, for runc, cgo."""

    tags: tuple[str, ...] = ()
    cgo: bool = False

    def build_flags(self) -> list[str]:
        return ["-tags", ",".join(self.tags)] if self.tags else []

    def environment(self) -> dict[str, str]:
        return {"CGO_ENABLED": "1" if self.cgo else "0"}


BUILDS = (
    GoBuild("etcd", (("go.etcd.io/etcd/server/v3", "etcd"),)),
    GoBuild("kwok", (("sigs.k8s.io/kwok/cmd/kwok", "kwok"), ("sigs.k8s.io/kwok/cmd/kwokctl", "kwokctl")),
           (f"-X sigs.k8s.io/kwok/pkg/consts.KubeVersion={KUBE_VERSION.lstrip('v')}",)),
    GoBuild("controlplane", (("k8s.io/kubernetes/cmd/kube-apiserver", "kube-apiserver"),
                            ("k8s.io/kubernetes/cmd/kube-controller-manager", "kube-controller-manager"),
                            ("k8s.io/kubernetes/cmd/kube-scheduler", "kube-scheduler")),
           tuple(_kube_ldflags())),
)


_CONTAINERD = "github.com/containerd/containerd/v2"
_CNI = "github.com/containernetworking/plugins/plugins"

#: What the real-node target runs; each module's go.mod says what it pins.
NODE_TARGETS = (
    NodeBuild("kubelet", (("k8s.io/kubernetes/cmd/kubelet", "kubelet"), ("k8s.io/kubernetes/cmd/kube-proxy", "kube-proxy")),
               tuple(_kube_ldflags())),
    # runc's own Makefile builds with the seccomp tag, which needs cgo and libseccomp-dev.
    NodeBuild("runc", (("github.com/opencontainers/runc", "runc"),), ("-X main.version=1.5.3",),
               tags=("seccomp", "urfave_cli_no_docs"), cgo=True),
    NodeBuild("containerd", ((f"{_CONTAINERD}/cmd/containerd", "containerd"), (f"{_CONTAINERD}/cmd/ctr", "ctr")),
               (f"-X {_CONTAINERD}/version.Version=v2.4.2",), tags=("urfave_cli_no_docs",)),
    # The shim without gRPC, as containerd's Makefile builds it.
    NodeBuild("containerd", ((f"{_CONTAINERD}/cmd/containerd-shim-runc-v2", "containerd-shim-runc-v2"),),
               (f"-X {_CONTAINERD}/version.Version=v2.4.2",), tags=("urfave_cli_no_docs", "no_grpc")),
    NodeBuild("cni", tuple((f"{_CNI}/{kind}/{name}", name) for kind, name in
                            (("main", "bridge"), ("ipam", "host-local"), ("main", "loopback"), ("meta", "portmap")))),
    NodeBuild("coredns", ((".", "coredns"),), ("-X github.com/coredns/coredns/coremain.GitCommit=v1.15.0",)),
    NodeBuild("localpath", (("github.com/rancher/local-path-provisioner", "local-path-provisioner"),),
               ("-X main.VERSION=v0.0.30",)),
    NodeBuild("metallb", (("go.universe.tf/metallb/controller", "metallb-controller"),
                           ("go.universe.tf/metallb/speaker", "metallb-speaker"))),
)
#: Kubernetes' pause container, compiled from the pinned module's own C source (build/pause/linux).
PAUSE_VERSION = "3.10.2"


class BuildError(Exception):
    """A binary could not be built or found; the message says which command failed and why."""


def cache_root() -> Path:
    """Where built binaries live: $K8S_TUTORIALS_CACHE, else the user's cache directory."""
    explicit = os.environ.get("K8S_TUTORIALS_CACHE")
    if explicit:
        return Path(explicit)
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "k8s-tutorials-ja"


def _go() -> str:
    found = shutil.which("go")
    if not found:
        raise BuildError("Go is not installed: the control plane is built from Go modules (or set KUBE_BINARIES=DIR "
                         "to binaries you already have)")
    return found


def go_version() -> str:
    done = subprocess.run([_go(), "env", "GOVERSION"], capture_output=True, text=True, timeout=60, check=False)
    return done.stdout.strip() or "unknown"


def pin_key(targets: tuple[GoBuild, ...] = BUILDS) -> str:
    """A short hash of everything that decides what the binaries are."""
    digest = hashlib.sha256()
    for target in targets:
        for name in ("go.mod", "go.sum"):
            digest.update((HERE / target.module / name).read_bytes())
        digest.update(repr(target).encode())
    if targets is NODE_TARGETS:
        digest.update((HERE / "coredns" / "main.go").read_bytes())
        digest.update(f"pause {PAUSE_VERSION} {_c_compiler_version()}".encode())
    digest.update(go_version().encode())
    return digest.hexdigest()[:16]


def binaries_dir() -> Path:
    return cache_root() / "bin" / pin_key()


def user_binaries() -> Path | None:
    """`KUBE_BINARIES=DIR`, checked to hold every binary."""
    value = os.environ.get("KUBE_BINARIES")
    if not value:
        return None
    folder = Path(value).expanduser()
    missing = [name for name in BINARIES if not os.access(folder / name, os.X_OK)]
    if missing:
        raise BuildError(f"KUBE_BINARIES={value} lacks executable {', '.join(missing)}")
    return folder


def cached() -> Path | None:
    """The binaries' folder if they are all built, without building anything."""
    folder = user_binaries()
    if folder is not None:
        return folder
    if not shutil.which("go"):
        return None
    folder = binaries_dir()
    return folder if all((folder / name).is_file() for name in BINARIES) else None


def ensure(log: Callable[[str], None] = print) -> Path:
    """The folder holding all six binaries, building what is missing (minutes the first time)."""
    folder = user_binaries()
    if folder is not None:
        log(f"control plane binaries: {folder} (KUBE_BINARIES)")
        return folder
    folder = binaries_dir()
    todo = [t for t in BUILDS if not all((folder / name).is_file() for _, name in t.outputs)]
    if todo:
        log(f"building the control plane into {folder} with {go_version()} (first time only; about 15 to 25 minutes "
            "on 2 cores, mostly kube-apiserver and kube-controller-manager)")
        _go_build(todo, folder, log)
    return folder


def _go_build(todo: list[GoBuild], folder: Path, log: Callable[[str], None]) -> None:
    """`go build` each target into FOLDER, one whole file at a time, logging each binary's build time."""
    folder.mkdir(parents=True, exist_ok=True)
    for target in todo:
        env = {**os.environ, **target.environment(), "GOFLAGS": "-mod=readonly -buildvcs=false"}
        with tempfile.TemporaryDirectory(dir=folder, prefix=".build-") as scratch:
            for command, (package, name) in zip(target.command(Path(scratch)), target.outputs, strict=True):
                started = time.monotonic()
                log(f"  go build {package if package != '.' else f'cluster/{target.module}'} ...")
                done = subprocess.run(command, cwd=HERE / target.module, env=env, capture_output=True, text=True, check=False)
                if done.returncode != 0:
                    tail = "\n".join(done.stderr.strip().splitlines()[-15:])
                    raise BuildError(f"`{' '.join(command)}` in cluster/{target.module} failed "
                                     f"(exit {done.returncode}):\n{tail}")
                log(f"  built {name} in {time.monotonic() - started:.0f}s")
            for _, name in target.outputs:
                os.replace(Path(scratch) / name, folder / name)  # whole files only, never half-written


def node_binaries_dir() -> Path:
    return cache_root() / "node-bin" / pin_key(NODE_TARGETS)


def node_binary_names() -> tuple[str, ...]:
    return (*(name for target in NODE_TARGETS for _, name in target.outputs), "pause")


def nodes_cached() -> Path | None:
    """The node binaries' folder if every one is built, without building anything."""
    if not shutil.which("go"):
        return None
    folder = node_binaries_dir()
    return folder if all((folder / name).is_file() for name in node_binary_names()) else None


def ensure_nodes(log: Callable[[str], None] = print) -> Path:
    """The folder holding the real-node binaries, building what is missing (about half an hour the first time)."""
    if shutil.which("gcc") is None:
        raise BuildError("gcc is not installed: runc (cgo) and pause (C) need it (apt-get install gcc libseccomp-dev)")
    folder = node_binaries_dir()
    todo = [t for t in NODE_TARGETS if not all((folder / name).is_file() for _, name in t.outputs)]
    if todo or not (folder / "pause").is_file():
        log(f"building the node components into {folder} with {go_version()} (first time only)")
    if todo:
        _go_build(list(todo), folder, log)
    if not (folder / "pause").is_file():
        _build_pause(folder, log)
    return folder


def _c_compiler_version() -> str:
    done = subprocess.run(["gcc", "-dumpfullversion"], capture_output=True, text=True, timeout=30, check=False)
    return done.stdout.strip() or "none"


def kubernetes_source() -> Path:
    """The pinned k8s.io/kubernetes module's folder in the module cache (downloaded through the proxy if absent)."""
    env = {**os.environ, "GOFLAGS": "-mod=readonly"}
    done = subprocess.run([_go(), "mod", "download", "-json", "k8s.io/kubernetes"], cwd=HERE / "kubelet", env=env,
                          capture_output=True, text=True, timeout=600, check=False)
    folder = json.loads(done.stdout or "{}").get("Dir") if done.returncode == 0 else None
    if not folder:
        raise BuildError(f"`go mod download k8s.io/kubernetes` in cluster/kubelet failed: {done.stderr.strip()[-500:]}")
    return Path(folder)


def _build_pause(folder: Path, log: Callable[[str], None]) -> None:
    """pause, as Kubernetes' build/pause Makefile compiles it: static, -Os, its version as a macro."""
    source = kubernetes_source() / "build" / "pause" / "linux" / "pause.c"
    started = time.monotonic()
    log(f"  gcc {source} ...")
    with tempfile.TemporaryDirectory(dir=folder, prefix=".build-") as scratch:
        output = Path(scratch) / "pause"
        command = ["gcc", "-Os", "-Wall", "-Werror", "-static", f"-DVERSION=v{PAUSE_VERSION}", "-o", str(output), str(source)]
        done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
        if done.returncode != 0:
            raise BuildError(f"`{' '.join(command)}` failed (exit {done.returncode}):\n{done.stderr.strip()[-800:]}")
        os.replace(output, folder / "pause")
    log(f"  built pause in {time.monotonic() - started:.0f}s")


def main() -> int:
    try:
        started = time.monotonic()
        folder = ensure()
        print(f"control plane binaries ready in {folder} ({time.monotonic() - started:.0f}s)")
    except BuildError as error:
        print(f"cluster build: error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
