"""The committed verification records are current: CI fails, naming the page, when a page or a file
it includes (a manifest) changed since its record under verification/, or a page with commands has
none. Fix: `python -m verify live --context kwok-verify --allow-context kwok-verify --record PAGE`
(on the control plane, `nox -s cluster -- --kwok`), then commit verification/."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from verify import records

ROOT = Path(__file__).resolve().parents[2]


def test_every_page_has_a_current_record() -> None:
    problems = records.check_records(ROOT)
    assert not problems, "\n".join(str(p) for p in problems)


COMMITTED = sorted((ROOT / records.RECORDS_DIR).rglob("*.json"))


def test_there_are_committed_records_to_read() -> None:
    assert len(COMMITTED) >= 4


@pytest.mark.parametrize("path", COMMITTED, ids=lambda p: p.relative_to(ROOT / records.RECORDS_DIR).as_posix())
def test_a_committed_record_reads_into_the_types_and_writes_back_byte_for_byte(path: Path, tmp_path: Path) -> None:
    record = records.read_record(path)
    assert isinstance(record, records.Record) and all(isinstance(s, records.RecordStep) for s in record.steps)
    assert record.summary.to_json() == json.loads(path.read_text(encoding="utf-8"))["summary"]
    written = records.write_record(tmp_path, record)
    assert written.relative_to(tmp_path) == path.relative_to(ROOT)
    assert written.read_bytes() == path.read_bytes()
