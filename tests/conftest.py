"""Which tests must share one worker when the suite runs in parallel (`nox -s tests` runs pytest-xdist).

Tests that use the one control plane run on one worker, one after another: they count namespaces
left behind and start or stop the plane. The real-node target's tests (`tests/nodes`) share another
worker: they start the target, run Pods on it and stop it. Tests that build a site do the same: the real one writes
`site/`, and every build may run `npm ci` into the repository's `node_modules` (a copy of the project
links it), so two at once would clobber each other. Everything else is spread over the workers.
"""

from __future__ import annotations

from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
#: Folder, or file below tests/, → the group whose tests share a worker.
GROUPS = {"live": "control-plane", "nodes": "real-nodes", "site": "site", "pages": "site",
          "languages/test_third_language.py": "site", "translations/test_outdated_banner.py": "site"}


@pytest.hookimpl(tryfirst=True)  # before xdist's own hook, which turns the marker into the `@group` that schedules
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        path = Path(str(item.path)).resolve()
        below = path.relative_to(TESTS).as_posix() if path.is_relative_to(TESTS) else ""  # Sybil's items are pages
        group = "control-plane" if "control_plane" in getattr(item, "fixturenames", ()) \
            else GROUPS.get(below) or GROUPS.get(below.split("/")[0])
        if group:
            item.add_marker(pytest.mark.xdist_group(group))
