"""`--at-least-recorded`: a run on the kind of target a page's committed record came from must run at least as many
steps as the record says (CI's guard against a real-node run that silently does less)."""

from __future__ import annotations

from pathlib import Path

from verify.live.recording import short_of_records
from verify.live.results import PageResult, StepResult
from verify.model import Location
from verify.outcomes import Checked, Outcome, Skip
from verify.records import Record, RecordStep, Target
from verify.records.schema import write_record
from verify.results import PASSED, SKIPPED

PAGE = "docs_src/ja/tutorials/a.md"


def _record(root: Path, kind: str, run: int) -> None:
    steps = tuple(RecordStep(n, "command", f"s{n}", n * 10, "kubectl get pods", PASSED, check="exit")
                  for n in range(1, run + 1))
    write_record(root, Record(PAGE, {}, Target(kind, "v1.37.2", "v1.37.1", 2), "2026-12-06", None, PASSED, steps))


def _result(root: Path, ran: int, skipped: int) -> PageResult:
    path = root / PAGE
    result = PageResult(path)
    for n in range(ran + skipped):
        outcome = Outcome.passed(Checked.EXIT) if n < ran else Outcome.skipped(Skip.NEEDS, "cluster lacks exec",
                                                                                 needs=["exec"])
        result.steps.append(StepResult(Location(path, n * 10 + 10), "command", outcome))
    return result


def test_as_many_steps_as_recorded_is_enough(tmp_path: Path) -> None:
    _record(tmp_path, "cluster", 3)
    assert short_of_records([_result(tmp_path, 3, 0)], tmp_path, "cluster") == []
    assert short_of_records([_result(tmp_path, 4, 0)], tmp_path, "cluster") == []


def test_fewer_steps_than_recorded_fail_naming_the_page(tmp_path: Path) -> None:
    _record(tmp_path, "cluster", 3)
    problems = short_of_records([_result(tmp_path, 2, 1)], tmp_path, "cluster")
    assert len(problems) == 1 and "a.md: 2 step(s) ran, fewer than the 3 its record says" in problems[0]
    assert _result(tmp_path, 2, 1).steps[2].status == SKIPPED


def test_a_record_from_another_kind_of_target_fails(tmp_path: Path) -> None:
    _record(tmp_path, "control-plane", 1)
    problems = short_of_records([_result(tmp_path, 5, 0)], tmp_path, "cluster")
    assert problems and "record is of a run on a control-plane target" in problems[0]


def test_a_page_without_a_record_is_not_this_checks_business(tmp_path: Path) -> None:
    assert short_of_records([_result(tmp_path, 0, 2)], tmp_path, "cluster") == []
