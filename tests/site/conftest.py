"""Fixtures for the site tests: one build of both languages, served on 127.0.0.1, one Chromium.

The build is the real ``site/`` (rebuilt only when its inputs changed) as soon
as every Japanese page has its English translation.  Until then the English
build is made from a temporary copy of docs/en in which each missing page is a
stand-in (the Japanese page, marked in its front matter), so that the switcher
and the English diagrams can be exercised; the terminal summary lists them.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator

import pytest

from pagegrammar.pages import list_pages
from site_helpers import BuiltSite, build_or_fail, docs_dirs_in_repo, require_mermaid, unavailable, write_stand_in
from site_tools.browser import chromium_path, launch
from site_tools.build import input_digest, is_fresh
from site_tools.languages import REPO_ROOT
from site_tools.serve import base_url, serve_directory

_STAND_INS: list[str] = []


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    require_mermaid()
    dirs = docs_dirs_in_repo()
    translated = {page.src_uri for page in list_pages(dirs["en"])}
    missing = [page for page in list_pages(dirs["ja"]) if page.src_uri not in translated]
    if not missing:
        out = REPO_ROOT / "site"
        if not is_fresh(out, input_digest()):
            build_or_fail(out)
        return BuiltSite(out, dirs)

    work = tmp_path_factory.mktemp("site-with-stand-ins")
    en_dir = work / "en"
    if dirs["en"].is_dir():
        shutil.copytree(dirs["en"], en_dir)
    for page in missing:
        write_stand_in(page, en_dir / page.src_uri)
    _STAND_INS[:] = [page.src_uri for page in missing]
    build_or_fail(work / "site", docs_dirs={"en": en_dir})
    return BuiltSite(work / "site", {**dirs, "en": en_dir}, [page.src_uri for page in missing])


@pytest.fixture(scope="session")
def site_url(built_site: BuiltSite) -> Iterator[str]:
    """``http://127.0.0.1:PORT`` serving the built site (a free port)."""
    server = serve_directory(built_site.root, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base_url(server)
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """One headless Debian Chromium for the whole session."""
    if chromium_path() is None:
        unavailable("Chromium is not installed (Debian: `apt-get install chromium`): browser tests not run")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("the `playwright` Python package is not installed (pip install -e '.[test]')")
    playwright = sync_playwright().start()
    try:
        instance = launch(playwright)
    except Exception as err:  # noqa: BLE001 (any launch failure means: no browser here)
        playwright.stop()
        unavailable(f"Chromium does not start: {err}")
    yield instance
    instance.close()
    playwright.stop()


def pytest_terminal_summary(terminalreporter) -> None:
    if _STAND_INS:
        terminalreporter.write_line(
            "site tests: English pages not translated yet were replaced by stand-ins "
            f"(the Japanese text) in a temporary build: {', '.join(_STAND_INS)}"
        )
