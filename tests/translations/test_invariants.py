"""What reads the same in every language, checked in each aligned block without understanding prose:
numbers and versions, inline code (placeholders worded per language), link targets and their count.

Each finding names both files and lines and quotes both texts.
"""

from __future__ import annotations

import pytest

from tests.translations.fixture_repo import DRIFT_EN, DRIFT_JA, MakeRepo, Repo

PAGE = "tutorials/lb/example.md"
JA, EN = f"docs_src/ja/{PAGE}", f"docs/en/{PAGE}"
JA_PARAGRAPH = ("kube-proxyはポート10249で`externalTrafficPolicy`を読みます。詳しくは"
                "[Service](https://kubernetes.io/ja/docs/concepts/services-networking/service/)と"
                "[Serviceを公開する](#serviceを公開する)を参照してください。3つのPodと`kubectl logs <Pod名>`を使い、"
                "Kubernetes v1.37と1.5秒の待ち時間を前提にします。2024年12月に書きました。")
EN_PARAGRAPH = ("kube-proxy listens on port 10249 and reads `externalTrafficPolicy`. For details, see "
                "[Service](https://kubernetes.io/docs/concepts/services-networking/service/) and "
                "[Expose the Service](#serviceを公開する). It uses three Pods and `kubectl logs <pod-name>`, and "
                "assumes Kubernetes v1.37 and a wait of 1.5 seconds. It was written in December 2024.")
ANCHOR_JA, ANCHOR_EN = "まず、Deploymentを作成します。", "First, create a Deployment."


@pytest.fixture
def repo(make_repo: MakeRepo) -> Repo:
    ja = DRIFT_JA.replace(ANCHOR_JA, f"{ANCHOR_JA}\n\n{JA_PARAGRAPH}")
    en = DRIFT_EN.replace(ANCHOR_EN, f"{ANCHOR_EN}\n\n{EN_PARAGRAPH}")
    return make_repo({PAGE: (ja, en)})


def findings_after(repo: Repo, capsys, old: str, new: str) -> list[str]:
    path = repo.en(PAGE)
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    code, out = repo.cli("--check", capsys=capsys)
    found = [line for line in out.splitlines() if " <-> " in line]
    assert code == 1 and found, out
    return found


def where(repo: Repo) -> str:
    ja_line = repo.line_of(repo.ja(PAGE), "kube-proxyはポート")
    en_line = repo.line_of(repo.en(PAGE), "kube-proxy listens")
    return f"{JA}:{ja_line} <-> {EN}:{en_line}: "


def test_a_faithful_paragraph_passes(repo: Repo, capsys) -> None:
    """Localised link paths (/ja/), placeholders in each language's words, small numbers spelled out
    and dates written the English way are all faithful."""
    code, out = repo.cli("--check", capsys=capsys)
    assert code == 0, out


def test_a_changed_port_is_reported_with_both_texts(repo: Repo, capsys) -> None:
    found = findings_after(repo, capsys, "port 10249", "port 10256")
    assert found == [
        where(repo) + "number 10249 of the source's paragraph is not in its translation, which has 10256: "
        "«kube-proxyはポート10249で`externalTrafficPolicy`を読みます。» vs "
        "«kube-proxy listens on port 10256 and reads `externalTrafficPolicy`.»"
    ]


@pytest.mark.parametrize(("old", "new", "says"), [
    ("Kubernetes v1.37 and", "Kubernetes v1.36 and",
     "number v1.37 of the source's paragraph is not in its translation, which has v1.36"),
    ("1.5 seconds", "2 seconds", "number 1.5 of the source's paragraph is not in its translation"),
    ("reads `externalTrafficPolicy`", "reads `internalTrafficPolicy`",
     "inline code `externalTrafficPolicy` of the source's paragraph is not in its translation, "
     "which has `internalTrafficPolicy`"),
    ("`kubectl logs <pod-name>`", "`kubectl logs web-0`",
     "inline code `kubectl logs <Pod名>` of the source's paragraph is not in its translation, which has `kubectl logs web-0`"),
    ("(https://kubernetes.io/docs/concepts/services-networking/service/)", "(https://kubernetes.io/docs/concepts/workloads/pods/)",
     "link target https://kubernetes.io/ja/docs/concepts/services-networking/service/ of the source's paragraph is not in its "
     "translation, which has https://kubernetes.io/docs/concepts/workloads/pods/"),
    ("(#serviceを公開する)", "(#expose-the-service)",
     "link target #serviceを公開する of the source's paragraph is not in its translation, which has #expose-the-service"),
    ("[Expose the Service](#serviceを公開する)", "Expose the Service",
     "link target #serviceを公開する of the source's paragraph is not in its translation: "),
    ("It uses three Pods", "It uses three Pods ([see above](#serviceを公開する))",
     "the source's paragraph has 2 links, its translation 3"),
])
def test_what_every_language_keeps_is_compared(repo: Repo, capsys, old: str, new: str, says: str) -> None:
    found = findings_after(repo, capsys, old, new)
    assert len(found) == 1, found
    assert found[0].startswith(where(repo) + says), found[0]
    assert "» vs «" in found[0]


def test_a_number_in_inline_code_or_a_link_target_is_not_counted_twice(repo: Repo, capsys) -> None:
    found = findings_after(repo, capsys, "reads `externalTrafficPolicy`", "reads `externalTrafficPolicy: 10`")
    assert len(found) == 1 and "inline code" in found[0], found
