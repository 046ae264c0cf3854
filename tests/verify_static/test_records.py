"""Verification records (verify/records/, built by verify/live/recording.py) without a cluster: blob ids, step keys shared by both
languages, what counts as run, stable files, and `--check-records` naming the page that changed.
(test_records_current.py runs the same check on the repository itself.)"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from gitfacts import file_blob
from verify import cli, records
from verify.live.recording import build_record, snapshot
from verify.live.results import PageResult, StepResult
from verify.model import Location
from verify.outcomes import Checked, Failure, Outcome, Skip
from verify.parsers import load_page

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "docs_src" / "ja"
STS = "tutorials/stateful-application/basic-stateful-set.md"
TARGET_CP = records.Target("control-plane", "v1.37.2", "v1.37.1", 3, kwok="0.8.0")
TARGET_CLUSTER = records.Target("cluster", "v1.37.2", "v1.37.1", 3)


def tutorial_pages() -> list[str]:
    return [p.relative_to(SOURCE).as_posix() for p in sorted((SOURCE / "tutorials").rglob("*.md"))]


def test_blob_ids_are_gits(tmp_path: Path) -> None:
    page = SOURCE / STS
    done = subprocess.run(["git", "hash-object", str(page)], capture_output=True, text=True, check=True)
    assert file_blob(page) == done.stdout.strip()


@pytest.mark.parametrize("src_uri", tutorial_pages())
def test_the_english_page_finds_every_step_of_the_japanese_record(src_uri: str) -> None:
    ja = records.identities(load_page(SOURCE / src_uri, ROOT))
    en = records.identities(load_page(ROOT / "docs" / "en" / src_uri, ROOT))
    assert [(i.key, i.hidden, i.output_sha) for i in en] == [(i.key, i.hidden, i.output_sha) for i in ja]
    assert len({i.key for i in ja}) == len(ja)


# --- a scratch repository with one page and one manifest --------------------------------------------------
PAGE = """\
---
title: テスト
weight: 1
---

# テスト

```yaml title="web.yaml"
--8<-- "manifests/web.yaml"
```

<!-- verify: terminal=watch -->
```shell
kubectl get pods -w
```

```shell
kubectl apply -f web.yaml
```

出力は次のようになります。

```text
configmap/web created
```

<!-- invisible-code-block: shell
kubectl wait --for=create configmap/web --timeout=30s
-->

```shell
kubectl get nodes
```

<!-- verify: skip reason="node names depend on the cluster" -->
```text
NAME     STATUS   ROLES    AGE   VERSION
node-1   Ready    <none>   1d    v1.37.2
```

<!-- verify: exit=any -->
```shell
kubectl delete configmap nothing-here
```

```shell
kubectl exec web-0 -- hostname
```

```text
web-0
```

