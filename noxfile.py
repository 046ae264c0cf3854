"""The project's one entry point: `nox -s site`, `nox -s tests`, and the rest."""

from __future__ import annotations

import nox

nox.options.sessions = ["tests"]
nox.options.reuse_venv = "yes"

PYTHON = "3"


def _install(session: nox.Session, extras: str = "") -> None:
    session.install("-e", f".[{extras}]" if extras else ".")


@nox.session(python=PYTHON)
def site(session: nox.Session) -> None:
    """Build the site into site/ (strict: any warning fails the build)."""
    _install(session)
    session.env["NO_MKDOCS_2_WARNING"] = "1"
    session.run("mkdocs", "build", "--strict", "--clean", "-f", "mkdocs.yml")


@nox.session(python=PYTHON)
def serve(session: nox.Session) -> None:
    """Preview the site on http://127.0.0.1:8000/."""
    _install(session)
    session.run("mkdocs", "serve", "-f", "mkdocs.yml", *session.posargs)


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """Run the whole test suite."""
    _install(session, "test")
    session.run("pytest", *session.posargs)


@nox.session(python=PYTHON)
def translations(session: nox.Session) -> None:
    """Translation status; `-- --check`, `-- --diff PAGE`, `-- stamp PAGE`."""
    _install(session)
    session.run("python", "-m", "translations", *session.posargs)
