"""Debian's Chromium, driven by Playwright: shared by the diagram renderer and the browser tests."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # Playwright is needed only where a browser is launched
    from playwright.sync_api import Browser, Playwright

CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)


def chromium_path() -> Path | None:
    """Debian's Chromium (``$CHROMIUM`` overrides), or None when it is not installed."""
    candidates = [os.environ.get("CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")]
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return Path(candidate)
    return None


def launch(playwright: Playwright, **kwargs: Any) -> Browser:
    """A headless Chromium from ``playwright`` (``sync_playwright().start()``), or RuntimeError."""
    path = chromium_path()
    if path is None:
        raise RuntimeError("Chromium is not installed (Debian: `apt-get install chromium`)")
    return playwright.chromium.launch(
        executable_path=str(path), headless=True, args=list(CHROMIUM_ARGS), **kwargs
    )
