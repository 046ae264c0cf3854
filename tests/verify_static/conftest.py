"""Every real page (docs_src/ja, docs/en) becomes pytest items through Sybil's pytest integration.

`all_pages.txt` in this folder is the anchor: when pytest reaches it, it collects each page as a
Sybil file whose examples are the page's blocks, evaluated by the static tier. So a broken page
fails `nox -s tests` at its own file:line, with pytest ids like
`docs_src/ja/…/basic-stateful-set.md::sybil:static,line:42,column:1`.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sybil.integration.pytest import SybilFile

from verify.cli import default_pages
from verify.static import StaticContext, make_context
from verify.static.sybil import page_sybil

ROOT = Path(__file__).resolve().parents[2]
_context: list[StaticContext] = []


def static_context() -> StaticContext:
    """One context (cache under .cache/verify, kubectl checker) for the whole test session."""
    if not _context:
        _context.append(make_context(ROOT))
    return _context[0]


PAGES = page_sybil(ROOT, static_context)


class RealPages(pytest.File):
    """Collects the repository's pages, wherever they are, as Sybil files."""

    def collect(self):
        for page in default_pages(ROOT):
            yield SybilFile.from_parent(self, path=page, sybils=[PAGES])


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if file_path.name == "all_pages.txt" and file_path.parent == Path(__file__).parent:
        return RealPages.from_parent(parent, path=file_path)
    return None


@pytest.fixture(scope="session")
def fresh_context() -> StaticContext:
    """A context whose cache lives in memory only: every verdict in the test comes from a fresh
    kubectl/bash run in this session (shared by the tests, so each command runs once)."""
    return make_context(ROOT, use_cache=False)


def pytest_sessionfinish(session: pytest.Session) -> None:
    if _context:
        _context[0].cache.save()
