"""The registry of the site's languages, read from ``languages/registry.yaml``.

One entry per language (code, names, where its pages and MkDocs config are, its place in the
built site, how search and the glossary treat its text); the source language comes first.
Everything that differs by language reads it here: the verifier's page roots, the translation
tools, the site build and its MkDocs plugin.  No MkDocs import: the verifier and the
translation tools use it too.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path

import yaml

REGISTRY_FILE = Path(__file__).resolve().parent / "registry.yaml"


class RegistryError(ValueError):
    """The registry file is not a valid list of languages."""


@dataclass(frozen=True)
class Language:
    """One language of the site (see registry.yaml for what each field means)."""

    code: str
    name: str
    english_name: str
    source: bool
    docs_dir: str
    config_file: str
    prefix: str
    hreflang: str
    search_lang: str
    word_spaces: bool


_FIELDS = {f.name: f.type for f in fields(Language)}


def _entry(n: int, entry: object, path: Path) -> Language:
    if not isinstance(entry, dict):
        raise RegistryError(f"{path}: entry {n} must be a mapping of {', '.join(_FIELDS)}")
    name = entry.get("code", f"entry {n}")
    missing = [key for key in _FIELDS if key not in entry]
    unknown = [key for key in entry if key not in _FIELDS]
    if missing or unknown:
        said = (f"missing {', '.join(missing)}" if missing else "") + ("; " if missing and unknown else "")
        said += f"unknown {', '.join(map(str, unknown))}" if unknown else ""
        raise RegistryError(f"{path}: language {name}: {said}")
    for key, kind in _FIELDS.items():
        wanted = bool if kind == "bool" else str
        if not isinstance(entry[key], wanted):
            raise RegistryError(f"{path}: language {name}: {key} must be a {wanted.__name__}, not {entry[key]!r}")
    lang = Language(**entry)
    if lang.prefix and not lang.prefix.endswith("/"):
        raise RegistryError(f"{path}: language {name}: prefix {lang.prefix!r} must end with '/' (or be empty)")
    return lang


def load_registry(path: Path = REGISTRY_FILE) -> tuple[Language, ...]:
    """The languages listed in ``path``, checked: unique codes and prefixes, one source language, listed first."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as err:
        raise RegistryError(f"{path}: cannot read the language registry: {err}") from None
    if not isinstance(data, list) or not data:
        raise RegistryError(f"{path}: the registry must be a non-empty list of languages")
    langs = tuple(_entry(n, entry, path) for n, entry in enumerate(data, 1))
    for attribute in ("code", "prefix", "docs_dir", "config_file", "hreflang"):
        values = [getattr(lang, attribute) for lang in langs]
        twice = sorted({v for v in values if values.count(v) > 1})
        if twice:
            raise RegistryError(f"{path}: two languages share the {attribute} {', '.join(map(repr, twice))}")
    sources = [lang.code for lang in langs if lang.source]
    if len(sources) != 1 or not langs[0].source:
        raise RegistryError(f"{path}: exactly one language, the first, must be the source (source: {sources or 'none'})")
    if langs[0].prefix:
        raise RegistryError(f"{path}: the source language is built at the root of the site (prefix \"\")")
    return langs


LANGUAGES: tuple[Language, ...] = load_registry()
SOURCE_LANGUAGE: Language = LANGUAGES[0]
TRANSLATIONS: tuple[Language, ...] = LANGUAGES[1:]


class UnknownLanguage(KeyError):
    """A language code the registry does not list."""

    def __str__(self) -> str:
        return str(self.args[0])


def language(code: str) -> Language:
    """The language with code ``code`` (``ja``, ``en``)."""
    for lang in LANGUAGES:
        if lang.code == code:
            return lang
    known = ", ".join(lang.code for lang in LANGUAGES)
    raise UnknownLanguage(f"unknown site language {code!r} (known: {known}; languages are listed in languages/registry.yaml)")


def codes() -> list[str]:
    """Every language's code, source first."""
    return [lang.code for lang in LANGUAGES]
