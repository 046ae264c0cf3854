"""The directories of one page's run, and how the verifier writes into them without following a page's links.

One private directory per page (mode 0700, under the system's temporary directory) holds three:

* ``page/``: the page's working directory, read-write to the page (in the sandbox, `/work`): its
  manifests under their titles, its private HOME (``.home``) and kubeconfig (``.kubeconfig``);
* ``state/``: what the shell carries from one command to the next (exports, the current
  directory), read-write to the page (`/run/verify`) and never read by the verifier;
* ``logs/``: the output of background terminals, which the page never sees.

The page cannot replace any of the three (their parent is never visible to it), so bubblewrap's
bind sources are always the verifier's own. The verifier writes into ``page/`` only before the
page's first command, and even then never through a link (`write`).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from verify.confinement.sandbox import DEFAULT_TMP_SIZE, STATE, TOOLS, WORK, View

#: A name the verifier may write a file under: one path component, no dot files.
SAFE_NAME = re.compile(r"[\w@+-][\w.@+-]*")


@dataclass(frozen=True)
class Workspace:
    root: Path
    page: Path
    state: Path
    logs: Path

    @classmethod
    def create(cls, slug: str) -> Workspace:
        root = Path(tempfile.mkdtemp(prefix=f"verify-{slug}-"))  # 0700, ours alone
        parts = [root / name for name in ("page", "state", "logs")]
        for part in parts:
            part.mkdir(mode=0o700)
        return cls(root, *parts)

    def view(self, tools: Path | None = None, sockets: tuple[Path, ...] = (), tmp_size: int | None = None) -> View:
        """What the sandbox shows: the page's directory at /work, the shell's state at /run/verify, the tools."""
        ro = {tools: TOOLS} if tools is not None else {}
        return View(rw={self.page: WORK, self.state: STATE}, ro=ro, sockets=sockets, tmp_size=tmp_size or DEFAULT_TMP_SIZE)

    def write(self, relative: str, data: bytes, mode: int = 0o644) -> Path:
        """Write a new file below ``page/`` (directories created as needed), following no link on the way."""
        parts = Path(relative).parts
        if not parts or any(part in ("", ".", "..") for part in parts) or Path(relative).is_absolute():
            raise ValueError(f"not a relative path below the page's directory: {relative}")
        flags = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW
        directory = os.open(self.page, flags)
        try:
            for part in parts[:-1]:
                with contextlib.suppress(FileExistsError):
                    os.mkdir(part, 0o755, dir_fd=directory)
                inner = os.open(part, flags, dir_fd=directory)
                os.close(directory)
                directory = inner
            fd = os.open(parts[-1], os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, mode, dir_fd=directory)
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
        finally:
            os.close(directory)
        return self.page.joinpath(*parts)

    def remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)  # rmtree removes links, never what they point at
