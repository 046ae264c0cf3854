"""The real-node target's images as the verifier sees them: which images a page uses, which of its
steps depend on a program our image does not reproduce, and which apply a manifest whose image the
target cannot have (`verify.live.images`, facts from `cluster.nodes.images`)."""

from __future__ import annotations

from pathlib import Path

from cluster.nodes import images as node_images
from verify.live.images import TargetImages
from verify.model import LIVE_KINDS, Step
from verify.parsers import load_page
from verify.records import Record, RecordStep, Target
from verify.records.schema import dumps, read_record, write_record
from verify.results import PASSED

ROOT = Path(__file__).resolve().parents[2]
PAGES = ROOT / "docs_src" / "ja" / "tutorials"
BUSYBOX = "docker.io/library/busybox:1.28"


def _facts(programs: tuple[str, ...] = ("nslookup",)) -> TargetImages:
    return TargetImages({BUSYBOX: {"built_from": ["Debian busybox-static 1:1.35.0-4+b3"], "upstream": "BusyBox 1.28",
                                   "differs": "BusyBox 1.35 instead of 1.28", "notes": [], "programs": list(programs)}})


def _interactive_groups(page_path: Path) -> list[tuple[Step, list[Step]]]:
    page = load_page(page_path, ROOT)
    steps = [s for s in page.steps if s.kind in LIVE_KINDS]
    groups = []
    for index, step in enumerate(steps):
        if step.directive.interactive:
            group: list[Step] = []
            for member in steps[index + 1:]:
                if not member.directive.in_container:
                    break
                group.append(member)
            groups.append((step, group))
    return groups


def test_image_names_are_those_containerd_uses() -> None:
    assert node_images.normalize("busybox:1.28") == BUSYBOX
    assert node_images.normalize("registry.k8s.io/nginx-slim:0.24") == "registry.k8s.io/nginx-slim:0.24"
    assert node_images.normalize("library/redis:6.0.5") == "docker.io/library/redis:6.0.5"
    assert node_images.normalize("docker.io/redis:6.0.5") == "docker.io/library/redis:6.0.5"
    assert node_images.unavailable("docker.elastic.co/beats/filebeat:8.17.0")
    assert not node_images.unavailable("busybox:1.28")


def test_the_nslookup_blocks_typed_into_busybox_are_skipped_and_nothing_else() -> None:
    skipped: list[Step] = []
    kept: list[Step] = []
    for interactive, group in _interactive_groups(PAGES / "stateful-application" / "basic-stateful-set.md"):
        reasons = _facts().in_container_skips(interactive, group)
        for member in group:
            (skipped if member.location.line in reasons else kept).append(member)
    assert skipped and all(any("nslookup" in c for c in m.commands) for m in skipped)
    assert not any("nslookup" in c for m in kept for c in m.commands)
    reason = next(iter(_facts().in_container_skips(*_interactive_groups(
        PAGES / "stateful-application" / "basic-stateful-set.md")[0]).values()))
    assert BUSYBOX in reason and "BusyBox 1.35 instead of 1.28" in reason


def test_an_image_without_a_listed_program_skips_nothing() -> None:
    for interactive, group in _interactive_groups(PAGES / "services" / "source-ip.md"):
        assert _facts().in_container_skips(interactive, group) == {}
    for interactive, group in _interactive_groups(PAGES / "stateful-application" / "basic-stateful-set.md"):
        assert _facts(programs=()).in_container_skips(interactive, group) == {}


def test_applying_the_beats_manifests_is_skipped_as_unavailable() -> None:
    from verify.live.environment import page_files

    page = load_page(PAGES / "stateless-application" / "guestbook-logs-metrics-with-elk.md", ROOT)
    files = page_files(page)
    reasons = {" ".join(step.commands): TargetImages().unavailable_in(step, files) for step in page.steps
               if step.kind in LIVE_KINDS}
    skipped = {command: why for command, why in reasons.items() if why}
    assert any("filebeat" in why and "not packaged by Debian" in why for why in skipped.values())
    assert all("beat" in command for command in skipped)  # the guestbook's own manifests are not touched


def test_a_record_lists_what_each_image_the_page_uses_was_built_from(tmp_path: Path) -> None:
    page = load_page(PAGES / "stateful-application" / "basic-stateful-set.md", ROOT)
    used = _facts().used_by(page)
    assert used[BUSYBOX]["built_from"] == ["Debian busybox-static 1:1.35.0-4+b3"]
    assert "registry.k8s.io/nginx-slim:0.24" not in used  # named only in a patch: known by the target's names
    with_nginx = TargetImages({**_facts().facts, "registry.k8s.io/nginx-slim:0.24": {"built_from": ["Debian nginx"]}})
    assert {"registry.k8s.io/nginx-slim:0.21", "registry.k8s.io/nginx-slim:0.24"} <= set(with_nginx.used_by(page))
    record = Record("docs_src/ja/tutorials/x.md", {"docs_src/ja/tutorials/x.md": "0" * 40},
                    Target("cluster", "v1.37.2", "v1.37.1", 2, None, "k8s-tutorials-nodes", "containerd://2.4.2"),
                    "2026-12-06", None, PASSED, (RecordStep(1, "command", "abc", 3, "kubectl get pods", PASSED,
                                                            check="exit"),), images=used)
    path = write_record(tmp_path, record)
    again = read_record(path)
    assert again.images == record.images and again.target == record.target
    assert dumps(again) == path.read_text(encoding="utf-8")
