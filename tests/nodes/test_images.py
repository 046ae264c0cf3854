"""Every image the pages and manifests name is assembled here (or listed as unavailable, with why),
and its provenance says what it was built from."""

from __future__ import annotations

import json
import re
from pathlib import Path

from cluster import build
from cluster.nodes import images
from tests.nodes.conftest import ROOT, unavailable

IMAGE_FIELD = re.compile(r"""image:\s*["']?([^\s"']+)""")
IMAGE_FLAG = re.compile(r"""--image[= ]["']?([^\s"']+)""")
PATCHED_IMAGE = re.compile(r'"value":\s*"([a-z0-9.\-]+/[^"]+:[^"]+)"')


def referenced_images() -> set[str]:
    found: set[str] = set()
    for path in sorted((ROOT / "manifests").rglob("*.yaml")):
        found.update(IMAGE_FIELD.findall(path.read_text(encoding="utf-8")))
    for path in sorted((ROOT / "docs_src" / "ja").rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        found.update(IMAGE_FLAG.findall(text))
        found.update(PATCHED_IMAGE.findall(text))
    return {images.normalize(name) for name in found}


def test_every_image_the_pages_use_is_built_here() -> None:
    referenced = referenced_images()
    assert "registry.k8s.io/nginx-slim:0.24" in referenced and "docker.io/library/busybox:1.28" in referenced
    built = {name for image in images.images() for name in image.names}
    missing = {name for name in referenced - built if not images.unavailable(name)}
    assert missing == set()


def test_images_that_differ_in_a_documented_output_say_how() -> None:
    busybox = next(image for image in images.images() if "docker.io/library/busybox:1.28" in image.names)
    assert "nslookup" in busybox.differs and busybox.unpack == "busybox-static"
    for name, why in images.UNAVAILABLE.items():
        assert name.startswith("docker.elastic.co/") and "not packaged by Debian" in why


def test_the_echo_server_reports_the_address_the_packet_came_from() -> None:
    config = dict(next(image for image in images.images() if image.names == ("registry.k8s.io/echoserver:1.10",)).files)
    assert "client_address=$remote_addr" in config["/etc/nginx/echo.conf"]
    assert "listen 8080;" in config["/etc/nginx/echo.conf"]


def test_a_changed_package_list_gives_another_base() -> None:
    nginx = next(image for image in images.images() if image.packages == ("nginx-light", "curl"))
    other = images.Image(nginx.names, packages=("nginx-light",))
    assert images.base_key(nginx) != images.base_key(other)
    echo = next(image for image in images.images() if image.names == ("registry.k8s.io/echoserver:1.10",))
    assert images.base_key(nginx) == images.base_key(echo)  # same packages: one base, cached once


def test_the_provenance_file_names_every_image_with_its_debian_versions() -> None:
    binaries = build.nodes_cached()
    if binaries is None or not images.provenance_path().is_file():
        unavailable("the node images are not built here (`python -m cluster build --nodes`)")
    recorded = json.loads(images.provenance_path().read_text(encoding="utf-8"))
    for image in images.images():
        for name in image.names:
            assert recorded[name]["built_from"], name
    assert any(line.startswith("Debian nginx-light 1.22") for line in recorded["registry.k8s.io/nginx-slim:0.24"]["built_from"])
    assert recorded["docker.elastic.co/beats/filebeat"]["differs"].startswith("unavailable:")
    assert Path(images.images_dir()).is_dir()
