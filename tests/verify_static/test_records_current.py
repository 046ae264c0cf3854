"""The committed verification records are current: CI fails, naming the page, when a page or a file
it includes (a manifest) changed since its record under verification/, or a page with commands has
none. Fix: `python -m verify live --context kwok-verify --allow-context kwok-verify --record PAGE`
(on the control plane, `nox -s cluster -- --kwok`), then commit verification/."""

from __future__ import annotations

from pathlib import Path

from verify import records

ROOT = Path(__file__).resolve().parents[2]


def test_every_page_has_a_current_record() -> None:
    problems = records.check_records(ROOT)
    assert not problems, "\n".join(str(p) for p in problems)
