"""The project's glossary (docs/glossary.yml) holds Japanese pages to the terms kubernetes.io/ja uses."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from translations import glossary, structure

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def terms() -> glossary.Glossary:
    return glossary.load(ROOT / "docs/glossary.yml")


def _flagged(terms: glossary.Glossary, prose: str, lang: str = "ja") -> list[str]:
    page = structure.parse(Path(f"p.{lang}.md"), textwrap.dedent(prose))
    return [f.message for f in glossary.check_spellings(terms, page, lang)]


@pytest.mark.parametrize(
    ("written", "preferred"),
    [
        ("Podを名前空間ごとに制限します。", "Namespace"),
        ("default namespaceに作成します。", "Namespace"),
        ("apiserverのフラグを設定します。", "APIサーバー"),
        ("kube-apiserverのフラグを設定します。", "APIサーバー"),
        ("Podが\nRunningかつreadyになるまで待ちます。", "RunningかつReady"),
        ("PodがRunning and Readyになるまで待ちます。", "RunningかつReady"),
        ("ログのDashboardを表示します。", "ダッシュボード"),
        ("StatefulSetのアップデート戦略を設定します。", "更新"),
        ("元のイメージでPodをリストアします。", "復元"),
        ("パーティションを小さくします。", "`partition`"),
        ("v1.33で一般提供(GA)になりました。", "一般利用可能"),
        ("トラフィックを受付可能なノード", "受け付け"),
        ("kube-proxyはパケットをプロキシーします。", "プロキシ"),
        ("`k8s.gcr.io`レジストリーは凍結されています。", "レジストリ"),
        ("このページは Kubernetes v1.37を対象にしています。", "全角文字と半角文字を、間にスペースを入れずに続けた表記"),
        ("Pod `hello-apparmor` を例にします。", "全角文字と半角文字を、間にスペースを入れずに続けた表記"),
        ("ポートが無効なので、メトリクスは取得できません。", "ため"),
        ("## Cluster role bindingを追加する", "ClusterRoleBinding"),
        ("クラスターレベルのrole bindingを作成します。", "ClusterRoleBinding"),
        ("より優れた多重の防御を提供できます。", "多層防御"),
        ("攻撃サーフェイスとなりうる面を減らします。", "攻撃対象領域"),
        ("以前のバージョンのこのチュートリアルでは、古いイメージを使っていました。", "このチュートリアルの以前の版"),
        ("結果は次のようになります。", "出力は次のようになります"),
    ],
)
def test_a_japanese_variant_is_flagged_with_the_term_to_use(terms: glossary.Glossary, written: str, preferred: str) -> None:
    messages = _flagged(terms, written)
    assert len(messages) == 1 and f"write '{preferred}'" in messages[0], messages


@pytest.mark.parametrize(
    "written",
    [
        "PodをNamespaceごとに制限します。`--namespace=kube-system`を指定します。",
        "APIサーバーは`kube-apiserver`として動きます。",
        "PodがRunningかつReadyになるまで待ちます。",
        "[Dashboards](https://example.com/dashboards)アプリを開き、ログのダッシュボードを表示します。",
        "ローリングアップデートの更新戦略を確認し、Podを元のイメージで復元します。",
        "`web-0` Podと`web-1` Podを、Pod `hello-apparmor`と同じNamespaceに作成します。",
        "Podセキュリティの標準を強制するもので、デフォルトで有効です。",
        "## ClusterRoleBindingを追加する",
        "多層防御を強化し、攻撃対象領域を減らします。",
        "このチュートリアルの以前の版では、古いイメージを使っていました。",
        "出力は次のようになります。",
    ],
)
def test_the_preferred_japanese_terms_pass(terms: glossary.Glossary, written: str) -> None:
    assert _flagged(terms, written) == []


def test_english_uses_one_phrasing_for_example_output(terms: glossary.Glossary) -> None:
    assert _flagged(terms, "The output looks like this:\n", "en")
    assert _flagged(terms, "The response should be:\n", "en")
    assert _flagged(terms, "The output is similar to this:\n", "en") == []
