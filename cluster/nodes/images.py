"""Container images without a registry: assembled here from Debian's packages and the binaries
`cluster.build` made, saved as archives, imported into each node's containerd before the run.

Each image is a base layer (the root file system of a Debian package list, made by `mmdebstrap`, or
one package unpacked, or nothing) and a top layer of our own files (configuration written here,
binaries built here). Bases are cached by their package list, images by everything that goes into
them, under `<cache>/images`; a change to either rebuilds only what it touches.

`provenance()` says, per image name the manifests use, what it was built from and, where our image
behaves differently from upstream's in a way a documented output shows, how: the verifier records
it and skips such a step with that reason instead of matching another program's output.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from atomic_files import write_json
from cluster import build
from cluster.nodes import image_files

DEBIAN_SUITE = "bookworm"
DEBIAN_SOURCES = Path("/etc/apt/sources.list.d/debian.sources")
#: Not in Debian (nor PyPI or npm): the guestbook page's Beats steps cannot run on this target. The
#: page's Beats manifests come from elastic/examples (a `git clone`), so only the repositories are named.
UNAVAILABLE = {
    "docker.elastic.co/beats/filebeat": "Elastic's Filebeat is not packaged by Debian",
    "docker.elastic.co/beats/metricbeat": "Elastic's Metricbeat is not packaged by Debian",
    "docker.elastic.co/beats/packetbeat": "Elastic's Packetbeat is not packaged by Debian",
    "docker.elastic.co/elasticsearch/elasticsearch": "Elasticsearch is not packaged by Debian",
}


#: Programs whose documented output our image of that name cannot reproduce (its `differs` says why): a
#: step that runs one of them in a container of that image is skipped, never compared with our program.
#: Kept apart from `Image` so that the list does not enter an image's cache key.
OUTPUT_DIFFERS = {"docker.io/library/busybox:1.28": ("nslookup",)}


def normalize(name: str) -> str:
    """An image reference as containerd names it (`busybox:1.28` -> `docker.io/library/busybox:1.28`)."""
    first, _, rest = name.partition("/")
    if not rest:
        return f"docker.io/library/{name}"
    if "." not in first and ":" not in first and first != "localhost":
        return normalize(f"docker.io/{name}")
    if first == "docker.io" and "/" not in rest:
        return f"docker.io/library/{rest}"
    return name


def unavailable(name: str) -> str:
    """Why the image NAME (any tag) cannot be had here, or "" when it can."""
    repository = normalize(name).split("@", 1)[0]
    if ":" in repository.rsplit("/", 1)[-1]:
        repository = repository.rsplit(":", 1)[0]
    return UNAVAILABLE.get(repository, "")


def built_images() -> dict[str, dict[str, object]]:
    """What the last build wrote (`provenance.json`), with `programs` from `OUTPUT_DIFFERS`: image name -> facts.
    Empty when the images were never built."""
    try:
        found = json.loads(provenance_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {name: {**facts, "programs": list(OUTPUT_DIFFERS.get(name, ()))} for name, facts in found.items()}


class ImageError(Exception):
    """An image could not be assembled; the message names the image and the failing command."""


@dataclass(frozen=True)
class Image:
    """One image: the names the manifests use, what it is made of, how it starts."""

    names: tuple[str, ...]
    #: Debian packages installed into a minimal Debian root (mmdebstrap, variant minbase) ...
    packages: tuple[str, ...] = ()
    #: ... or one Debian package unpacked without a Debian root (busybox-static) ...
    unpack: str = ""
    #: ... plus binaries from the node set (`build.node_binaries_dir()`), at /usr/local/bin/NAME.
    binaries: tuple[str, ...] = ()
    #: Our own files: path in the image -> text.
    files: tuple[tuple[str, str], ...] = ()
    entrypoint: tuple[str, ...] = ()
    cmd: tuple[str, ...] = ()
    ports: tuple[str, ...] = ()
    #: What upstream's image is, in a word, and how ours differs where an output shows it ("" = no known difference).
    upstream: str = ""
    differs: str = ""
    notes: tuple[str, ...] = field(default=())

    @property
    def slug(self) -> str:
        return self.names[0].rsplit("/", 1)[-1].replace(":", "-")


def images() -> tuple[Image, ...]:
    """Every image the pages and the target's own components use (names as containerd normalizes them)."""
    return (
        Image(("registry.k8s.io/pause:3.10.2",), binaries=("pause",), entrypoint=("/usr/local/bin/pause",),
              upstream="Kubernetes' pause, compiled here from build/pause/linux/pause.c of k8s.io/kubernetes v1.37.2"),
        Image(("docker.io/library/busybox:1.28",), unpack="busybox-static", files=image_files.BUSYBOX_ROOT,
              cmd=("sh",), upstream="BusyBox 1.28",
              differs="BusyBox 1.35 (Debian) instead of 1.28: its nslookup prints another format and does not use "
                      "the search list, so documented nslookup output cannot be compared"),
        Image(("registry.k8s.io/nginx-slim:0.21", "registry.k8s.io/nginx-slim:0.24"), packages=("nginx-light", "curl"),
              files=image_files.NGINX_SLIM, entrypoint=("nginx", "-g", "daemon off;"), ports=("80/tcp",),
              upstream="nginx serving /usr/share/nginx/html on port 80, with curl"),
        Image(("registry.k8s.io/echoserver:1.10",), packages=("nginx-light", "curl"), files=image_files.ECHO_SERVER,
              entrypoint=("nginx", "-c", "/etc/nginx/echo.conf", "-g", "daemon off;"), ports=("8080/tcp",),
              upstream="an HTTP server on port 8080 that answers with the request it received",
              notes=("the response format is ours, written from the documented one; its values (client_address, "
                     "the hostname) are the network's and the Pod's",
                     "Request Headers lists accept, host and user-agent only")),
        Image(("docker.io/library/redis:6.0.5",), packages=("redis-server",), files=image_files.REDIS_LEADER,
              cmd=("redis-server", "/etc/redis/lab.conf"), ports=("6379/tcp",), upstream="Redis 6.0.5"),
        Image(("us-docker.pkg.dev/google-samples/containers/gke/gb-redis-follower:v2",), packages=("redis-server",),
              files=image_files.REDIS_FOLLOWER, cmd=("redis-server", "/etc/redis/lab.conf"), ports=("6379/tcp",),
              upstream="Redis replicating from the Service redis-leader"),
        Image(("us-docker.pkg.dev/google-samples/containers/gke/gb-frontend:v5",),
              packages=("apache2", "libapache2-mod-php", "php-redis"), files=image_files.GUESTBOOK_FRONTEND,
              cmd=("apache2ctl", "-D", "FOREGROUND"), ports=("80/tcp",),
              upstream="the guestbook's PHP front end",
              notes=("the guestbook application is ours, written from the documented behaviour (messages stored in "
                     "redis-leader, read from redis-follower)",)),
        Image(("k8s-tutorials.local/coredns:v1.15.0",), binaries=("coredns",), entrypoint=("/usr/local/bin/coredns",),
              ports=("53/udp", "53/tcp"), upstream="CoreDNS v1.15.0 (the cluster's DNS)"),
        Image(("k8s-tutorials.local/local-path-provisioner:v0.0.30",), binaries=("local-path-provisioner",),
              entrypoint=("/usr/local/bin/local-path-provisioner",), upstream="local-path-provisioner v0.0.30"),
        Image(("k8s-tutorials.local/metallb-controller:v0.16.1",), binaries=("metallb-controller",),
              entrypoint=("/usr/local/bin/metallb-controller",), upstream="MetalLB v0.16.1 controller"),
        Image(("k8s-tutorials.local/metallb-speaker:v0.16.1",), binaries=("metallb-speaker",),
              entrypoint=("/usr/local/bin/metallb-speaker",), upstream="MetalLB v0.16.1 speaker"),
        Image(("k8s-tutorials.local/busybox:1.35",), unpack="busybox-static", files=image_files.BUSYBOX_ROOT,
              cmd=("sh",), upstream="the volume helper of local-path-provisioner (mkdir, rm)"),
    )


