"""The project's one entry point: `nox -s site`, `nox -s tests`, and the rest.

Every Python session runs in one shared environment, `.nox/shared`, holding the project
(editable) with its test and lint extras. It is filled once, with uv (installed into it by pip when uv
is not already at hand), and refilled only when pyproject.toml or the interpreter changes, so
that a session on a warm environment starts without running any installer at all.

The exit code of the project's commands reaches the shell unchanged: `python -m translations`
and `python -m verify` exit 1 for a failed check and 2 for bad input, and so does nox.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
from pathlib import Path

import nox
from nox.command import CommandFailed

nox.options.sessions = ["tests"]

ROOT = Path(__file__).resolve().parent
SHARED_ENV = ROOT / ".nox" / "shared"
_STAMP = SHARED_ENV / ".k8s-tutorials-installed"
_BIN = SHARED_ENV / ("Scripts" if os.name == "nt" else "bin")
_PYTHON = _BIN / ("python.exe" if os.name == "nt" else "python")
_EXTRAS = ".[test,lint]"
# How the environment is filled; a change here refills existing environments (it is part of the stamp).
# Dependencies are compiled to bytecode at install: with PYTHONDONTWRITEBYTECODE set (as on this project's
# machines) nothing is cached at import, and every process (each language build, each verifier run in the
# tests) compiled MkDocs, Material and the rest again, about 1 s of CPU each time.
_INSTALL_RECIPE = "uv-compile-bytecode"


def _wanted_stamp() -> str:
    """What the environment must have been filled from: the dependency list, the interpreter, the recipe."""
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    # The base installation, not sys.executable: the tests run the environment's own nox, whose interpreter is
    # the environment's python; the stamp must be the same whichever nox writes it, or each refills the environment.
    python = f"python-{sys.version_info.major}.{sys.version_info.minor} {sys.base_prefix}"
    return f"{digest} {python} {_INSTALL_RECIPE}\n"


def _uv() -> str | None:
    """A uv executable: on PATH, next to nox (`pip install nox[uv]`), or already in the environment."""
    found = shutil.which("uv")
    if found:
        return found
    try:
        from uv import find_uv_bin

        return find_uv_bin()
    except (ImportError, FileNotFoundError):
        pass
    in_env = _BIN / ("uv.exe" if os.name == "nt" else "uv")
    return str(in_env) if in_env.is_file() else None


def _fill_environment(session: nox.Session) -> None:
    """Create `.nox/shared` and install the project into it (uv when possible, else pip)."""
    if sys.version_info < (3, 11):  # noqa: UP036 - nox itself may run on an older Python than the project's
        session.error(f"the project needs Python 3.11 or newer; nox runs on {sys.version.split()[0]}")
    _STAMP.unlink(missing_ok=True)
    uv = _uv()
    if not _PYTHON.is_file():
        shutil.rmtree(SHARED_ENV, ignore_errors=True)  # a half-made environment from an interrupted run
        if uv:
            session.run_install(uv, "venv", "--quiet", "--python", sys.executable, str(SHARED_ENV), external=True)
        else:
            session.run_install(sys.executable, "-m", "venv", str(SHARED_ENV), external=True)
    if uv is None:
        try:
            session.run_install(str(_PYTHON), "-m", "pip", "install", "--quiet", "uv", external=True)
            uv = _uv()
        except CommandFailed:
            session.warn("could not install uv; installing with pip instead (slower)")
    if uv:
        session.run_install(uv, "pip", "install", "--quiet", "--compile-bytecode", "--python", str(_PYTHON), "-e", _EXTRAS,
                            external=True)
    else:
        session.run_install(str(_PYTHON), "-m", "pip", "install", "--quiet", "-e", _EXTRAS, external=True)
    _STAMP.write_text(_wanted_stamp(), encoding="utf-8")


def _environment(session: nox.Session) -> dict[str, str]:
    """The shared environment, filled first if needed; returns the variables that put it first on PATH."""
    try:
        current = _STAMP.read_text(encoding="utf-8")
    except OSError:
        current = ""
    if current != _wanted_stamp() or not _PYTHON.is_file():
        _fill_environment(session)
    return {"VIRTUAL_ENV": str(SHARED_ENV), "PATH": f"{_BIN}{os.pathsep}{os.environ.get('PATH', '')}"}


def _python(session: nox.Session, *args: str) -> None:
    """Run `python ARGS` in the shared environment; a failure ends nox with the command's own exit code.

    nox reports any failed command as exit 1. `session.run` raises CommandFailed carrying the real
    code, which is re-raised as SystemExit so that a caller (CI, a script) can tell a failed check
    (1) from bad input (2).
    """
    code = _exit_code(session, _PYTHON, *args)
    if code:
        raise SystemExit(code)


def _exit_code(session: nox.Session, executable: Path, *args: str) -> int:
    """Run EXECUTABLE (one of the shared environment's) with ARGS there; its exit code, logged when not 0."""
    env = _environment(session)
    try:
        session.run(str(executable), *args, env=env, external=True)
    except CommandFailed as failed:
        code = failed.return_code if failed.return_code is not None else 1
        session.log(f"session {session.name} failed: `{executable.stem} {' '.join(args)}` exited {code}")
        return code
    return 0


@nox.session(python=False)
def site(session: nox.Session) -> None:
    """Build site/: the source language at /, each translation under its prefix (strict builds in parallel; `-- --serial`)."""
    _python(session, "-m", "site_tools.node")  # npm ci: mermaid and axe-core from package-lock.json
    _python(session, "-m", "site_tools.build", *session.posargs)


@nox.session(python=False)
def serve(session: nox.Session) -> None:
    """Preview on http://127.0.0.1:8000/ (both languages, rebuilt on change); `-- --lang en`: one, live reload."""
    _python(session, "-m", "site_tools.node")
    _python(session, "-m", "site_tools.serve", *session.posargs)


@nox.session(python=False)
def diagrams(session: nox.Session) -> None:
    """Re-render docs/diagrams/*.svg (mermaid, Debian chromium) for diagrams whose source changed."""
    _python(session, "-m", "site_tools.node")
    _python(session, "-m", "site_tools.render_diagrams", "render", *session.posargs)


@nox.session(python=False)
def tests(session: nox.Session) -> None:
    """Run the whole test suite (`-- ARGS` go to pytest; `--install-only` just fills the environment).

    The suite runs on 4 workers (pytest-xdist; two per core on a 1-core machine): most of its time is spent
    waiting on the control plane, so two workers per core keep both cores busy. The control-plane tests spread
    over them; each group of `tests/conftest.py` (the site's tests, the real-node tests, those whose pages
    write outside their namespaces, ...) runs on one worker. `-- -n N` chooses; `-- -n 0` runs everything in
    one process.
    """
    _environment(session)
    args = list(session.posargs)
    parallel = [] if _chooses_workers(args) else [f"--numprocesses={_workers()}", "--dist=loadgroup"]
    _python(session, "-m", "pytest", *parallel, *args)


def _workers() -> int:
    """Four, or two per core where there are fewer than two cores."""
    return min(4, 2 * (os.cpu_count() or 1))


def _chooses_workers(args: list[str]) -> bool:
    """Whether pytest's arguments already say how many workers (`-n N`, `--numprocesses`, `-p no:xdist`)."""
    return any(a.startswith(("-n", "--numprocesses")) or a.endswith("no:xdist") for a in args)


@nox.session(python=False)
def lint(session: nox.Session) -> None:
    """ruff, mypy and import-linter's contracts (pyproject.toml), and actionlint on the workflows; changes no file.

    All four run even when one fails, so that one run shows every finding; the session then exits
    with the first failing tool's code. `-- PATH…` limits ruff and mypy to those paths. actionlint is
    built once from its pinned Go module (ci/actionlint/go.mod; needs Go, or `ACTIONLINT=PATH`).
    """
    paths = list(session.posargs)
    codes = [
        _exit_code(session, _PYTHON, "-m", "ruff", "check", "--no-fix", *paths),
        _exit_code(session, _PYTHON, "-m", "mypy", *paths),
        # The contracts are about the whole import graph, so they never take paths.
        _exit_code(session, _BIN / ("lint-imports.exe" if os.name == "nt" else "lint-imports"),
                   "--no-logo", "--cache-dir", str(ROOT / ".cache" / "import-linter")),
        _exit_code(session, _PYTHON, "-m", "ci.actionlint"),
    ]
    failed = [code for code in codes if code]
    if failed:
        raise SystemExit(failed[0])


@nox.session(python=False)
def verify(session: nox.Session) -> None:
    """Verify the pages: static tier, then live tier against the current kubeconfig context.

    `-- --static [PAGE…]`: only the checks that need no cluster. Live options pass through, e.g.
    `-- --context kind-verify --junit live.xml docs_src/ja/tutorials/stateful-application/`.
    Exits like `python -m verify`: 0, 1 (a check failed) or 2 (bad input or usage).
    """
    args = list(session.posargs)
    if "--static" in args:
        _python(session, "-m", "verify", "static", *[a for a in args if a != "--static"])
        return
    # `verify all` parses the options itself, so a value such as `--junit live.xml` is never read as a page.
    _python(session, "-m", "verify", "all", *args)


@nox.session(python=False)
def cluster(session: nox.Session) -> None:
    """A local cluster for the live tier: `-- --kwok`, `-- --nodes`, `-- --kind [NAME]`, and `--down`, `--status`.

    `--kwok`: the real Kubernetes v1.37.2 control plane built from Go modules, 3 nodes simulated by
    kwok (context `kwok-verify`). `--nodes`: the same control plane with 2 real nodes in network
    namespaces of their own (context `k8s-tutorials-nodes`; Linux, root). `--kind [NAME]` (the default
    here, `-- NAME` too): a kind cluster (Docker). The arguments go to `python -m cluster` (`-- --help`).
    """
    args = list(session.posargs)
    if not any(a in ("--kwok", "--nodes", "--kind", "--existing", "-h", "--help") for a in args):
        args.insert(0, "--kind")
    _python(session, "-m", "cluster", *args)


@nox.session(python=False)
def bench(session: nox.Session) -> None:
    """Benchmarks against baselines run side by side: site build, static and live tiers, reader's cost.

    Prints tables and writes bench/results.json; a missed target is reported, not an error (exit 0).
    `-- --only site,static` runs some sections; `-- --help` lists the options.
    """
    _python(session, "-m", "site_tools.node")  # the site build copies mermaid from node_modules
    _python(session, "-m", "bench", *session.posargs)


@nox.session(python=False)
def translations(session: nox.Session) -> None:
    """Translation status; `-- --check`, `-- --diff PAGE`, `-- stamp PAGE`. Exits like `python -m translations`."""
    _python(session, "-m", "translations", *session.posargs)
