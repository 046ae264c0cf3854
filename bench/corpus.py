"""A throwaway copy of the repository, and a generated corpus of pages made from the real pages.

`snapshot` clones the repository (``git clone --shared``: history without copying objects) into a
temporary directory and lays the working tree over it, so the benchmark measures the code as it is
now, while other people keep editing the real tree. The site reads ``node_modules/`` (linked) and
``verify-report.json`` (copied), which git does not track.

`make_corpus` replaces the pages of such a copy with N pages per language of the registry
(``languages/registry.yaml``) shaped like the real ones: the four tutorials, then copies of them in
turn (``tutorials/<section>/<page>-NNN.md``, the same directory, so every relative link and
``--8<--`` include still resolves), each with its own title and weight; a translation's copy records
the git blob of the source language's copy, so it is a current translation, as a real one would be.
The copies are committed, so the sitemap's dates and the translation status come from git as they
do for the real pages.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import yaml

from gitfacts import blob_id
from languages import LANGUAGES, SOURCE_LANGUAGE, TRANSLATIONS, Language
from pagegrammar import parse_front_matter
from site_tools.languages import REPO_ROOT

TUTORIALS = (
    "tutorials/stateless-application/guestbook-logs-metrics-with-elk.md",
    "tutorials/stateful-application/basic-stateful-set.md",
    "tutorials/security/apparmor.md",
    "tutorials/services/source-ip.md",
)
#: Pages of the site that are not tutorials (kept in a site corpus: the home and translation status).
SITE_PAGES = ("index.md", "translation-status.md")

def docs_dir(lang: Language) -> Path:
    """Where the pages of `lang` are, relative to the repository (``docs_src/ja``, ``docs/en``)."""
    return Path(lang.docs_dir)


#: The source language's pages: what the plain one-language baseline builds.
SOURCE_DOCS = docs_dir(SOURCE_LANGUAGE)
_GIT_ID = ["-c", "user.name=bench", "-c", "user.email=bench@localhost", "-c", "commit.gpgsign=false"]


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *_GIT_ID, *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


def working_files(repo: Path = REPO_ROOT) -> list[str]:
    """Tracked and untracked files that are not ignored, as the working tree has them now."""
    listed = _git(repo, "ls-files", "-z", "--cached", "--others", "--exclude-standard").split("\0")
    return sorted({name for name in listed if name and (repo / name).is_file()})


def snapshot(dest: Path, repo: Path = REPO_ROOT) -> Path:
    """A copy of the repository at `dest` with the working tree as it is now (uncommitted edits included)."""
    subprocess.run(["git", "clone", "--quiet", "--shared", "--no-checkout", str(repo), str(dest)], check=True)
    _git(dest, "checkout", "--quiet", "HEAD")  # the index and tree of HEAD; the working files go on top
    for name in working_files(repo):
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(repo / name, target)
    # Untracked directories too, empty ones included (a configuration may name one that has no file yet).
    for name in _git(repo, "ls-files", "-z", "--others", "--directory", "--exclude-standard").split("\0"):
        if name.endswith("/") and (repo / name).is_dir():
            (dest / name).mkdir(parents=True, exist_ok=True)
    for name in _git(dest, "ls-files", "-z").split("\0"):  # deleted in the working tree, not yet committed
        if name and not (repo / name).exists():
            (dest / name).unlink(missing_ok=True)
    if (repo / "node_modules").is_dir():
        (dest / "node_modules").symlink_to(repo / "node_modules")
    if (repo / "verify-report.json").is_file():
        shutil.copy2(repo / "verify-report.json", dest / "verify-report.json")
    commit(dest, "bench: the working tree as it was")
    return dest


def commit(root: Path, message: str) -> None:
    """Commit everything in the throwaway copy (never the real repository)."""
    if root.resolve() == REPO_ROOT.resolve():
        raise RuntimeError("refusing to commit in the real repository")
    _git(root, "add", "-A", ".")
    if _git(root, "status", "--porcelain"):
        _git(root, "commit", "--quiet", "--no-verify", "-m", message)


_H1 = re.compile(r"^# (?P<title>.+)$", re.MULTILINE)


def _variant(text: str, number: int, weight: int, source_blob: str | None = None) -> str:
    """The page `text` as copy `number`: its own title, H1 and weight (and source blob for a translation)."""
    parsed = parse_front_matter(text, f"copy {number} of a tutorial")  # FrontMatterError without front matter
    meta = dict(parsed.data)
    suffix = f" {number:03d}"
    meta["title"] = f"{meta['title']}{suffix}"
    meta["weight"] = weight
    if source_blob is not None:
        meta.setdefault("translation", {})["source_blob"] = source_blob
    body = _H1.sub(lambda m: f"# {m.group('title')}{suffix}", text[parsed.body_offset:], count=1)
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=10_000)
    return f"---\n{front}---\n{body}"


def make_corpus(root: Path, per_language: int, *, site_pages: bool = True, languages: tuple[str, ...] | None = None) -> int:
    """Replace the pages under `root` with `per_language` pages per language; returns how many per language.

    Every language of the registry gets its pages, or only those whose codes are in `languages`
    (the others are left with none). With `site_pages`, the home page and the translation status
    page are kept and count towards `per_language`; the rest are the four tutorials and then numbered
    copies of them.
    """
    wanted = {lang.code for lang in LANGUAGES} if languages is None else set(languages)
    folders = {lang.code: root / docs_dir(lang) for lang in LANGUAGES}
    # The source language is read even when it is not wanted: each translation's copy records its blob.
    originals = {code: {uri: (folders[code] / uri).read_text(encoding="utf-8") for uri in (*SITE_PAGES, *TUTORIALS)}
                 for code in folders if code in wanted or code == SOURCE_LANGUAGE.code}
    kept = [*(SITE_PAGES if site_pages else ()), *TUTORIALS]
    if per_language < len(kept):
        raise ValueError(f"a corpus needs at least {len(kept)} pages per language")
    for folder in folders.values():
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
    plan: list[tuple[str, str, int | None]] = [(uri, uri, None) for uri in kept]
    for index in range(per_language - len(plan)):
        template = TUTORIALS[index % len(TUTORIALS)]
        copy = index + 1
        plan.append((template[: -len(".md")] + f"-{copy:03d}.md", template, copy))
    for uri, template, number in plan:
        texts = {code: pages[template] for code, pages in originals.items()}
        if number is not None:
            source = texts[SOURCE_LANGUAGE.code]
            weight = int(parse_front_matter(source, template).data["weight"]) * 1000 + number
            texts[SOURCE_LANGUAGE.code] = source = _variant(source, number, weight)
            blob = blob_id(source.encode("utf-8"))
            for lang in TRANSLATIONS:
                if lang.code in texts:
                    texts[lang.code] = _variant(texts[lang.code], number, weight, blob)
        for code, text in texts.items():
            if code in wanted:
                target = folders[code] / uri
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(text, encoding="utf-8")
    return len(plan)
