"""Where the source pages and their translations live."""

from __future__ import annotations

import contextlib
import difflib
from dataclasses import dataclass
from pathlib import Path

from languages import SOURCE_LANGUAGE, TRANSLATIONS
from pagegrammar.pages import list_pages

SOURCE_DIR = Path(SOURCE_LANGUAGE.docs_dir)
TRANSLATION_DIRS = {lang.code: Path(lang.docs_dir) for lang in TRANSLATIONS}
# The translation the tools look at when none is named (`--lang`): the registry's first.
DEFAULT_TRANSLATION = TRANSLATIONS[0].code


@dataclass(frozen=True)
class PagePair:
    """A source page and where its translation into `lang` lives (it may not exist)."""

    relative: Path  # e.g. tutorials/services/source-ip.md
    source: Path  # absolute path of the source page
    translation: Path  # absolute path of the translated page
    lang: str


def source_pages(root: Path) -> list[Path]:
    """Every source page (the pages the site builds), relative to the source directory, in a stable order."""
    return sorted(Path(page.src_uri) for page in list_pages(root / SOURCE_DIR))


def pairs(root: Path, lang: str = DEFAULT_TRANSLATION) -> list[PagePair]:
    base, target = root / SOURCE_DIR, root / TRANSLATION_DIRS[lang]
    return [PagePair(rel, base / rel, target / rel, lang) for rel in source_pages(root)]


def orphan_translations(root: Path, lang: str = DEFAULT_TRANSLATION) -> list[Path]:
    """Translated pages whose source page no longer exists."""
    base = root / SOURCE_DIR
    return sorted(
        Path(page.src_uri) for page in list_pages(root / TRANSLATION_DIRS[lang]) if not (base / page.src_uri).exists()
    )


def command(lang: str) -> str:
    """`nox -s translations -- `, with `--lang LANG ` for any translation but the default one."""
    return "nox -s translations -- " + ("" if lang == DEFAULT_TRANSLATION else f"--lang {lang} ")


class UnknownLanguage(LookupError):
    """A language code that is not one of the site's translations."""


def check_language(code: str) -> str:
    """`code` if the site has a translation into it; otherwise say which languages exist."""
    if code in TRANSLATION_DIRS:
        return code
    known = ", ".join(sorted(TRANSLATION_DIRS))
    if code == SOURCE_LANGUAGE.code:
        raise UnknownLanguage(f"--lang {code}: {code} is the source language; translations exist into: {known}")
    raise UnknownLanguage(
        f"--lang {code}: unknown language {code!r}; translations exist into: {known} "
        f"(source: {SOURCE_LANGUAGE.code}; languages are listed in languages/registry.yaml)"
    )


class PageNotFound(LookupError):
    """A page name that matches no source page, or more than one."""


def find_root(start: Path, fallback: Path) -> Path | None:
    """The project a command run in `start` is about: the nearest folder from `start` up that holds
    the source pages, else `fallback` (the project these tools belong to) if it holds them."""
    for folder in (start, *start.parents):
        if (folder / SOURCE_DIR).is_dir():
            return folder
    return fallback if (fallback / SOURCE_DIR).is_dir() else None


def _normalise(root: Path, name: str, lang: str, cwd: Path | None) -> str:
    """A page name as typed, reduced to a path relative to the source directory, ending in .md.

    A path to a file (absolute, or relative to `cwd`) inside `root` is taken relative to `root` first."""
    typed = Path(name.strip())
    path = typed if typed.is_absolute() else (cwd / typed if cwd else None)
    if path is not None and (typed.is_absolute() or path.is_file()):
        with contextlib.suppress(ValueError):  # a file outside the project: read the name as typed
            name = path.resolve().relative_to(root.resolve()).as_posix()
    text = name.strip().replace("\\", "/").removeprefix("./")
    for prefix in (SOURCE_DIR.as_posix() + "/", TRANSLATION_DIRS[lang].as_posix() + "/"):
        text = text.removeprefix(prefix)
    return text if text.endswith(".md") else text + ".md"


def resolve(root: Path, name: str, lang: str = DEFAULT_TRANSLATION, cwd: Path | None = None) -> PagePair:
    """The page `name` stands for: a path as the status table prints it, the path of either language's
    file (absolute, or relative to the folder `cwd` the command runs in), or a unique tail of one
    (`source-ip.md`, `services/source-ip`), with or without `.md`."""
    everything = pairs(root, lang)
    wanted = _normalise(root, name, lang, cwd)
    exact = [p for p in everything if p.relative.as_posix() == wanted]
    if exact:
        return exact[0]
    tails = [p for p in everything if p.relative.as_posix().endswith("/" + wanted)]
    if len(tails) == 1:
        return tails[0]
    if tails:
        listed = ", ".join(p.relative.as_posix() for p in tails)
        raise PageNotFound(f"{name}: more than one page has that name: {listed}")
    names = [p.relative.as_posix() for p in everything]
    close = [n for n in names if n.endswith(wanted)] or difflib.get_close_matches(wanted, names, n=3, cutoff=0.5)
    if not close:
        near = difflib.get_close_matches(Path(wanted).name, [Path(n).name for n in names], n=3, cutoff=0.5)
        close = [n for n in names if Path(n).name in near]
    hint = f"did you mean {', '.join(close)}?" if close else f"pages: {', '.join(names) or 'none'}"
    raise PageNotFound(f"{name}: no such {SOURCE_LANGUAGE.english_name} page under {SOURCE_DIR}/ ({hint})")
