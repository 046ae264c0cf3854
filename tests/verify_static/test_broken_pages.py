"""Each broken page or manifest in tests/fixtures/broken/ is caught at its exact file:line, by the
check that owns the mistake, and nothing else on that page fails."""

from __future__ import annotations

from pathlib import Path

import pytest

from verify.parsers import read_page
from verify.static import StaticContext, failures
from verify.static.run import page_entries, run_static

ROOT = Path(__file__).resolve().parents[2]
BROKEN = ROOT / "tests" / "fixtures" / "broken"

# fixture page → (file the error is in, line, check class, words the message must contain)
CASES = {
    "unknown-directive.md": ("unknown-directive.md", 8, "directive", "unknown directive 'verfy'"),
    "unknown-option.md": ("unknown-option.md", 8, "directive", "unknown directive option or match mode 'retries'"),
    "unknown-match-mode.md": ("unknown-match-mode.md", 12, "directive", "match mode 'fuzzy'"),
    "stray-directive.md": ("stray-directive.md", 8, "directive", "is not followed by a block"),
    "output-without-command.md": ("output-without-command.md", 10, "output", "output block has no command before it"),
    "unclosed-fence.md": ("unclosed-fence.md", 8, "fence", "not closed before line 13"),
    "unclosed-at-end.md": ("unclosed-at-end.md", 8, "fence", "never closed"),
    "no-title.md": ("no-title.md", 1, "front-matter", "needs a non-empty `title`"),
    "invalid-yaml.md": ("invalid-yaml.md", 12, "yaml", "invalid YAML"),
    "schema-typo.md": ("manifests/replica-typo.yaml", 7, "manifest", "unknown field 'replica' in spec"),
    "missing-include.md": ("missing-include.md", 9, "include",
                           "'tests/fixtures/broken/manifests/no-such-file.yaml' does not resolve"),
    "pasted-manifest.md": ("pasted-manifest.md", 8, "include", "complete manifest is pasted"),
    "wrong-kubectl-flag.md": ("wrong-kubectl-flag.md", 10, "kubectl", "unknown flag: --replica"),
    "unknown-kubectl-command.md": ("unknown-kubectl-command.md", 9, "kubectl", 'unknown command "gett"'),
    "bash-syntax.md": ("bash-syntax.md", 10, "bash", "syntax error near unexpected token"),
    "malformed-patch.md": ("malformed-patch.md", 9, "patch", "patch is not valid JSON"),
    "patch-does-not-apply.md": ("patch-does-not-apply.md", 14, "patch", "replace operation does not apply"),
    "patch-unknown-field.md": ("patch-unknown-field.md", 13, "patch",
                               "not valid for Kubernetes 1.37.0: unknown field 'replica' in spec"),
    "old-header.md": ("old-header.md", 13, "output-header", "'NAME DESIRED CURRENT AGE' is not what kubectl 1.37 prints"),
    "old-group.md": ("old-group.md", 13, "output-message", "'deployment.apps', not 'deployment.extensions'"),
    "old-delete-message.md": ("old-delete-message.md", 13, "output-message", 'deleted from <namespace> namespace'),
    "fence-in-comment.md": ("fence-in-comment.md", 9, "fence", "a fenced block inside an HTML comment (opened at line 8)"),
    "timeout-above-ceiling.md": ("timeout-above-ceiling.md", 8, "directive", "above the ceiling of 1800 s"),
    "credential-flag.md": ("credential-flag.md", 9, "kubectl", "refused in a page: `--token` gives kubectl a bearer token"),
    "access-without-reason.md": ("access-without-reason.md", 4, "front-matter", "access entry 1: every entry needs a `reason`"),
}


def test_the_corpus_has_a_case_for_every_broken_file() -> None:
    assert len(CASES) >= 12
    assert sorted(p.name for p in BROKEN.glob("*.md")) == sorted(CASES)


@pytest.mark.parametrize("page", sorted(CASES))
def test_a_broken_page_fails_at_its_file_and_line(page: str, fresh_context: StaticContext) -> None:
    where, line, check, words = CASES[page]
    entries = page_entries(read_page(BROKEN / page, ROOT), fresh_context)
    failed = failures(f for e in entries for f in e.findings)
    assert [(f.location.path, f.location.line, f.check) for f in failed] == [((BROKEN / where).resolve(), line, check)]
    assert words in failed[0].message
    assert str(failed[0].location).endswith(f"{where}:{line}")


def test_a_run_over_the_whole_corpus_fails_every_page(fresh_context: StaticContext) -> None:
    run = run_static(sorted(BROKEN.glob("*.md")), fresh_context, sweep_manifests=False)
    failed_files = {e.location.path.name for e in run.entries if e.status == "failed"}
    assert failed_files >= set(CASES)
    assert run.counts.failed >= len(CASES)