<!-- verify: skip reason="illustration only" -->
```shell
kubectl get pods <pod-name>
```
"""
MANIFEST = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\ndata:\n  a: b\n"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / "docs_src" / "ja" / "t").mkdir(parents=True)
    (tmp_path / "manifests").mkdir()
    (tmp_path / "docs_src" / "ja" / "t" / "page.md").write_text(PAGE, encoding="utf-8")
    (tmp_path / "docs_src" / "ja" / "index.md").write_text("---\ntitle: ホーム\nweight: 0\n---\n\n# ホーム\n",
                                                          encoding="utf-8")
    (tmp_path / "manifests" / "web.yaml").write_text(MANIFEST, encoding="utf-8")
    return tmp_path


def page_path(repo: Path) -> Path:
    return repo / "docs_src" / "ja" / "t" / "page.md"


def fake_result(repo: Path, outcomes: dict[int, Outcome] | None = None) -> PageResult:
    """A PageResult as the runner makes it on a control plane (exec is not available), each outcome built
    as the handlers build it; `outcomes` replaces some of them by step number."""
    page = load_page(page_path(repo), repo)
    result = PageResult(page.path, namespace="verify-page-abc123")
    for identity in records.identities(page):
        step = identity.step
        if step.directive.skip_reason:
            outcome = Outcome.skipped(Skip.DIRECTIVE, step.directive.skip_reason)
        elif "exec" in step.commands[0]:
            outcome = Outcome.skipped(Skip.NEEDS, "cluster lacks exec (needs a container runtime: control-plane target)",
                                      needs=["exec"])
        elif identity.kind == "terminal":
            outcome = Outcome.passed(Checked.BACKGROUND, "started in the background (first terminal)")
        elif step.output is not None:
            outcome = Outcome.passed(Checked.NOT_COMPARED if step.output.directive.skip_reason else Checked.OUTPUT)
        else:
            outcome = Outcome.passed(Checked.NONE if step.directive.exit_status == "any" else Checked.EXIT)
        outcome = (outcomes or {}).get(identity.n, outcome)
        result.steps.append(StepResult(step.location, identity.kind, outcome, "\n".join(step.commands)))
    return result


def record_for(repo: Path, result: PageResult | None = None, target: records.Target = TARGET_CP,
               date: str = "2026-12-01") -> records.Record:
    page = load_page(page_path(repo), repo)
    record = build_record(snapshot(page, repo), result or fake_result(repo), target, date, None, repo)
    records.write_record(repo, record)
    return record


def test_a_record_says_what_ran_and_what_was_compared(repo: Path) -> None:
    record = record_for(repo)
    by_n = {s.n: s for s in record.steps}
    assert [s.kind for s in record.steps] == ["terminal", "command", "hidden-command", "command", "command",
                                              "command", "command"]
    assert by_n[1].check == "background"  # a watch started in the background is not a match
    assert by_n[2].check == "output"
    assert by_n[3].check == "exit" and by_n[3].hidden is True  # a hidden wait
    assert by_n[4].check == "not-compared" and by_n[4].reason == "node names depend on the cluster"
    assert by_n[5].check == "none"  # exit=any and no output: nothing was checked
    assert by_n[6].skip == "needs" and by_n[6].needs == ("exec",)
    assert by_n[7].skip == "directive" and by_n[7].reason == "illustration only"
    summary = record.summary
    assert summary.matched == 1 and summary.run == 5 and summary.skipped == 2
    assert summary.outputs == records.OutputCounts(documented=3, compared=1)
    assert record.files == {"docs_src/ja/t/page.md": file_blob(page_path(repo)),
                            "manifests/web.yaml": file_blob(repo / "manifests" / "web.yaml")}
    assert record.target == records.Target("control-plane", "v1.37.2", "v1.37.1", 3, kwok="0.8.0")
    assert records.verdict(record) == "control-plane"


def test_a_record_file_is_stable_sorted_and_has_no_absolute_path(repo: Path) -> None:
    record_for(repo)
    path = repo / "verification" / "t" / "page.json"
    first = path.read_text(encoding="utf-8")
    record_for(repo)
    assert path.read_text(encoding="utf-8") == first
    record_for(repo, date="2026-12-02")
    changed = [a for a, b in zip(first.splitlines(), path.read_text(encoding="utf-8").splitlines(), strict=True) if a != b]
    assert changed == ['  "date": "2026-12-01",']
    assert str(repo) not in first and "verify-page-abc123" not in first
    data = json.loads(first)
    assert list(data) == sorted(data)
    assert [p.name for p in path.parent.iterdir()] == ["page.json"]  # written through a temporary file


def test_a_failure_is_recorded_with_where_and_why(repo: Path) -> None:
    failed_at = Location(page_path(repo), 21)
    after = Outcome.skipped(Skip.AFTER_FAILURE, "after failure at docs_src/ja/t/page.md:21", after=failed_at)
    result = fake_result(repo, {2: Outcome.failed(Failure.OUTPUT, "output differs from the documented output at "
                                                                  "docs_src/ja/t/page.md:27"), 3: after, 4: after})
    result.steps[1].diff = "- configmap/web created\n+ configmap/web configured in verify-page-abc123"
    record = record_for(repo, result)
    assert record.outcome == "failed" and records.verdict(record) == "failed"
    assert record.failure is not None and record.failure.n == 2 and record.failure.why == "output"
    assert "NAMESPACE" in str(record.steps[1].diff) and "verify-page-abc123" not in records.dumps(record)
    assert record.steps[2].skip == "after-failure" and record.steps[2].after == 2


def test_only_a_full_cluster_that_left_nothing_out_verifies_a_page(repo: Path) -> None:
    assert records.verdict(record_for(repo, target=TARGET_CLUSTER)) == "partial"  # exec was missing
    everything = fake_result(repo, {6: Outcome.passed(Checked.OUTPUT)})
    assert records.verdict(record_for(repo, everything, target=TARGET_CLUSTER)) == "verified"
    assert records.verdict(record_for(repo, everything, target=TARGET_CP)) == "control-plane"
    # The guestbook without Elasticsearch: its subject steps skipped for a need, never "verified".
    no_es = fake_result(repo, {6: Outcome.skipped(Skip.NEEDS, "cluster lacks elasticsearch (not provided; pass "
                                                              "--provide elasticsearch if you have it)",
                                                  needs=["elasticsearch"])})
    record = record_for(repo, no_es, target=TARGET_CLUSTER)
    assert record.steps[5].needs == ("elasticsearch",) and records.verdict(record) == "partial"


def test_check_records_names_the_page_without_a_record(repo: Path) -> None:
    problems = records.check_records(repo)
    assert [p.page for p in problems] == ["docs_src/ja/t/page.md"]
    assert "has no verification record (verification/t/page.json)" in problems[0].message


def test_check_records_fails_after_a_one_word_change_and_passes_after_a_new_record(repo: Path) -> None:
    record_for(repo)
    assert records.check_records(repo) == []
    page = page_path(repo)
    page.write_text(page.read_text(encoding="utf-8").replace("configmap/web created", "configmap/web configured"),
                    encoding="utf-8")
    problems = records.check_records(repo)
    assert len(problems) == 1 and problems[0].page == "docs_src/ja/t/page.md"
    assert "changed since its record" in problems[0].message and "docs_src/ja/t/page.md" in problems[0].message
    record_for(repo)
    assert records.check_records(repo) == []


def test_check_records_names_a_changed_manifest_and_a_stray_record(repo: Path) -> None:
    record_for(repo)
    (repo / "manifests" / "web.yaml").write_text(MANIFEST.replace("a: b", "a: c"), encoding="utf-8")
    (repo / "verification" / "gone.json").write_text("{}", encoding="utf-8")
    problems = [str(p) for p in records.check_records(repo)]
    assert any(p.startswith("docs_src/ja/t/page.md: changed since") and "manifests/web.yaml" in p for p in problems)
    assert any(p.startswith("docs_src/ja/gone.md: verification/gone.json records a page") for p in problems)


def test_the_command_line_check_exits_1_naming_the_page(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["live", "--root", str(repo), "--check-records"]) == 1
    assert "FAILED   docs_src/ja/t/page.md: has no verification record" in capsys.readouterr().err
    record_for(repo)
    assert cli.main(["live", "--root", str(repo), "--check-records"]) == 0
    assert "records: all 1 page(s) with commands have a current record" in capsys.readouterr().out


def test_a_report_path_that_cannot_be_written_is_refused_before_anything_runs(
        repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    for option in ("--report", "--junit"):
        code = cli.main(["live", "--root", str(repo), "--kubeconfig", str(tmp_path / "none"), option,
                         str(blocker / "out.json")])
        assert code == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert err == [f"verify: error: {option}: {blocker} is not a directory"]


def test_record_refuses_a_page_that_is_not_a_japanese_source_page(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    other = repo / "docs" / "en" / "t" / "page.md"
    other.parent.mkdir(parents=True)
    shutil.copy(page_path(repo), other)
    assert cli.main(["live", "--root", str(repo), "--report", str(repo / "r.json"), "--record", str(other)]) == 2
    assert "is not below docs_src/ja" in capsys.readouterr().err
