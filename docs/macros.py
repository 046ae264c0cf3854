"""Macros shared by the pages of every language (mkdocs-macros-plugin).

Pages call them with the project's own delimiters, ``[[% name() %]]``, so that
Go templates handed to kubectl (``{{range ...}}``) reach the reader untouched.
"""

from __future__ import annotations

KUBERNETES_VERSION = "v1.37"

_CLUSTER_PREREQUISITES = {
    "ja": (
        "Kubernetesクラスターが必要、かつそのクラスターと通信するためにkubectlコマンドライン"
        "ツールが設定されている必要があります。"
        "このチュートリアルは、コントロールプレーンのホストとして動作していない少なくとも2つの"
        "ノードを持つクラスターで実行することをおすすめします。"
        "まだクラスターがない場合、[minikube](https://minikube.sigs.k8s.io/docs/tutorials/multi_node/)"
        "を使って作成するか、以下のいずれかのKubernetesプレイグラウンドも使用できます:\n\n"
        "- [Killercoda](https://killercoda.com/playgrounds/scenario/kubernetes)\n"
        "- [Play with Kubernetes](https://labs.play-with-k8s.com/)\n\n"
        "このページは Kubernetes {version} を対象にしています。"
        "バージョンを確認するには次のコマンドを実行してください:"
    ),
    "en": (
        "You need a Kubernetes cluster, and the kubectl command-line tool must be configured to "
        "communicate with your cluster. "
        "It is recommended to run this tutorial on a cluster with at least two nodes that are not "
        "acting as control plane hosts. "
        "If you do not already have a cluster, you can create one by using "
        "[minikube](https://minikube.sigs.k8s.io/docs/tutorials/multi_node/), "
        "or you can use one of these Kubernetes playgrounds:\n\n"
        "- [Killercoda](https://killercoda.com/playgrounds/scenario/kubernetes)\n"
        "- [Play with Kubernetes](https://labs.play-with-k8s.com/)\n\n"
        "This page targets Kubernetes {version}. "
        "To check the version, run the following command:"
    ),
}


def define_env(env) -> None:
    """Register the variables and macros the pages use."""
    language = env.conf["theme"]["language"]
    env.variables["kubernetes_version"] = KUBERNETES_VERSION

    @env.macro
    def cluster_prerequisites() -> str:
        """The 「始める前に」 paragraph every tutorial shares, in the build's language."""
        text = _CLUSTER_PREREQUISITES.get(language)
        if text is None:
            raise ValueError(f"cluster_prerequisites(): no text for language {language!r}")
        return text.format(version=KUBERNETES_VERSION)