def images_dir() -> Path:
    return build.cache_root() / "images"


def _digest(*parts: bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()[:16]


def _sources() -> bytes:
    try:
        return DEBIAN_SOURCES.read_bytes()
    except OSError:
        return b""


def base_key(image: Image) -> str:
    """The base layer's cache key: its package list (and the Debian sources it is fetched from)."""
    return _digest(repr((image.packages, image.unpack, DEBIAN_SUITE)).encode(), _sources())


def image_key(image: Image, binaries: Path) -> str:
    parts = [base_key(image).encode(), repr(image).encode()]
    parts += [(binaries / name).read_bytes() for name in image.binaries]
    return _digest(*parts)


def _run(what: str, command: list[str], timeout: float = 900, cwd: Path | None = None) -> str:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=cwd, check=False)
    except FileNotFoundError:
        raise ImageError(f"{what}: `{command[0]}` is not installed (Debian: apt-get install mmdebstrap umoci skopeo)") from None
    except subprocess.TimeoutExpired:
        raise ImageError(f"{what}: `{' '.join(command[:3])} ...` did not finish within {timeout:.0f}s") from None
    if done.returncode != 0:
        raise ImageError(f"{what}: `{' '.join(command[:4])} ...` failed (exit {done.returncode}): "
                         f"{(done.stderr or done.stdout).strip()[-600:]}")
    return done.stdout


