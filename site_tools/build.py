"""Build the site: one MkDocs build per language, merged into ``site/``.

Each language of ``languages/registry.yaml`` is one build: the source language
(``mkdocs.yml``, docs_src/ja) lands at the root, each translation (``mkdocs.en.yml``,
docs/en) under its prefix, ``en/``.  Each build is strict and runs in its own
process; by default they run in parallel.  The merged tree gets one sitemap
index for every language (``site_tools.sitemap``) and replaces
``site/`` only when every build succeeded, and records a digest of its inputs
in ``site/.build-info.json`` so that ``--if-stale`` (used by the tests and
``nox -s serve``) can skip a build that would change nothing.

    python -m site_tools.build [--out site] [--serial] [--if-stale]
                               [--site-url URL]            # where the site lives (site_tools.site_url)
                               [--docs-dir en=PATH]        # a language's pages from elsewhere
                               [--verification-dir PATH]   # other verification records
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import logging
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

# The project's own modules are compiled once and kept (in __pycache__, which git ignores) even where
# PYTHONDONTWRITEBYTECODE is set, as on this project's machines: otherwise every build compiled site_tools,
# verify.records, languages and the rest from source again, about 0.15 s before the languages could fork.
# Installed packages are compiled when the environment is filled (noxfile.py).
sys.dont_write_bytecode = False

from gitfacts import head_commit  # noqa: E402 - after the line above, so that it applies to them
from languages import LANGUAGES, language  # noqa: E402
from site_tools.languages import REPO_ROOT  # noqa: E402
from site_tools.site_url import ENV as SITE_URL_ENV  # noqa: E402
from site_tools.site_url import SiteUrlError, normalized, site_root_url  # noqa: E402
from site_tools.sitemap import write_sitemaps  # noqa: E402

BUILD_INFO = ".build-info.json"
_INPUT_FILES = (*(lang.config_file for lang in LANGUAGES), "package-lock.json", "pyproject.toml")
# verify/ too: the site plugin parses each page with it to place the verification marks; languages/ holds
# the registry and every language's strings.
# Each language's pages are under its docs_dir's top folder (docs_src/, docs/), wherever the registry puts it.
_INPUT_DIRS = tuple(dict.fromkeys((
    *(Path(lang.docs_dir).parts[0] for lang in LANGUAGES),
    "docs", "languages", "manifests", "site_tools", "translations", "verification", "verify",
)))


class BuildFailed(RuntimeError):
    """One of the language builds failed; the message holds its MkDocs output."""


@dataclass(frozen=True)
class LanguageBuild:
    lang: str
    seconds: float
    output: str
    forked: bool = False  # built in a forked copy of the builder, else in a new interpreter


def input_digest(docs_dirs: dict[str, Path] | None = None, verification_dir: Path | None = None,
                 site_url: str | None = None) -> str:
    """SHA-256 over every file a build reads (pages, theme overrides, the plugin, configs, tool versions).

    The checked-out commit counts too (the sitemap dates each page by its last commit), and so does the
    site's base URL (``site_url``, else the one ``site_tools.site_url`` finds).
    """
    h = hashlib.sha256()
    h.update(f"HEAD={head_commit(REPO_ROOT) or ''}\nsite_url={site_url or site_root_url()}\n".encode())
    for package in ("mkdocs", "mkdocs-material", "pymdown-extensions"):
        h.update(f"{package}={metadata.version(package)}\n".encode())
    roots = [REPO_ROOT / name for name in _INPUT_DIRS] + [Path(p) for p in (docs_dirs or {}).values()]
    roots += [Path(verification_dir)] if verification_dir else []
    files = [REPO_ROOT / name for name in _INPUT_FILES]
    for root in roots:
        if root.is_dir():
            files.extend(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    for path in sorted(set(files)):
        if path.is_file():
            h.update(f"{path}\n".encode())
            h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def is_fresh(out: Path, digest: str) -> bool:
    info = out / BUILD_INFO
    try:
        return json.loads(info.read_text(encoding="utf-8")).get("digest") == digest
    except (OSError, ValueError):
        return False


def _input_args(docs_dirs: dict[str, Path], verification_dir: Path | None) -> list[str]:
    args = [arg for lang, path in docs_dirs.items() for arg in ("--docs-dir", f"{lang}={path}")]
    return args + (["--verification-dir", str(verification_dir)] if verification_dir else [])


def _start(lang: str, out: Path, inputs: list[str], site_url: str) -> subprocess.Popen[str]:
    cmd = [sys.executable, "-m", "site_tools.build", "--one", lang, "--out", str(out), *inputs]
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONUNBUFFERED": "1", SITE_URL_ENV: site_url}
    return subprocess.Popen(cmd, cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


class _Forked:
    """A language built in a forked copy of this process; its output (stdout and stderr) read from a pipe."""

    def __init__(self, lang: str, out: Path, docs_dirs: dict[str, Path], verification_dir: Path | None,
                 site_url: str) -> None:
        read_end, write_end = os.pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # the child: one build, then out without running the parent's clean-ups
            code = 1
            try:
                os.close(read_end)
                os.dup2(write_end, 1)
                os.dup2(write_end, 2)
                os.environ[SITE_URL_ENV] = site_url
                code = _run_one(lang, out, docs_dirs, verification_dir)
            except BaseException:  # noqa: BLE001 - whatever happens, the child reports it and exits
                traceback.print_exc()
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        os.close(write_end)
        self.pid = pid
        self._chunks: list[bytes] = []
        self._reader = threading.Thread(target=self._drain, args=(read_end,), daemon=True)
        self._reader.start()
        self.returncode: int | None = None

    def _drain(self, fd: int) -> None:
        with os.fdopen(fd, "rb") as pipe:
            for chunk in iter(lambda: pipe.read(65536), b""):
                self._chunks.append(chunk)

    def communicate(self) -> tuple[str, None]:
        _, status = os.waitpid(self.pid, 0)
        self.returncode = os.waitstatus_to_exitcode(status)
        self._reader.join()
        return b"".join(self._chunks).decode("utf-8", errors="replace"), None


class _GitInfo:
    """mkdocs-macros' ``git`` variable (commit, tag, author, date…: ``mkdocs_macros.context.get_git_info``, twelve
    ``git`` processes), worked out once for every language build by a forked copy of this process, while this
    one imports MkDocs; each build would otherwise start the twelve processes itself."""

    def __init__(self) -> None:
        self._read_end, write_end = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:  # the child: the plugin's own function, its result pickled into the pipe
            code = 1
            try:
                os.close(self._read_end)
                from mkdocs_macros import context

                with os.fdopen(write_end, "wb") as pipe:
                    pickle.dump(context.get_git_info(), pipe)
                code = 0
            finally:
                os._exit(code)
        os.close(write_end)

    def install(self) -> None:
        """From now on, the macros plugin in this process and its forks gets the worked-out value (a copy each
        time); if the child failed, the plugin works it out itself as before."""
        from mkdocs_macros import context

        with os.fdopen(self._read_end, "rb") as pipe:
            data = pipe.read()
        _, status = os.waitpid(self.pid, 0)
        if os.waitstatus_to_exitcode(status) == 0 and data:
            info = pickle.loads(data)
            context.get_git_info = lambda: copy.deepcopy(info)


def _preload(lang: str, git_info: _GitInfo | None = None) -> None:
    """Import what every language build imports (MkDocs, the theme, the plugins, the Markdown extensions),
    once, before the builds fork: each build then starts with it done (and with ``git_info``, when given)."""
    from mkdocs.commands import build  # noqa: F401 - imported for the forked builds
    from mkdocs.config import load_config

    try:
        load_config(config_file=str(REPO_ROOT / language(lang).config_file))
    finally:
        if git_info is not None:
            git_info.install()  # its process waited for, whatever happened here


def _finish(lang: str, proc: subprocess.Popen[str] | _Forked, started: float) -> LanguageBuild:
    output, _ = proc.communicate()
    if proc.returncode != 0:
        raise BuildFailed(f"the {lang} build failed (exit {proc.returncode}):\n{output}")
    return LanguageBuild(lang, time.monotonic() - started, output, isinstance(proc, _Forked))


def _remove_abandoned_work_dirs(parent: Path) -> None:
    """Remove work directories left by a builder that was killed (``.site-build-<pid>-…``)."""
    for work in parent.glob(".site-build-*"):
        pid = work.name.split("-")[2]
        if pid.isdigit() and not Path(f"/proc/{pid}").exists():
            shutil.rmtree(work, ignore_errors=True)


def build_site(
    out: Path = REPO_ROOT / "site",
    *,
    parallel: bool = True,
    docs_dirs: dict[str, Path] | None = None,
    verification_dir: Path | None = None,
    site_url: str | None = None,
    fork: bool = False,
) -> list[LanguageBuild]:
    """Build every language and replace ``out`` with the merged site.

    ``docs_dirs`` maps a language to another docs directory and
    ``verification_dir`` replaces ``verification/``, the committed records (test builds use both).
    ``site_url`` is where the site lives (default: ``site_tools.site_url.site_root_url()``).
    ``fork`` builds each language in a forked copy of this process, after importing what they all
    import (only from a single-threaded process: the command line); else each is a new interpreter.
    """
    docs_dirs = dict(docs_dirs or {})
    inputs = _input_args(docs_dirs, verification_dir)
    root_url = normalized(site_url, "--site-url") if site_url else site_root_url()
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    digest = input_digest(docs_dirs, verification_dir, root_url)
    _remove_abandoned_work_dirs(out.parent)
    work = Path(tempfile.mkdtemp(prefix=f".site-build-{os.getpid()}-", dir=out.parent))
    try:
        targets = {lang.code: work / lang.code for lang in LANGUAGES}
        results: list[LanguageBuild] = []
        fork = fork and hasattr(os, "fork") and threading.active_count() == 1

        def start(code: str, target: Path) -> subprocess.Popen[str] | _Forked:
            if fork:
                return _Forked(code, target, docs_dirs, verification_dir, root_url)
            return _start(code, target, inputs, root_url)

        if fork:
            _preload(LANGUAGES[0].code, _GitInfo())
        if parallel:
            started = time.monotonic()
            procs = {code: start(code, target) for code, target in targets.items()}
            errors = []
            for code, proc in procs.items():
                try:
                    results.append(_finish(code, proc, started))
                except BuildFailed as err:
                    errors.append(str(err))
            if errors:
                raise BuildFailed("\n".join(errors))
        else:
            for code, target in targets.items():
                results.append(_finish(code, start(code, target), time.monotonic()))

        merged = targets[LANGUAGES[0].code]
        for lang in LANGUAGES[1:]:
            destination = merged / lang.prefix.rstrip("/")
            if destination.exists():
                raise BuildFailed(f"the {LANGUAGES[0].code} build already has {destination.name}/: rename that page")
            targets[lang.code].rename(destination)
        sources = {lang.code: Path(docs_dirs.get(lang.code) or REPO_ROOT / lang.docs_dir) for lang in LANGUAGES}
        write_sitemaps(merged, root_url, sources)
        (merged / BUILD_INFO).write_text(
            json.dumps({"digest": digest, "languages": [lang.code for lang in LANGUAGES]}, indent=2) + "\n",
            encoding="utf-8",
        )
        old = work / "previous"
        if out.exists():
            out.rename(old)
        merged.rename(out)
        return results
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _run_one(code: str, out: Path, docs_dirs: dict[str, Path], verification_dir: Path | None) -> int:
    """Build one language; its exit status (an MkDocs abort is printed)."""
    from mkdocs.exceptions import Abort

    try:
        _build_one(code, out, docs_dirs, verification_dir)
    except Abort as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    return 0


def _build_one(code: str, out: Path, docs_dirs: dict[str, Path], verification_dir: Path | None) -> None:
    """Build one language in this process (the parallel builder runs one process per language)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from site_tools.plugin import site_options

    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter(f"[{code}] %(levelname)-7s -  %(message)s"))
    mkdocs_log = logging.getLogger("mkdocs")
    mkdocs_log.addHandler(handler)
    mkdocs_log.setLevel(logging.INFO)
    mkdocs_log.propagate = False

    lang = language(code)
    overrides: dict = {"site_dir": str(out), "strict": True}
    if code in docs_dirs:
        overrides["docs_dir"] = str(docs_dirs[code])
    config = load_config(config_file=str(REPO_ROOT / lang.config_file), **overrides)
    options = site_options(config)
    options.docs_dirs = {k: str(v) for k, v in docs_dirs.items()}
    if verification_dir is not None:
        options.verification_dir = str(verification_dir)
    build(config)


