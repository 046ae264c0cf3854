"""The language registry and the strings files: what they refuse, and the static files that must agree with them.

The MkDocs configs stay plain YAML (``mkdocs serve -f mkdocs.en.yml`` reads them), so these tests
hold each config to its registry entry: a language added to one and not the other fails here.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from languages import LANGUAGES, SOURCE_LANGUAGE, TRANSLATIONS, RegistryError, StringsError, language, load_registry
from languages.strings import STRINGS_DIR, load_strings, strings
from translations import glossary

ROOT = Path(__file__).resolve().parents[2]
ENTRY = ("  - code: {code}\n    name: N\n    english_name: N\n    source: {source}\n"
         "    docs_dir: d/{code}\n    config_file: {code}.yml\n    prefix: '{prefix}'\n    hreflang: {code}\n"
         "    search_lang: en\n    word_spaces: true\n")


class _Config(yaml.SafeLoader):
    """mkdocs.yml without constructing its ``!!python/…`` tags."""


_Config.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)


def config_of(lang) -> dict:
    """The language's MkDocs config, with its INHERIT parent merged under it as MkDocs does (dicts merge)."""
    data = yaml.load((ROOT / lang.config_file).read_text(encoding="utf-8"), Loader=_Config)
    parent = data.pop("INHERIT", None)
    if parent is None:
        return data
    return _merge(yaml.load((ROOT / parent).read_text(encoding="utf-8"), Loader=_Config), data)


def _merge(base: dict, over: dict) -> dict:
    out = dict(base)
    for key, value in over.items():
        out[key] = _merge(base[key], value) if isinstance(value, dict) and isinstance(base.get(key), dict) else value
    return out


