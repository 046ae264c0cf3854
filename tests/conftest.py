"""Which tests must share one worker when the suite runs in parallel (`nox -s tests` runs pytest-xdist).

Tests that use the one control plane (the `control_plane` fixture) run on one worker, one after another:
they count namespaces left behind and start or stop the plane; this hook groups them by the fixture they
use. Tests that build a site say so themselves (`pytestmark = pytest.mark.xdist_group("site")`): the real
build writes `site/`, and every build may run `npm ci` into the repository's `node_modules`. The real-node
target's tests (`tests/nodes`) mark themselves too (`real-nodes`): they start the target, run Pods on it
and stop it. Everything else is spread over the workers.
"""

from __future__ import annotations

import pytest


@pytest.hookimpl(tryfirst=True)  # before xdist's own hook, which turns the marker into the `@group` that schedules
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "control_plane" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.xdist_group("control-plane"))
