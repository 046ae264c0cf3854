"""The site's languages: the registry (registry.yaml) and each language's UI strings (strings/<code>.yaml).

The base layer: no project imports and no MkDocs, so the verifier, the translation tools, the site
tools and the MkDocs hooks can all read it.  Adding a language is an entry in registry.yaml, a
strings file, and its pages (see registry.yaml's header for the list).
"""

from .registry import (
    LANGUAGES,
    REGISTRY_FILE,
    SOURCE_LANGUAGE,
    TRANSLATIONS,
    Language,
    RegistryError,
    UnknownLanguage,
    codes,
    language,
    load_registry,
)
from .strings import MissingString, Section, StringsError, load_strings, name_in, section, strings

__all__ = [
    "LANGUAGES", "REGISTRY_FILE", "SOURCE_LANGUAGE", "TRANSLATIONS", "Language", "MissingString", "RegistryError",
    "Section", "StringsError", "UnknownLanguage", "codes", "language", "load_registry", "load_strings", "name_in",
    "section", "strings",
]
