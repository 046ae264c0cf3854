"""Each language's UI strings: ``languages/strings/<code>.yaml``.

A strings file is a mapping of sections (``verification``, ``translation_banner``…) down to
strings, some with ``str.format`` placeholders.  The source language's file is the reference:
every other language's file must have exactly its keys, and each string the same placeholders,
so that a missing or misspelt key fails when the file is loaded, naming the language, the file
and the key, rather than when a page happens to need it.  ``language_names`` is free-form: how
this language names the others (a missing name falls back to the other language's own name).
"""

from __future__ import annotations

import string
from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from .registry import SOURCE_LANGUAGE, Language, language

STRINGS_DIR = Path(__file__).resolve().parent / "strings"
FREE_FORM = frozenset({"language_names"})


class StringsError(ValueError):
    """A strings file is missing, unreadable, or lacks or adds a key."""


class MissingString(StringsError, KeyError):
    """A key no strings file has (a typo in the code that asks for it)."""

    def __str__(self) -> str:
        return str(self.args[0])


def strings_file(code: str, directory: Path = STRINGS_DIR) -> Path:
    return directory / f"{code}.yaml"


def _read(code: str, directory: Path) -> dict[str, Any]:
    path = strings_file(code, directory)
    if not path.is_file():
        raise StringsError(f"language {code}: no strings file {path} (copy the source language's and translate it)")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as err:
        raise StringsError(f"language {code}: {path} is not valid YAML: {err}") from None
    if not isinstance(data, dict):
        raise StringsError(f"language {code}: {path} must be a mapping of sections")
    return data


def _leaves(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        if not prefix and key in FREE_FORM:
            continue
        dotted = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.update(_leaves(value, dotted + "."))
        else:
            out[dotted] = value
    return out


def _placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


def check_against(code: str, data: Mapping[str, Any], reference: Mapping[str, Any], path: Path, reference_path: Path) -> None:
    """Raise StringsError unless ``data`` has exactly the keys and placeholders of ``reference``."""
    mine, theirs = _leaves(data), _leaves(reference)
    where = f"language {code}: {path}"
    missing = [key for key in theirs if key not in mine]
    if missing:
        raise StringsError(f"{where}: missing key {', '.join(missing)} (present in {reference_path.name})")
    extra = [key for key in mine if key not in theirs]
    if extra:
        raise StringsError(f"{where}: unknown key {', '.join(extra)} (not in {reference_path.name})")
    for key, value in mine.items():
        if not isinstance(value, str):
            raise StringsError(f"{where}: {key} must be a string, not {value!r}")
        if _placeholders(value) != _placeholders(theirs[key]):
            raise StringsError(f"{where}: {key} has the placeholders {sorted(_placeholders(value))}, "
                               f"{reference_path.name} has {sorted(_placeholders(theirs[key]))}")
    names = data.get("language_names", {}) or {}
    if not isinstance(names, Mapping) or not all(isinstance(v, str) for v in names.values()):
        raise StringsError(f"{where}: language_names must map language codes to names")


class Section(Mapping[str, Any]):
    """One section of a language's strings; a missing key names the language, file and key."""

    def __init__(self, code: str, path: Path, dotted: str, data: Mapping[str, Any]) -> None:
        self._code, self._path, self._dotted, self._data = code, path, dotted, data

    def __getitem__(self, key: str) -> Any:
        try:
            value = self._data[key]
        except KeyError:
            raise MissingString(f"language {self._code}: {self._path} has no key {self._key(key)}") from None
        return Section(self._code, self._path, self._key(key), value) if isinstance(value, Mapping) else value

    def _key(self, key: str) -> str:
        return f"{self._dotted}.{key}" if self._dotted else key

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)


def load_strings(code: str, directory: Path = STRINGS_DIR, reference: str | None = None) -> Section:
    """The strings of ``code`` from ``directory``, checked against the ``reference`` language's (default: the source)."""
    reference = reference or SOURCE_LANGUAGE.code
    data = _read(code, directory)
    if code != reference:
        check_against(code, data, _read(reference, directory), strings_file(code, directory), strings_file(reference, directory))
    return Section(code, strings_file(code, directory), "", data)


@cache
def strings(code: str) -> Section:
    """The UI strings of the registry's language ``code`` (checked; cached)."""
    return load_strings(language(code).code)


def section(code: str, dotted: str) -> Section:
    """``strings(code)["a"]["b"]`` for ``dotted`` = ``"a.b"``."""
    node: Any = strings(code)
    for key in dotted.split("."):
        node = node[key]
    return node


def name_in(lang: Language, ui: str) -> str:
    """What the language ``ui`` calls ``lang`` (its ``language_names``, else ``lang``'s own name)."""
    names = strings(ui).get("language_names") or {}
    return str(names.get(lang.code) or lang.name)