def _base(image: Image) -> tuple[Path, dict[str, str]]:
    """The base root file system (cached) and the Debian packages in it with their versions."""
    folder = images_dir() / "bases" / base_key(image)
    listing = folder / "packages.json"
    if listing.is_file():
        return folder / "rootfs", json.loads(listing.read_text(encoding="utf-8"))
    scratch = Path(tempfile.mkdtemp(dir=images_dir(), prefix=".base-"))
    rootfs = scratch / "rootfs"
    what = f"image base {' '.join(image.packages or (image.unpack,)) or '(empty)'}"
    versions: dict[str, str] = {}
    try:
        if image.packages:
            _run(what, ["mmdebstrap", "--quiet", "--variant=minbase", f"--include={','.join(image.packages)}",
                        "--dpkgopt=path-exclude=/usr/share/doc/*", "--dpkgopt=path-exclude=/usr/share/man/*",
                        "--dpkgopt=path-exclude=/usr/share/locale/*", "--aptopt=APT::Install-Recommends \"false\"",
                        DEBIAN_SUITE, str(rootfs), str(DEBIAN_SOURCES)])
            listed = _run(what, ["dpkg-query", f"--admindir={rootfs / 'var/lib/dpkg'}", "-W", "-f", "${Package} ${Version}\\n"])
            wanted = set(image.packages)
            versions = {p: v for p, v in (line.split(" ", 1) for line in listed.splitlines()) if p in wanted}
        elif image.unpack:
            _run(what, ["apt-get", "download", image.unpack], cwd=scratch)
            deb = next(scratch.glob(f"{image.unpack}_*.deb"))
            _run(what, ["dpkg-deb", "-x", str(deb), str(rootfs)])
            versions = {image.unpack: _run(what, ["dpkg-deb", "-f", str(deb), "Version"]).strip()}
            deb.unlink()
            _busybox_links(rootfs)
        else:
            rootfs.mkdir()
        write_json(scratch / "packages.json", versions)
        folder.parent.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(folder, ignore_errors=True)
        os.replace(scratch, folder)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return folder / "rootfs", versions


def _busybox_links(rootfs: Path) -> None:
    """The applets as links to /bin/busybox, as a BusyBox image has them."""
    binary = rootfs / "bin" / "busybox"
    applets = _run("busybox", [str(binary), "--list"]).split()
    for applet in applets:
        link = rootfs / "bin" / applet
        if not link.exists() and not link.is_symlink():
            link.symlink_to("busybox")


def archive_path(image: Image, binaries: Path) -> Path:
    return images_dir() / f"{image.slug}-{image_key(image, binaries)}.tar"


