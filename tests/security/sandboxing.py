"""The sandbox these tests need: skipped, saying why, on a machine without one; a failure in CI."""

from __future__ import annotations

import os

import pytest

from verify.confinement.sandbox import detect


def needs_sandbox() -> None:
    box = detect()
    if not box.active:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run pages in a sandbox: {box.detail}")
        pytest.skip(f"no sandbox on this machine: {box.detail}")
