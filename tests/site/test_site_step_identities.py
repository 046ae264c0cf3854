"""Which block is which step: the verifier's answer, kept in a cache that a build reads without the verifier."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from gitfacts import blob_id
from site_tools.languages import REPO_ROOT
from site_tools.step_identities import visible_steps
from verify import records
from verify.parsers import load_page

PAGE = REPO_ROOT / "docs_src/ja/tutorials/stateful-application/basic-stateful-set.md"
ENGLISH = REPO_ROOT / "docs/en/tutorials/stateful-application/basic-stateful-set.md"


def test_the_steps_are_the_verifiers_visible_steps(tmp_path: Path) -> None:
    for page in (PAGE, ENGLISH):
        expected = [(i.key, i.output_sha, i.step.raw, i.step.location.line)
                    for i in records.identities(load_page(page, REPO_ROOT)) if not i.hidden]
        found = visible_steps(page, REPO_ROOT, tmp_path)
        assert expected and [(s.key, s.output_sha, s.raw, s.line) for s in found] == expected
        assert visible_steps(page, REPO_ROOT, tmp_path) == found  # read back from the cache


def test_a_cached_page_is_read_without_importing_the_verifier(tmp_path: Path) -> None:
    code = (f"import sys; from pathlib import Path; from site_tools.step_identities import visible_steps; "
            f"steps = visible_steps(Path({str(PAGE)!r}), cache_dir=Path({str(tmp_path)!r})); "
            f"print(len(steps), 'verify.parsers' in sys.modules or 'sybil' in sys.modules)")
    first = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, check=True)
    second = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, check=True)
    count = first.stdout.split()[0]
    assert int(count) > 0
    assert first.stdout.split() == [count, "True"] and second.stdout.split() == [count, "False"]


def test_an_entry_is_stale_when_the_page_or_a_file_it_includes_changes(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / "docs").mkdir(parents=True)
    (root / "manifests").mkdir()
    manifest = root / "manifests" / "pod.yaml"
    manifest.write_text("apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n", encoding="utf-8")
    page = root / "docs" / "page.md"
    page.write_text('---\ntitle: T\nweight: 1\n---\n\n# T\n\n```yaml\n--8<-- "manifests/pod.yaml"\n```\n\n'
                    "```shell\nkubectl apply -f manifests/pod.yaml\n```\n", encoding="utf-8")
    cache = tmp_path / "cache"
    first = visible_steps(page, root, cache)
    entries = sorted(cache.rglob("*.json"))
    assert len(first) == 1 and len(entries) == 1
    assert json.loads(entries[0].read_text(encoding="utf-8"))["includes"] == {
        "manifests/pod.yaml": blob_id(manifest.read_bytes())}
    manifest.write_text("apiVersion: v1\nkind: Pod\nmetadata:\n  name: b\n", encoding="utf-8")
    visible_steps(page, root, cache)  # the include changed: computed again, and the entry rewritten
    assert json.loads(entries[0].read_text(encoding="utf-8"))["includes"] == {
        "manifests/pod.yaml": blob_id(manifest.read_bytes())}
    page.write_text(page.read_text(encoding="utf-8").replace("kubectl apply", "kubectl create"), encoding="utf-8")
    changed = visible_steps(page, root, cache)
    assert changed[0].sha != first[0].sha and len(list(cache.rglob("*.json"))) == 2
