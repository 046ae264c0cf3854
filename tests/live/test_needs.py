"""Needs are declared once (`verify.needs.NEEDS`): the page vocabulary, the live tier's probes and
docs/conventions.md all come from that one table."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from verify import needs
from verify.directives import REQUIREMENTS
from verify.live.probe import Prober
from verify.needs import NEEDS, Need

ROOT = Path(__file__).resolve().parents[2]


class NoCluster:
    """An API client that fails the test if a probe touches it."""

    def __getattr__(self, name: str) -> object:
        raise AssertionError(f"the probe used the cluster ({name})")


def documented_needs() -> list[str]:
    conventions = (ROOT / "docs" / "conventions.md").read_text(encoding="utf-8")
    vocabulary = conventions.split("`requires` vocabulary:", 1)[1].split("\n\n", 1)[0]
    return re.findall(r"`([a-z-]+)`\s\(", vocabulary)


def test_every_need_has_a_one_line_description() -> None:
    for need in NEEDS.values():
        assert need.description.strip() and "\n" not in need.description, need.name


def test_docs_conventions_list_exactly_the_needs_of_the_table() -> None:
    assert sorted(documented_needs()) == sorted(NEEDS)


def test_pages_may_require_exactly_the_needs_of_the_table() -> None:
    assert frozenset(NEEDS) == REQUIREMENTS


def test_a_need_added_to_the_table_is_probed_with_its_probe(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(needs.NEEDS, "gpu", Need("gpu", "a node offers a GPU", lambda probing: (True, "toy GPU")))
    caps = Prober(NoCluster()).probe(["gpu"])
    assert caps.have["gpu"] and caps.reasons["gpu"] == "toy GPU"


def test_a_need_no_probe_can_see_waits_for_provide() -> None:
    caps = Prober(NoCluster()).probe(["elasticsearch", "teleport"])
    assert caps.reasons == {"elasticsearch": "not provided; pass --provide elasticsearch if you have it",
                            "teleport": "unknown need"}
    assert Prober(NoCluster(), provided=["elasticsearch"]).probe(["elasticsearch"]).have["elasticsearch"]


def test_a_control_plane_target_never_probes_what_needs_a_runtime() -> None:
    runtime = [n.name for n in NEEDS.values() if n.control_plane]
    assert {"exec", "apparmor", "cluster-network", "load-balancer"} <= set(runtime)
    caps = Prober(NoCluster(), control_plane_only=True, provided=runtime).probe(runtime)
    assert not any(caps.have.values())
    assert caps.reasons == {n: NEEDS[n].control_plane for n in runtime}


class Elsewhere:
    control_plane_only = False
    server = "https://127.0.0.1:1"


def test_the_pages_get_a_lab_seat_only_on_the_real_node_target() -> None:
    from verify.live.cli import page_network
    from verify.options import UsageError

    assert page_network(None, Elsewhere()) == "isolated"
    assert page_network("host", Elsewhere()) == "host"
    with pytest.raises(UsageError, match="not the real-node target"):
        page_network("lab", Elsewhere())
