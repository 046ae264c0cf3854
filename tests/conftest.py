"""Which tests must share one worker when the suite runs in parallel (`nox -s tests` runs pytest-xdist).

Tests that use the one control plane (the `control_plane` fixture) are spread over the workers like the
rest: each run of a page has namespaces of its own, its cleanup leaves out what other runs made, and
what a test counts afterwards is its own run's (`tests/live/conftest.py`). The plane is started once for
the whole run if it is not running, and stopped at the end by the run that started it
(`pytest_sessionfinish` below, in the controller). Tests whose pages write outside their namespace
(ClusterRoles, objects in kube-system, a node's labels) mark themselves `cluster-wide`: run at the same
time, the cleanup of one could take for its own what the other made, so they run one after another.
Tests that use the real site say so themselves (`pytestmark = pytest.mark.xdist_group("site")`): its build
writes `site/`, and they share that build and one Chromium. Tests that build sites in copies of the project
(`site-copies`) and the two builds of `tests/site/test_site_url.py` (`site-url`) have groups of their own:
they race with nothing (a copy links `node_modules` only once its packages are current, and `npm ci` takes
turns on a lock, `site_tools/node.py`), but their builds are module fixtures, made again on every worker a
module's tests reach if they spread. The real-node target's tests (`tests/nodes`) mark themselves too
(`real-nodes`): they start the target, run Pods on it and stop it. Everything else is spread over the workers.
"""

from __future__ import annotations

import os
import secrets

import pytest

RUN_VARIABLE = "K8S_TUTORIALS_TEST_RUN"  # tests/live/conftest.py reads it: which run started the plane


def _controller(config: pytest.Config) -> bool:
    """The process that runs no tests itself under xdist, or the only one without it."""
    return not hasattr(config, "workerinput")


def pytest_configure(config: pytest.Config) -> None:
    if _controller(config):  # workers start after this and inherit the variable
        os.environ[RUN_VARIABLE] = secrets.token_hex(8)


def _group(item: pytest.Item) -> str | None:
    mark = item.get_closest_marker("xdist_group")
    if mark is None:
        return None
    return str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The groups first, each group's tests together; then the tests that use the control plane; then the rest.

    Each group keeps its tests in the order they were collected, so that setup a group shares (the real-node
    target, started once for the modules that use it: `tests/nodes/conftest.py`) serves them one after another
    in a run without workers too; pytest-xdist sends a group to its worker as one unit anyway (the groups with
    the most tests first). Every other test is a unit of its own, sent in this order: the control-plane tests
    (most take seconds to a minute, waiting on the API server) before the others, so that a long one does not
    start last while the other workers run out of work, and the many short ones fill the end.
    """
    groups: dict[str, list[pytest.Item]] = {}
    waiting: list[pytest.Item] = []
    rest: list[pytest.Item] = []
    for item in items:
        group = _group(item)
        if group is not None:
            groups.setdefault(group, []).append(item)
        elif "control_plane" in getattr(item, "fixturenames", ()):
            waiting.append(item)
        else:
            rest.append(item)
    items[:] = [member for members in groups.values() for member in members] + waiting + rest


def pytest_sessionfinish(session: pytest.Session) -> None:
    if _controller(session.config) and os.environ.get(RUN_VARIABLE):
        from tests.live.conftest import stop_if_started

        stop_if_started(os.environ[RUN_VARIABLE])
