"""atomic_files: a file is replaced whole or left as it was, and no temporary file is left behind."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

import atomic_files
from atomic_files import check_writable, write_bytes, write_json, write_text


def names(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


def test_text_is_written_exactly_and_missing_parents_are_created(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "page.md"
    write_text(target, "日本語\r\nno newline translation")
    assert target.read_bytes() == "日本語\r\nno newline translation".encode()
    write_bytes(target, b"\x00\x01")
    assert target.read_bytes() == b"\x00\x01"
    assert names(target.parent) == ["page.md"]


def test_json_has_two_space_indents_non_ascii_kept_and_a_final_newline(tmp_path: Path) -> None:
    target = tmp_path / "data.json"
    write_json(target, {"b": "検証", "a": [1]}, sort_keys=True)
    assert target.read_text(encoding="utf-8") == '{\n  "a": [\n    1\n  ],\n  "b": "検証"\n}\n'


@pytest.mark.parametrize("step", ["write", "fsync", "replace"])
def test_a_failure_mid_write_leaves_the_old_file_and_no_temporary_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, step: str) -> None:
    target = tmp_path / "report.json"
    target.write_text("old", encoding="utf-8")

    def explode(*args: object) -> None:
        raise OSError(28, "No space left on device")

    if step == "write":  # the data is half written when the disk fills up
        real_fdopen = os.fdopen

        class HalfWriter:
            def __init__(self, handle) -> None:
                self.handle = handle

            def __enter__(self):
                return self

            def __exit__(self, *exc: object) -> None:
                self.handle.close()

            def fileno(self) -> int:
                return self.handle.fileno()

            def write(self, data: bytes) -> int:
                self.handle.write(data[: len(data) // 2])
                self.handle.flush()
                explode()
                return 0

        monkeypatch.setattr(atomic_files.os, "fdopen", lambda fd, mode: HalfWriter(real_fdopen(fd, mode)))
    else:
        monkeypatch.setattr(atomic_files.os, step, explode)
    with pytest.raises(OSError, match="No space left"):
        write_text(target, "new content that never lands")
    assert target.read_text(encoding="utf-8") == "old"
    assert names(tmp_path) == ["report.json"]


def test_an_interrupt_leaves_the_old_file_and_no_temporary_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "report.json"
    target.write_text("old", encoding="utf-8")

    def interrupt(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(atomic_files.os, "replace", interrupt)
    with pytest.raises(KeyboardInterrupt):
        write_text(target, "new")
    assert target.read_text(encoding="utf-8") == "old" and names(tmp_path) == ["report.json"]


def test_data_that_is_not_json_touches_nothing(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(TypeError):
        write_json(target, {"when": object()})
    assert target.read_text(encoding="utf-8") == "old" and names(tmp_path) == ["report.json"]


def test_a_new_file_gets_the_umask_permissions_and_mode_sets_them(tmp_path: Path) -> None:
    old_umask = os.umask(0o022)
    try:
        write_text(tmp_path / "open.txt", "x")
        write_text(tmp_path / "kubeconfig", "x")
        assert stat.S_IMODE((tmp_path / "open.txt").stat().st_mode) == 0o644
        write_text(tmp_path / "kubeconfig", "credentials", mode=0o600)  # narrowed on replacing, too
        assert stat.S_IMODE((tmp_path / "kubeconfig").stat().st_mode) == 0o600
    finally:
        os.umask(old_umask)


def test_check_writable_says_why_before_a_run_starts(tmp_path: Path) -> None:
    assert check_writable(tmp_path / "new" / "dir" / "report.json") is None  # parents are created on writing
    assert check_writable(tmp_path) == f"{tmp_path} is a directory"
    (tmp_path / "file").write_text("", encoding="utf-8")
    assert check_writable(tmp_path / "file" / "report.json") == f"{tmp_path / 'file'} is not a directory"
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        if os.access(locked, os.W_OK):
            pytest.skip("running as a user who may write anywhere (root)")
        problem = check_writable(locked / "report.json")
        assert problem is not None and problem.startswith(f"cannot write {locked / 'report.json'}")
    finally:
        locked.chmod(0o700)
    assert names(tmp_path) == ["file", "locked"]