def _assemble(image: Image, binaries: Path, log: Callable[[str], None]) -> None:
    started = time.monotonic()
    base, versions = _base(image)
    target = archive_path(image, binaries)
    with tempfile.TemporaryDirectory(dir=images_dir(), prefix=".image-") as scratch_name:
        scratch = Path(scratch_name)
        top = scratch / "top"
        for path, text in image.files:
            file = top / path.lstrip("/")
            if path.endswith("/"):
                file.mkdir(parents=True, exist_ok=True)
                file.chmod(0o1777 if path == "/tmp/" else 0o755)
                continue
            file.parent.mkdir(parents=True, exist_ok=True)
            file.write_text(text, encoding="utf-8")
        for name in image.binaries:
            file = top / "usr/local/bin" / name
            file.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(binaries / name, file)
        layout_dir = f"{scratch / 'oci'}:image"
        what = f"image {image.names[0]}"
        _run(what, ["umoci", "init", "--layout", str(scratch / "oci")])
        _run(what, ["umoci", "new", "--image", layout_dir])
        if any(base.iterdir()):
            _run(what, ["umoci", "insert", "--image", layout_dir, str(base), "/"])
        if top.exists():
            _run(what, ["umoci", "insert", "--image", layout_dir, str(top), "/"])
        config = ["umoci", "config", "--image", layout_dir, "--os", "linux", "--architecture", "amd64",
                  "--config.env", "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]
        config += [f"--config.entrypoint={part}" for part in image.entrypoint]
        config += [f"--config.cmd={part}" for part in image.cmd]
        config += [f"--config.exposedports={port}" for port in image.ports]
        _run(what, config)
        partial = scratch / "image.tar"
        _run(what, ["skopeo", "copy", "--quiet", f"oci:{layout_dir}", f"docker-archive:{partial}:{image.names[0]}"])
        record = {"names": list(image.names), "built_from": _built_from(image, versions), "upstream": image.upstream,
                  "differs": image.differs, "notes": list(image.notes), "archive": target.name}
        write_json(target.with_suffix(".json"), record)
        os.replace(partial, target)
    log(f"  image {', '.join(image.names)} assembled in {time.monotonic() - started:.0f}s")


def _built_from(image: Image, versions: dict[str, str]) -> list[str]:
    parts = [f"Debian {name} {version}" for name, version in sorted(versions.items())]
    if image.binaries:
        parts += [f"{name} built here ({_binary_origin(name)})" for name in image.binaries]
    if image.files:
        parts.append("configuration written here: " + ", ".join(path for path, _ in image.files))
    return parts


def _binary_origin(name: str) -> str:
    if name == "pause":
        return f"k8s.io/kubernetes v1.37.2 build/pause/linux/pause.c, gcc -static, pause {build.PAUSE_VERSION}"
    for target in build.NODE_TARGETS:
        for package, binary in target.outputs:
            if binary == name:
                return f"Go module cluster/{target.module} ({package if package != '.' else 'its main package'})"
    return "cluster/build.py"


def ensure(binaries: Path, log: Callable[[str], None] = print) -> list[Path]:
    """Every image's archive, assembling the ones not cached; returns them in `images()` order."""
    images_dir().mkdir(parents=True, exist_ok=True)
    archives = []
    todo = [image for image in images() if not archive_path(image, binaries).is_file()]
    if todo:
        log(f"assembling {len(todo)} container image(s) from Debian packages and the node binaries into {images_dir()}")
    for image in images():
        target = archive_path(image, binaries)
        if not target.is_file():
            _assemble(image, binaries, log)
        archives.append(target)
    _prune(archives)
    write_json(provenance_path(), provenance(binaries))
    return archives


def provenance_path() -> Path:
    """Every image name -> what it was built from, in one file (what the verifier puts into records)."""
    return images_dir() / "provenance.json"


def _prune(current: list[Path]) -> None:
    """Remove archives and bases that no current image uses (an older package list or configuration)."""
    keep = {path.name for path in current} | {path.with_suffix(".json").name for path in current}
    for path in images_dir().glob("*-*.*"):
        if path.suffix in (".tar", ".json") and path.name not in keep and path != provenance_path():
            path.unlink(missing_ok=True)
    bases = {base_key(image) for image in images()}
    for folder in (images_dir() / "bases").glob("*"):
        if folder.name not in bases:
            shutil.rmtree(folder, ignore_errors=True)


def provenance(binaries: Path) -> dict[str, dict[str, object]]:
    """Image name -> what it was built from (machine-readable; the verifier puts it into records)."""
    result: dict[str, dict[str, object]] = {}
    for image in images():
        path = archive_path(image, binaries).with_suffix(".json")
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        for name in image.names:
            result[name] = {key: record[key] for key in ("built_from", "upstream", "differs", "notes")}
    for name, why in UNAVAILABLE.items():
        result[name] = {"built_from": [], "upstream": name, "differs": f"unavailable: {why}", "notes": []}
    return result
