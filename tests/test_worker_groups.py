"""The worker groups of `tests/conftest.py` really keep a group on one worker.

The grouping is two plugins cooperating: our hook marks the items, and pytest-xdist's hook turns the mark
into the `@group` suffix its `loadgroup` scheduler reads. Twice it failed without a word: our hook ran
after xdist's, and pytest 9.2 moved the node id where xdist writes it. Either way the suite still passed
most of the time while site builds raced over one `node_modules` and control-plane tests overlapped.
This runs a real parallel session over a few tests of one group and reads which worker ran each.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: Fast tests of the "site" group (no build): enough of them that two workers would both get some.
SELECTION = ["tests/pages/test_pages.py", "-k", "index or the_four"]


def test_a_group_runs_on_one_worker_with_its_suffix() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-n", "3", "--dist", "loadgroup", "-v", "-p", "no:cacheprovider",
         "-o", "addopts=", *SELECTION],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    ran = re.findall(r"^\[(gw\d+)\] \[ *\d+%\] PASSED (\S+)", result.stdout, flags=re.MULTILINE)
    assert len(ran) >= 5, result.stdout[-3000:]
    assert all(nodeid.endswith("@site") for _, nodeid in ran), ran
    assert len({worker for worker, _ in ran}) == 1, ran