def _parse_docs_dirs(values: list[str]) -> dict[str, Path]:
    result = {}
    for value in values:
        code, sep, path = value.partition("=")
        if not sep:
            raise SystemExit(f"--docs-dir expects LANG=PATH, got {value!r}")
        language(code)
        result[code] = Path(path).resolve()
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m site_tools.build", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "site", help="where the merged site goes (site/)")
    parser.add_argument("--serial", action="store_true", help="build the languages one after the other")
    parser.add_argument("--if-stale", action="store_true", help="do nothing when the inputs have not changed")
    parser.add_argument("--site-url", metavar="URL", help=f"where the site lives, e.g. https://owner.github.io/repo/ "
                        f"(default: ${SITE_URL_ENV}, else site_url in mkdocs.yml)")
    parser.add_argument("--docs-dir", action="append", default=[], metavar="LANG=PATH")
    parser.add_argument("--verification-dir", type=Path, help="read verification records from here, not verification/")
    parser.add_argument("--one", metavar="LANG", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    docs_dirs = _parse_docs_dirs(args.docs_dir)

    if args.one:
        return _run_one(args.one, args.out, docs_dirs, args.verification_dir)

    try:
        site_url = normalized(args.site_url, "--site-url") if args.site_url else site_root_url()
    except SiteUrlError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    if args.if_stale and is_fresh(args.out, input_digest(docs_dirs, args.verification_dir, site_url)):
        print(f"{args.out} is up to date")
        return 0
    started = time.monotonic()
    try:
        results = build_site(
            args.out, parallel=not args.serial, docs_dirs=docs_dirs, verification_dir=args.verification_dir,
            site_url=site_url, fork=True,
        )
    except BuildFailed as err:
        print(err, file=sys.stderr)
        return 1
    for result in results:
        print(result.output.rstrip())
    each = ", ".join(f"{r.lang} {r.seconds:.1f} s" for r in results)
    mode = ("serial" if args.serial else "parallel") + (", forked" if results and results[0].forked else "")
    print(f"built {args.out} in {time.monotonic() - started:.1f} s ({mode}: {each})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
