"""Which tests must share one worker when the suite runs in parallel (`pytest -n 2`, as `nox -s tests` does).

Tests that use the one control plane run on one worker, one after another: they count namespaces
left behind and start or stop the plane. Tests that build the real site into `site/` do the same, so
that two builds never write one directory. Everything else is spread over the workers.
"""

from __future__ import annotations

from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
#: Folder → the group whose tests share a worker.
GROUPS = {"live": "control-plane", "site": "site", "pages": "site"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        path = Path(str(item.path)).resolve()
        folder = path.relative_to(TESTS).parts[0] if path.is_relative_to(TESTS) else ""  # Sybil's items are pages
        group = "control-plane" if "control_plane" in getattr(item, "fixturenames", ()) else GROUPS.get(folder)
        if group:
            item.add_marker(pytest.mark.xdist_group(group))
