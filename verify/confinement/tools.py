"""Private copies of the programs a sandbox is given (the pinned kubectl).

A bind mount's source path shows in the sandbox's `/proc/self/mountinfo`, so binding the kubectl of
the repository's environment would tell a page where the repository is. Each verifier process
links (or copies) it once into a directory of its own under the system's temporary directory,
removed when the process ends.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import threading
from pathlib import Path

_lock = threading.Lock()
_copies: dict[Path, Path] = {}


def _remove(directory: Path) -> None:
    shutil.rmtree(directory, ignore_errors=True)


def private_copy(program: Path) -> Path:
    """A file with `program`'s content, outside the repository, executable; the same one for the whole process."""
    program = Path(program).resolve()
    with _lock:
        copy = _copies.get(program)
        if copy is not None and copy.is_file():
            return copy
        directory = Path(tempfile.mkdtemp(prefix="verify-tools-"))
        atexit.register(_remove, directory)
        copy = directory / program.name
        try:
            os.link(program, copy)  # same filesystem: no bytes copied
        except OSError:
            shutil.copy2(program, copy)
        os.chmod(copy, 0o755)
        _copies[program] = copy
        return copy
