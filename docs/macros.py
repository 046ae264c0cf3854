"""Macros shared by the pages of every language (mkdocs-macros-plugin).

Pages call them with the project's own delimiters, ``[[% name() %]]``, so that
Go templates handed to kubectl (``{{range ...}}``) reach the reader untouched.
"""

from __future__ import annotations

from pathlib import Path

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

    _register_translation_status(env, language)
    _register_verification_status(env, language)

    @env.macro
    def cluster_prerequisites() -> str:
        """The 「始める前に」 paragraph every tutorial shares, in the build's language."""
        text = _CLUSTER_PREREQUISITES.get(language)
        if text is None:
            raise ValueError(f"cluster_prerequisites(): no text for language {language!r}")
        return text.format(version=KUBERNETES_VERSION)


_STATUS_WORDS = {
    "ja": {"current": "最新", "outdated": "要更新（原文が変更されました）", "missing": "未翻訳",
           "page": "ページ", "state": "英語版の状態", "changed": "原文の最終変更"},
    "en": {"current": "current", "outdated": "outdated (the Japanese source changed)", "missing": "not translated",
           "page": "Page", "state": "English translation", "changed": "Source last changed"},
}


def _register_translation_status(env, language: str) -> None:
    from pagegrammar.frontmatter import read_front_matter
    from translations.status import statuses

    root = Path(env.project_dir)
    words = _STATUS_WORDS[language]

    @env.macro
    def translation_status_table() -> str:
        """A Markdown table of every page and the state of its English translation."""
        here = Path(env.page.file.src_path).parent
        rows = [f"| {words['page']} | {words['state']} | {words['changed']} |", "|---|---|---|"]
        for row in statuses(root, "en"):
            target = row.pair.source if language == "ja" else row.pair.translation
            title = read_front_matter(target if target.exists() else row.pair.source).data.get("title", str(row.relative))
            if target.exists():
                link = Path(*([".."] * len(here.parts)), row.relative).as_posix()
                title = f"[{title}]({link})"
            changed = row.source_changed or "—"
            rows.append(f"| {title} | {words[row.state]} | {changed} |")
        return "\n".join(rows)


def _register_verification_status(env, language: str) -> None:
    from site_tools.verification import legend, status_rows, status_table

    root = Path(env.project_dir)
    extra = env.conf["extra"]

    @env.macro
    def verification_status_table() -> str:
        """A Markdown table of every page with commands and what its verification record says."""
        docs_dirs = extra.get("docs_dirs") or {}
        source = Path(docs_dirs.get("ja") or root / "docs_src" / "ja")
        records_dir = Path(extra.get("verification_dir") or root / "verification")
        here = Path(env.page.file.src_path).parent
        prefix = "".join("../" for _ in here.parts)
        rows = status_rows(source, records_dir, root, title_dir=Path(env.conf["docs_dir"]))
        return status_table(rows, language, prefix)

    @env.macro
    def verification_legend() -> str:
        """The marks shown under command blocks, with their icons."""
        return legend(language)
