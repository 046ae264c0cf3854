"""The site reads the verification records itself (site_tools.records) and must read what the verifier wrote.

Every committed record is read by both site_tools.records and verify.records: the same steps, target,
failure and files, the same counts, the same "matched" per step and the same verdict. A change of the
format or of a rule on the verifier's side fails here until the site's reader follows it.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from site_tools import records as site
from site_tools.languages import REPO_ROOT
from verify import records as verifier
from verify.results import PASSED, SKIPPED

RECORDS = sorted((REPO_ROOT / "verification").rglob("*.json"))


def test_there_are_records_to_compare() -> None:
    assert RECORDS, "no committed record under verification/"


def test_the_rules_and_values_the_site_uses_are_the_verifiers() -> None:
    assert site.MATCHED_CHECKS == verifier.MATCHED_CHECKS
    assert site.REAL_NODE_NEEDS == verifier.REAL_NODE_NEEDS
    assert site.SCHEMA == verifier.SCHEMA
    assert site.blob_id(b"some bytes\n") == verifier.blob_id(b"some bytes\n")


@pytest.mark.parametrize("path", RECORDS, ids=lambda p: p.relative_to(REPO_ROOT / "verification").as_posix())
def test_the_site_reads_each_record_as_the_verifier_does(path: Path) -> None:
    ours, theirs = site.read_record(path), verifier.read_record(path)
    assert (ours.page, ours.files, ours.date, ours.commit, ours.outcome) == \
        (theirs.page, theirs.files, theirs.date, theirs.commit, theirs.outcome)
    assert vars(ours.target) == vars(theirs.target)
    assert (vars(ours.failure) if ours.failure else None) == (vars(theirs.failure) if theirs.failure else None)
    assert len(ours.steps) == len(theirs.steps)
    for mine, other in zip(ours.steps, theirs.steps, strict=True):
        for field in ("n", "kind", "sha", "line", "command", "status", "hidden", "output_sha", "check", "reason",
                      "skip", "needs", "why"):
            assert getattr(mine, field) == getattr(other, field), (mine.n, field)
        assert mine.matched == other.matched, mine.n
    summary = theirs.summary
    assert (ours.summary.steps, ours.summary.run, ours.summary.failed, ours.summary.skipped) == \
        (summary.steps, summary.run, summary.failed, summary.skipped)
    assert vars(ours.summary.outputs) == vars(summary.outputs)
    assert site.verdict(ours) == verifier.verdict(theirs)
    assert site.changed_files(ours, REPO_ROOT) == verifier.changed_files(theirs, REPO_ROOT)


def test_every_verdict_the_verifier_knows_comes_out_the_same(tmp_path: Path) -> None:
    """The four verdicts, from records written by the verifier's own writer."""
    base = verifier.read_record(RECORDS[0])
    cluster = verifier.Target("cluster", "v1.37.2", "v1.37.1", 3)
    variants = {
        "control-plane": base,
        "failed": replace(base, outcome="failed"),
        "verified": replace(base, target=cluster, steps=tuple(
            replace(s, status=PASSED, skip=None, needs=(), reason=None, check="exit")
            for s in base.steps)),
        "partial": replace(base, target=cluster, steps=(
            replace(base.steps[0], status=SKIPPED, skip="needs", needs=("exec",), check=None),)),
    }
    for expected, record in variants.items():
        path = tmp_path / f"{expected}.json"
        path.write_text(verifier.dumps(record), encoding="utf-8")
        assert verifier.verdict(verifier.read_record(path)) == expected
        assert site.verdict(site.read_record(path)) == expected, expected


def test_a_broken_record_is_an_error_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"schema": 1, "steps": [], "files": {}}', encoding="utf-8")
    with pytest.raises(site.RecordError, match=rf"{path}: not a verification record: missing or wrong 'target'"):
        site.read_record(path)
