"""Cleanup on a shared control plane: a page deletes what it created, never another run's namespace or
the volume of another namespace's claim (several sessions run pages on the same control plane)."""

from __future__ import annotations

import datetime as _dt
from types import SimpleNamespace

from verify.live.cleanup import RUN_LABEL, Kind, PageCleanup

NOW = _dt.datetime.now(_dt.UTC)


def _item(name: str, labels: dict[str, str] | None = None, claim_namespace: str | None = None) -> SimpleNamespace:
    claim = SimpleNamespace(namespace=claim_namespace, name="www-web-0") if claim_namespace else None
    return SimpleNamespace(metadata=SimpleNamespace(name=name, labels=labels, creation_timestamp=NOW),
                           spec=SimpleNamespace(claim_ref=claim))


def test_only_this_pages_namespace_and_volumes_are_new() -> None:
    namespaces = [_item("verify-mine-1", {RUN_LABEL: "a"}), _item("verify-other-2", {RUN_LABEL: "b"}),
                  _item("made-by-the-page")]
    volumes = [_item("pvc-1", claim_namespace="verify-mine-1"), _item("pvc-2", claim_namespace="verify-other-2"),
               _item("pv-static")]
    cleanup = PageCleanup.__new__(PageCleanup)
    cleanup.namespace, cleanup.before, cleanup.ready = "verify-mine-1", {}, True
    cleanup.started = NOW
    cleanup.kinds = [Kind("namespace", lambda: SimpleNamespace(items=namespaces), lambda name: None),
                     Kind("persistentvolume", lambda: SimpleNamespace(items=volumes), lambda name: None)]
    assert sorted((kind.name, name) for kind, name in cleanup._new()) == [
        ("namespace", "made-by-the-page"), ("namespace", "verify-mine-1"),
        ("persistentvolume", "pv-static"), ("persistentvolume", "pvc-1")]
