"""The Japanese pages as a newcomer gets them: complete, buildable, and made of commands that run.

These tests read the pages through the verifier's own model (`verify.load_page`), so a block
the verifier sees is a block these tests check, hidden steps included.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from pagegrammar import parse_front_matter
from site_tools.node import ensure_mermaid
from verify import Page, StepKind, load_page

#: Builds sites (or reads the shared node_modules): one worker runs all of these, one after another.
pytestmark = pytest.mark.xdist_group("site")

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "docs_src" / "ja"

TUTORIALS = {
    "tutorials/stateless-application/guestbook-logs-metrics-with-elk.md":
        "例: PHP / Redisを使用したゲストブックの例にロギングとメトリクスを追加する",
    "tutorials/stateful-application/basic-stateful-set.md": "StatefulSetの基本",
    "tutorials/security/apparmor.md": "AppArmorを使用してコンテナのリソースへのアクセスを制限する",
    "tutorials/services/source-ip.md": "送信元IPを使用する",
}

# Forms the HTML extraction left in the seed; none may survive in a command, output or manifest.
DAMAGED_FORMS = {
    "space after a flag's '='": re.compile(r"--[\w-]+=\s"),
    "spaces around '=' in a label selector": re.compile(r"(?:-l|--selector)\s+[\w./-]+\s+=\s"),
    "spaces inside a quoted name": re.compile(r'"[\w-]*-\s+\$\w+\s*"'),
    "space before '=(' or '=$('": re.compile(r"\b[A-Z_]+\s+=\s*(?:\(|\$\()"),
    "space after '=' before '$('": re.compile(r"=\s+\$\("),
    "spaces inside '${…[*]}'": re.compile(r"\$\{\s+\w+\s+\["),
    "spaced '-o= jsonpath ='": re.compile(r"-o=\s*jsonpath\s+="),
    "space before ':$PORT'": re.compile(r"\s:\$\w+"),
    "the frozen k8s.gcr.io registry": re.compile(r"\bk8s\.gcr\.io/"),
    "a group 1.37 no longer prints": re.compile(r"\bdeployment\.extensions/"),
    "the HTML notice of a lost diagram": re.compile(r"JavaScript must be enabled"),
}


def all_pages() -> list[Path]:
    return sorted(SOURCE.rglob("*.md"))


@pytest.fixture(scope="module", params=[p.relative_to(SOURCE).as_posix() for p in all_pages()])
def page(request) -> Page:
    return load_page(SOURCE / request.param, ROOT)


def shell_steps(page: Page):
    return [s for s in page.steps if s.kind in (StepKind.COMMAND, StepKind.HIDDEN_COMMAND)]


def test_the_four_tutorials_and_the_index_exist_with_their_titles() -> None:
    for relative, title in TUTORIALS.items():
        page = load_page(SOURCE / relative, ROOT)
        assert page.front_matter.title == title, relative
    assert load_page(SOURCE / "index.md", ROOT).front_matter.title


def test_the_index_links_every_tutorial() -> None:
    index = (SOURCE / "index.md").read_text(encoding="utf-8")
    for relative in TUTORIALS:
        assert f"({relative})" in index, f"docs_src/ja/index.md does not link {relative}"


def test_every_page_has_front_matter_with_title_weight_and_requires(page: Page) -> None:
    meta = page.front_matter
    assert meta.title.strip()
    assert isinstance(meta.weight, int)
    assert isinstance(meta.requires, tuple)
    # the model fills in a missing `requires` (and the checks above always hold): the page itself must say it
    written = parse_front_matter(page.path.read_text(encoding="utf-8"), page.path).data
    missing = {"title", "weight", "requires"} - set(written)
    assert not missing, f"{page.path.relative_to(ROOT)}: front matter lacks {', '.join(sorted(missing))}"


def test_tutorial_pages_have_the_tutorial_sections() -> None:
    for relative in TUTORIALS:
        text = (SOURCE / relative).read_text(encoding="utf-8")
        headings = re.findall(r"^## (.+)$", text, re.MULTILINE)
        assert "始める前に" in headings or "前提条件" in text, relative
        assert "次の項目" in headings, f"{relative}: no 次の項目 section"
        assert headings[-1] == "次の項目", f"{relative}: 次の項目 is not the last section"


def test_every_shell_block_is_accepted_by_bash(page: Page) -> None:
    for step in shell_steps(page):
        proc = subprocess.run(["bash", "-n"], input=step.text, capture_output=True, text=True, check=False)
        assert proc.returncode == 0, f"{step.location}: bash -n rejects the block: {proc.stderr.strip()}"


def test_every_command_splits_into_words(page: Page) -> None:
    for step in shell_steps(page):
        for command in step.commands:
            try:
                shlex.split(command, comments=True)
            except ValueError as error:
                pytest.fail(f"{step.location}: {command!r} cannot be split into words: {error}")


def test_no_extraction_damage_is_left(page: Page) -> None:
    for step in page.steps:
        if step.kind == StepKind.DIAGRAM:
            continue
        texts = [step.text] + ([step.output.text] if step.output else [])
        for text in texts:
            for what, pattern in DAMAGED_FORMS.items():
                match = pattern.search(text)
                assert not match, f"{step.location}: {what}: {match.group(0)!r}"


def test_the_damage_patterns_catch_the_seed_forms() -> None:
    seed_forms = [
        'kubectl exec "web- $i " -- hostname',
        "kubectl scale sts web --replicas= 5",
        "kubectl get pods -w -l app = nginx",
        "kubectl create clusterrolebinding x --clusterrole= cluster-admin",
        "NODEPORT = $( kubectl get svc)",
        "for NODE in ${ NODES [*]} ; do true; done",
        "kubectl get nodes -o= jsonpath = '{}'",
        "curl -s $node :$NODEPORT",
        "image: k8s.gcr.io/nginx-slim:0.8",
        "deployment.extensions/frontend scaled",
    ]
    for form in seed_forms:
        assert any(p.search(form) for p in DAMAGED_FORMS.values()), form


def test_every_manifest_file_parses_into_kubernetes_objects() -> None:
    files = sorted((ROOT / "manifests").rglob("*.yaml"))
    assert files, "manifests/ holds no YAML"
    for path in files:
        documents = [d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d is not None]
        assert documents, f"{path.relative_to(ROOT)} is empty"
        for doc in documents:
            assert {"apiVersion", "kind", "metadata"} <= set(doc), f"{path.relative_to(ROOT)}: not a Kubernetes object"


def test_every_manifest_file_is_shown_by_a_page() -> None:
    included = {f.resolve() for p in all_pages() for s in load_page(p, ROOT).steps for f in s.includes}
    for path in sorted((ROOT / "manifests").rglob("*")):
        if path.is_file():
            assert path.resolve() in included, f"{path.relative_to(ROOT)} is not included by any page"


_FILE_FLAG = re.compile(r"kubectl\s+(?:apply|create|delete)\b.*?(?:-f|--filename)[= ](\S+)")


def test_every_file_a_kubectl_command_names_is_shipped_or_declared(page: Page) -> None:
    shipped = {s.title for s in page.steps if s.includes and s.title}
    for step in shell_steps(page):
        for command in step.commands:
            for named in _FILE_FLAG.findall(command):
                name = named.strip("'\"").removeprefix("./")
                if name in ("-", "/dev/stdin"):
                    continue
                assert name in shipped or name in page.front_matter.external_files, (
                    f"{step.location}: `{command}` names {name}, which the page neither includes "
                    "(```yaml title=… with --8<--) nor declares in external_files"
                )


def test_included_manifests_exist_under_manifests() -> None:
    for path in all_pages():
        for step in load_page(path, ROOT).steps:
            for include in step.includes:
                assert include.is_file(), f"{step.location}: {include} does not exist"
                assert include.resolve().is_relative_to(ROOT / "manifests"), f"{step.location}: {include} is not under manifests/"


@pytest.fixture(scope="module")
def built_site(tmp_path_factory) -> Path:
    ensure_mermaid()  # the build copies the site's own mermaid from node_modules (npm ci when missing)
    out = tmp_path_factory.mktemp("site-ja")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", "mkdocs.yml", "-d", str(out)],
        cwd=ROOT, capture_output=True, text=True, env=env, check=False,
    )
    assert proc.returncode == 0, f"mkdocs build --strict failed:\n{proc.stdout}\n{proc.stderr}"
    return out


def test_the_japanese_site_builds_strictly_with_every_page(built_site: Path) -> None:
    for relative in TUTORIALS:
        assert (built_site / relative.removesuffix(".md") / "index.html").is_file(), relative


def test_go_templates_in_commands_reach_the_reader_intact(built_site: Path) -> None:
    html = (built_site / "tutorials/stateful-application/basic-stateful-set/index.html").read_text(encoding="utf-8")
    text = re.sub(r"<[^>]+>", "", html)
    assert "{{range $i, $c := .spec.containers}}{{$c.image}}{{end}}" in text


def test_macros_still_render_shared_text(built_site: Path) -> None:
    html = (built_site / "tutorials/services/source-ip/index.html").read_text(encoding="utf-8")
    assert "Kubernetesクラスターが必要" in html
    assert "[[%" not in html and "%]]" not in html
