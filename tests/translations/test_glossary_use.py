"""The glossary: what counts as using a term, and `glossary`, which looks a term up in every language."""

from __future__ import annotations

from tests.translations.fixture_repo import DRIFT_EN, DRIFT_JA, MakeRepo, Repo

PAGE = "tutorials/lb/example.md"
GLOSSARY = """\
terms:
  - {ja: ロードバランサー, en: load balancer}
  - {ja: ヘルスチェック, en: health check}
  - {ja: コントロールプレーン, en: control plane}
avoid:
  ja:
    - {pattern: "コンテナー", use: コンテナ}
  en:
    - {pattern: "(?i)\\\\bmaster nodes?\\\\b", use: control plane node}
"""


def test_a_term_inside_inline_code_is_not_the_term_used(make_repo: MakeRepo, capsys) -> None:
    ja = DRIFT_JA.replace("作成したServiceとDeploymentを削除します。",
                          "ヘルスチェックのポートは`healthCheckNodePort`です。")
    en = DRIFT_EN.replace("Delete the Service and the Deployment you created.",
                          "The port of the probe is `healthCheckNodePort`.")
    repo = make_repo({PAGE: (ja, en)}, glossary=GLOSSARY)
    code, out = repo.cli("--check", capsys=capsys)
    assert code == 1
    assert "uses 'ヘルスチェック', but its translation «The port of the probe is `hea…» never says 'health check'" in out


def test_a_term_written_in_prose_beside_the_code_passes(make_repo: MakeRepo, capsys) -> None:
    ja = DRIFT_JA.replace("作成したServiceとDeploymentを削除します。", "ヘルスチェックのポートは`healthCheckNodePort`です。")
    en = DRIFT_EN.replace("Delete the Service and the Deployment you created.",
                          "The health check port is `healthCheckNodePort`.")
    repo = make_repo({PAGE: (ja, en)}, glossary=GLOSSARY)
    code, out = repo.cli("--check", capsys=capsys)
    assert code == 0, out


def test_glossary_looks_a_term_up_in_every_language(drift_repo: Repo, capsys) -> None:
    drift_repo.write(drift_repo.root / "docs/glossary.yml", GLOSSARY)
    for word in ("ロードバランサー", "load balancers", "Load Balancer"):
        code, out = drift_repo.cli("glossary", word, capsys=capsys)
        assert code == 0, out
        assert out.splitlines() == ["ja: ロードバランサー    en: load balancer"], out


def test_glossary_finds_a_spelling_to_avoid_and_a_part_of_a_term(drift_repo: Repo, capsys) -> None:
    drift_repo.write(drift_repo.root / "docs/glossary.yml", GLOSSARY)
    code, out = drift_repo.cli("glossary", "コンテナー", capsys=capsys)
    assert code == 0 and out.splitlines() == ["ja: avoid 'コンテナー', write 'コンテナ'"], out
    code, out = drift_repo.cli("glossary", "master node", capsys=capsys)
    assert code == 0 and "en: avoid 'master node', write 'control plane node'" in out.splitlines(), out
    code, out = drift_repo.cli("glossary", "プレーン", capsys=capsys)
    assert out.splitlines() == ["ja: コントロールプレーン    en: control plane"], out


def test_glossary_without_a_word_lists_every_term_and_an_unknown_word_says_so(drift_repo: Repo, capsys) -> None:
    drift_repo.write(drift_repo.root / "docs/glossary.yml", GLOSSARY)
    code, out = drift_repo.cli("glossary", capsys=capsys)
    assert code == 0 and len(out.splitlines()) == 3 + 2 + 1, out  # 3 terms, 2 spellings to avoid, a header
    code, out = drift_repo.cli("glossary", "Pod", capsys=capsys)
    assert code == 1 and out.strip() == "'Pod' is not in docs/glossary.yml (3 terms, 2 spellings to avoid)"


def test_a_message_quoted_in_inline_code_says_its_words(make_repo: MakeRepo, capsys) -> None:
    """The reader reads the words of a quoted message; the Japanese glosses it, English needs no gloss."""
    ja = DRIFT_JA.replace("作成したServiceとDeploymentを削除します。",
                          "`health check failed`(ヘルスチェックに失敗しました)と表示されます。")
    en = DRIFT_EN.replace("Delete the Service and the Deployment you created.", "It says `health check failed`.")
    repo = make_repo({PAGE: (ja, en)}, glossary=GLOSSARY)
    code, out = repo.cli("--check", capsys=capsys)
    assert code == 0, out
