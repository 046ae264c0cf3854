"""`stamp`: record that a translation now matches its Japanese source, but only when that is safe.

A stamp stores the Japanese file's blob id. Later, `--diff` reads that blob back from git, so a
stamp taken from a Japanese file that is untracked or has uncommitted changes records a version
that may never reach the repository: `--diff` would fail from then on. And a stamp taken while
the English text is exactly what it was at the previous stamp only silences the outdated banner.
Both are refused with the reason and the fix; `--force` stamps anyway (the English page must exist).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from languages import SOURCE_LANGUAGE, language
from pagegrammar.frontmatter import read_front_matter, split_front_matter

from . import gitrepo
from .layout import PagePair
from .status import blob_id, display, stamp


class StampRefused(Exception):
    """Stamping this page now would record a state later commands cannot use."""


@dataclass
class StampResult:
    blob: str
    changed: bool  # False when the page already recorded this version
    warnings: list[str] = field(default_factory=list)


def _body(text: str) -> str:
    _, offset = split_front_matter(text)
    return text[offset:]


def _refusals(root: Path, pair: PagePair) -> list[str]:
    """What would make this stamp unusable later, each with its fix; --force overrides these."""
    source, source_name = display(root, pair.source), SOURCE_LANGUAGE.english_name
    if not gitrepo.is_repository(root):
        return [
            f"{root} is not a git repository, so the {source_name} version being stamped could not be found "
            "later by --diff; stamp inside the project's git checkout"
        ]
    if not gitrepo.is_tracked(root, pair.source):
        return [
            f"{source} is not committed (git does not track it yet), so --diff could not find this version later; "
            f"commit it first: git add {source} && git commit"
        ]
    committed = gitrepo.committed_blob(root, pair.source)
    if committed is None:
        return [f"{source} is added but not committed yet; commit it first: git commit {source}"]
    if committed != blob_id(pair.source.read_bytes()):
        return [
            f"{source} has uncommitted changes, so the version being stamped is not in git history and --diff "
            f"could not find it later; commit the {source_name} page first (git commit {source}), or undo the changes"
        ]
    return []


def _silencing(root: Path, pair: PagePair, recorded: str, page: str) -> list[str]:
    """A warning when the translation's body is what it was at the last stamp while the source changed."""
    if not gitrepo.is_repository(root):
        return []
    then = gitrepo.text_when_recorded(root, pair.translation, recorded)
    if then is None:
        return []
    commit, text = then
    if _body(text) != _body(pair.translation.read_text(encoding="utf-8")):
        return []
    target, source_name = display(root, pair.translation), SOURCE_LANGUAGE.english_name
    return [
        f"the {language(pair.lang).english_name} text of {target} has not changed since it was stamped "
        f"(commit {commit[:12]}), but its {source_name} source has: this stamp would only hide the outdated banner; "
        f"update the translation first (nox -s translations -- --diff {page}), or use --force if the {source_name} "
        "change needs no translation"
    ]


def stamp_page(root: Path, pair: PagePair, *, force: bool = False) -> StampResult:
    """Stamp one page, or raise StampRefused with every reason and its fix."""
    target = display(root, pair.translation)
    page = pair.relative.as_posix()
    if not pair.translation.exists():
        raise StampRefused(
            f"{target} does not exist, so there is nothing to stamp; create it first "
            f"(copy {display(root, pair.source)} there and translate it), then stamp it"
        )
    current = blob_id(pair.source.read_bytes())
    recorded = _recorded_or_none(root, pair)
    if recorded == current:
        return StampResult(current, changed=False)
    problems = _refusals(root, pair)
    if recorded is not None:
        problems += _silencing(root, pair, recorded, page)
    if problems and not force:
        raise StampRefused("; and ".join(problems) + " (or stamp with --force)")
    return StampResult(stamp(pair, target), changed=True, warnings=problems)


def _recorded_or_none(root: Path, pair: PagePair) -> str | None:
    """The recorded source blob, or None for a translation not stamped yet (broken front matter raises)."""
    info = read_front_matter(pair.translation, display(root, pair.translation)).data.get("translation")
    blob = info.get("source_blob") if isinstance(info, dict) else None
    return blob if isinstance(blob, str) else None