def _registry(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "registry.yaml"
    path.write_text(text, encoding="utf-8")
    return path


# --- the registry ----------------------------------------------------------------------------------
def test_the_source_comes_first_and_every_other_language_is_a_translation() -> None:
    assert SOURCE_LANGUAGE is LANGUAGES[0] and SOURCE_LANGUAGE.source and SOURCE_LANGUAGE.prefix == ""
    assert LANGUAGES[1:] == TRANSLATIONS and not any(lang.source for lang in TRANSLATIONS)


def test_an_unknown_code_names_the_registry() -> None:
    with pytest.raises(KeyError, match=r"unknown site language 'xx' \(known: ja, en.*languages/registry.yaml"):
        language("xx")


def test_a_registry_entry_missing_a_field_is_refused_with_the_field(tmp_path: Path) -> None:
    text = ENTRY.format(code="ja", source="true", prefix="") + "  - code: fr\n    name: Français\n"
    with pytest.raises(RegistryError, match=r"language fr: missing english_name, source, docs_dir"):
        load_registry(_registry(tmp_path, "\n".join(line[2:] for line in text.splitlines())))


@pytest.mark.parametrize(
    ("second", "message"),
    [
        (ENTRY.format(code="ja", source="false", prefix="x/"), "two languages share the code 'ja'"),
        (ENTRY.format(code="fr", source="true", prefix="fr/"), "exactly one language, the first, must be the source"),
        (ENTRY.format(code="fr", source="false", prefix="fr"), "prefix 'fr' must end with '/'"),
        (ENTRY.format(code="fr", source="false", prefix=""), "two languages share the prefix ''"),
    ],
)
def test_registry_conflicts_are_refused(tmp_path: Path, second: str, message: str) -> None:
    text = ENTRY.format(code="ja", source="true", prefix="") + second
    with pytest.raises(RegistryError, match=message):
        load_registry(_registry(tmp_path, "\n".join(line[2:] for line in text.splitlines())))


# --- strings -------------------------------------------------------------------------------------------
def test_every_language_has_its_strings_with_the_source_languages_keys() -> None:
    for lang in LANGUAGES:
        assert strings(lang.code)["verification"]["page"]["label"]


def _copy_strings(tmp_path: Path, edit) -> Path:
    for lang in LANGUAGES:
        (tmp_path / f"{lang.code}.yaml").write_text((STRINGS_DIR / f"{lang.code}.yaml").read_text(encoding="utf-8"))
    data = yaml.safe_load((tmp_path / "en.yaml").read_text(encoding="utf-8"))
    edit(data)
    (tmp_path / "en.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return tmp_path


def test_a_missing_string_names_the_language_the_file_and_the_key(tmp_path: Path) -> None:
    directory = _copy_strings(tmp_path, lambda data: data["verification"]["marks"].pop("title_cp"))
    with pytest.raises(StringsError, match=rf"language en: {tmp_path}/en.yaml: missing key verification.marks.title_cp "
                                           r"\(present in ja.yaml\)"):
        load_strings("en", directory)


def test_an_extra_string_is_refused_as_a_likely_typo(tmp_path: Path) -> None:
    directory = _copy_strings(tmp_path, lambda data: data["switcher"].update(not_translatd="x"))
    with pytest.raises(StringsError, match=r"unknown key switcher.not_translatd \(not in ja.yaml\)"):
        load_strings("en", directory)


def test_a_string_must_keep_the_placeholders(tmp_path: Path) -> None:
    directory = _copy_strings(tmp_path, lambda data: data["verification"]["page"].update(ran="{run} steps ran."))
    expected = r"verification.page.ran has the placeholders \['run'\], ja.yaml has \['run', 'steps'\]"
    with pytest.raises(StringsError, match=expected):
        load_strings("en", directory)


def test_a_language_without_a_strings_file_says_which_file(tmp_path: Path) -> None:
    with pytest.raises(StringsError, match=rf"language fr: no strings file {tmp_path}/fr.yaml"):
        load_strings("fr", tmp_path)


def test_asking_for_a_key_no_language_has_names_it() -> None:
    with pytest.raises(KeyError, match=r"language en: .*en.yaml has no key verification.marks.no_such_key"):
        strings("en")["verification"]["marks"]["no_such_key"]


# --- the static files that must agree with the registry -------------------------------------------------
@pytest.mark.parametrize("lang", LANGUAGES, ids=lambda lang: lang.code)
def test_each_languages_mkdocs_config_matches_its_registry_entry(lang) -> None:
    config = config_of(lang)
    assert config["theme"]["language"] == lang.code
    assert config["docs_dir"] == lang.docs_dir
    assert config["site_dir"] == ("site/" + lang.prefix).rstrip("/")
    own = yaml.safe_load((ROOT / lang.config_file).read_text(encoding="utf-8")) if not lang.source else {}
    assert "site_url" not in own, f"{lang.config_file}: the site plugin puts the build at the site's root + {lang.prefix}"
    assert config["plugins"]["search"]["lang"] == lang.search_lang
    assert config["extra"]["lang_name"] == lang.name
    if not lang.source:
        assert yaml.safe_load((ROOT / lang.config_file).read_text(encoding="utf-8"))["INHERIT"] == SOURCE_LANGUAGE.config_file


def test_every_mkdocs_config_belongs_to_a_language() -> None:
    assert {p.name for p in ROOT.glob("mkdocs*.yml")} == {lang.config_file for lang in LANGUAGES}


def test_every_docs_folder_is_a_language() -> None:
    folders = {p.relative_to(ROOT).as_posix() for p in [*(ROOT / "docs_src").iterdir(), *(ROOT / "docs").iterdir()]
               if p.is_dir() and any(p.rglob("*.md"))}
    assert folders == {lang.docs_dir for lang in LANGUAGES}


def test_every_glossary_term_has_a_text_in_every_language() -> None:
    gloss = glossary.load(ROOT / "docs" / "glossary.yml")
    assert gloss.terms and all(set(term.texts) == {lang.code for lang in LANGUAGES} for term in gloss.terms)
    assert set(gloss.avoid) <= {lang.code for lang in LANGUAGES}


def test_a_glossary_term_without_the_source_language_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "glossary.yml"
    path.write_text("terms:\n  - {en: load balancer}\n", encoding="utf-8")
    with pytest.raises(glossary.GlossaryError, match=r"terms entry 1 has no 'ja' text"):
        glossary.load(path)


def test_a_glossary_term_without_a_translations_text_is_that_languages_finding(tmp_path: Path) -> None:
    """A language just added to the registry has no texts yet: its own check reports them, no other."""
    path = tmp_path / "glossary.yml"
    path.write_text("terms:\n  - {ja: ロードバランサー}\n  - {ja: コントロールプレーン, en: control plane}\n",
                    encoding="utf-8")
    loaded = glossary.load(path)
    assert loaded.missing("en") == [1] and loaded.missing("ja") == []
