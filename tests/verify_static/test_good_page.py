"""A well-formed page (tests/fixtures/good/page.md) passes every static check, and each check
actually ran on it: passing is not the same as not looking."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from verify.parsers import read_page
from verify.static import StaticContext
from verify.static.run import page_entries

ROOT = Path(__file__).resolve().parents[2]
GOOD = ROOT / "tests" / "fixtures" / "good" / "page.md"


@pytest.fixture(scope="module")
def findings(fresh_context: StaticContext) -> list:
    parsed = read_page(GOOD, ROOT)
    assert parsed.problems == []
    return [f for e in page_entries(parsed, fresh_context) for f in e.findings]


def test_nothing_fails_on_the_good_page(findings: list) -> None:
    assert [str(f) for f in findings if not f.ok] == []


def test_every_check_class_ran_and_passed(findings: list) -> None:
    ran = Counter(f.check for f in findings if f.ok)
    for check in ("manifest", "yaml", "bash", "kubectl", "patch", "output-header", "output-message"):
        assert ran[check] > 0, f"{check} never ran on the good page"


def test_the_manifest_is_validated_document_by_document(findings: list) -> None:
    manifest = [f for f in findings if f.check == "manifest"]
    assert [(f.location.path.name, f.location.line) for f in manifest] == [("web.yaml", 1), ("web.yaml", 15)]
    assert "Service nginx" in manifest[0].message and "StatefulSet web" in manifest[1].message


def test_both_patches_apply_to_the_included_statefulset(findings: list) -> None:
    patches = [f for f in findings if f.check == "patch"]
    assert len(patches) == 2
    assert all("applies cleanly" in f.message for f in patches)


def test_the_loop_command_is_checked_with_its_variable_substituted(findings: list) -> None:
    loop = [f for f in findings if f.check == "kubectl" and f.location.line == 58]
    assert len(loop) == 1 and "kubectl exec web-0" in loop[0].message


def test_the_skipped_block_is_not_checked(fresh_context: StaticContext) -> None:
    entries = page_entries(read_page(GOOD, ROOT), fresh_context)
    skipped = [e for e in entries if e.status == "skipped"]
    assert [(e.location.line, e.findings) for e in skipped] == [(94, [])]
