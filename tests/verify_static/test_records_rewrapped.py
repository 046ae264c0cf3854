"""A verification record stays current when its page changed only in ways that say the same.

Rewrapping a Japanese paragraph or adding a blank line changes the file's blob, not a word of the
page or a command the record ran: `--check-records` and the site's "changed since" must not ask for
a new live run. Any other change still does.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.git_repo import git
from verify import records
from verify.live.recording import build_record, snapshot
from verify.live.results import PageResult, StepResult
from verify.outcomes import Checked, Outcome
from verify.parsers import load_page

PAGE = """\
---
title: テスト
weight: 1
---

# テスト

ConfigMapを作成して、その結果を確認します。作成には数秒かかります。

```shell
kubectl create configmap web --from-literal=a=b
```

出力は次のようになります。

```text
configmap/web created
```
"""
PROSE = "ConfigMapを作成して、その結果を確認します。作成には数秒かかります。"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository with one page and its committed record."""
    (tmp_path / "docs_src/ja/t").mkdir(parents=True)
    page_path(tmp_path).write_text(PAGE, encoding="utf-8")
    page = load_page(page_path(tmp_path), tmp_path)
    result = PageResult(page.path, namespace="verify-page-abc123")
    for identity in records.identities(page):
        check = Checked.OUTPUT if identity.step.output is not None else Checked.EXIT
        result.steps.append(StepResult(identity.step.location, identity.kind, Outcome.passed(check),
                                       "\n".join(identity.step.commands)))
    target = records.Target("control-plane", "v1.37.2", "v1.37.1", 3, kwok="0.8.0")
    record = build_record(snapshot(page, tmp_path), result, target, "2026-12-01", None, tmp_path)
    records.write_record(tmp_path, record)
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "page and record")
    assert records.check_records(tmp_path) == []
    return tmp_path


def page_path(repo: Path) -> Path:
    return repo / "docs_src/ja/t/page.md"


def rewrite(repo: Path, old: str, new: str) -> None:
    text = page_path(repo).read_text(encoding="utf-8")
    assert old in text
    page_path(repo).write_text(text.replace(old, new, 1), encoding="utf-8")
    git(repo, "commit", "-qam", "edit the page")


@pytest.mark.parametrize(
    "new",
    [
        "ConfigMapを作成して、その結果を\n確認します。作成には数秒かかります。",  # a line wrapped inside a sentence
        "ConfigMapを作成して、その結果を確認します。\n作成には数秒かかります。",  # a line wrapped after a sentence
        PROSE + "  \n",  # trailing spaces and a blank line
    ],
)
def test_a_change_that_says_the_same_keeps_the_record_current(repo: Path, new: str) -> None:
    rewrite(repo, PROSE, new)
    assert records.check_records(repo) == []
    record = records.read_record(repo / "verification/t/page.json")
    assert records.changed_files(record, repo) == []


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (PROSE, "ConfigMapを作成して、その結果を確認します。作成には数分かかります。"),  # one word of prose
        ("--from-literal=a=b", "--from-literal=a=c"),  # a command
        ("kubectl create configmap", "kubectl  create configmap"),  # spaces inside a code block show
    ],
)
def test_any_other_change_still_asks_for_a_new_record(repo: Path, old: str, new: str) -> None:
    rewrite(repo, old, new)
    problems = records.check_records(repo)
    assert len(problems) == 1 and "changed since its record" in problems[0].message


def test_without_git_history_a_changed_file_is_a_change(repo: Path) -> None:
    """The recorded version cannot be read back, so the new one cannot be shown to say the same."""
    (repo / ".git").rename(repo / "git-moved-away")
    page_path(repo).write_text(PAGE.replace(PROSE, PROSE + "  "), encoding="utf-8")
    assert len(records.check_records(repo)) == 1
