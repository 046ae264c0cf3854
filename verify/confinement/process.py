"""Starting one short page-controlled process in the static tier: sandboxed, limited, in a private directory.

The static tier runs the pinned kubectl on a page's arguments (flags are parsed, nothing is
contacted), `kubectl patch --local` on a page's payload and `bash -n` on a page's commands. Each
runs as the live tier's commands do: in the sandbox (`sandbox.Sandbox`, its own network namespace
with loopback only, so kubectl's attempt to reach the closed API server address fails at once), with
a private copy of kubectl, the minimal environment, the private directory as its working directory
and HOME, and the limits of the static run's cgroup (`limits.process_cgroup`).
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from verify.confinement import limits
from verify.confinement.sandbox import TOOLS, WORK, Network, Sandbox, View
from verify.confinement.tools import private_copy

SYSTEM_PATH = "/usr/bin:/bin"
#: The static run's bounds: its checks run in parallel, so more processes than one page's.
STATIC_LIMITS = limits.Limits(processes=1024, memory=4 << 30)


@dataclass(frozen=True)
class Confined:
    """How the static tier starts a process: `sandbox` ("none" only on the maintainer's opt-out), its limits."""

    sandbox: Sandbox
    limits: limits.Limits = STATIC_LIMITS

    def paths(self, workdir: Path) -> Path:
        """Where `workdir` appears to the process."""
        return WORK if self.sandbox.active else Path(workdir)

    def run(self, argv: Sequence[str], workdir: Path, env: Mapping[str, str], timeout: float,
            input_text: str | None = None) -> subprocess.CompletedProcess[str]:
        """`argv` in `workdir`; a first word naming a kubectl binary is replaced by the sandbox's private copy.

        `env` is the whole environment (its paths as `paths` gives them); `PATH` is the system's.
        Raises `subprocess.TimeoutExpired` like `subprocess.run`.
        """
        command = list(argv)
        view = View(rw={Path(workdir): WORK})
        if self.sandbox.active and Path(command[0]).name == "kubectl" and os.path.isabs(command[0]):
            copy = private_copy(Path(command[0]))
            view = View(rw={Path(workdir): WORK}, ro={copy.parent: TOOLS})
            command[0] = str(TOOLS / copy.name)
        wrapped = self.sandbox.wrap(command, view, self.paths(workdir), Network.NONE)
        cgroup = limits.process_cgroup("static", self.limits)
        prefix = cgroup.prefix() if cgroup is not None else limits.file_size_prefix(self.limits)
        return subprocess.run([*prefix, *wrapped], input=input_text, capture_output=True, text=True,
                              stdin=None if input_text is not None else subprocess.DEVNULL, cwd=workdir,
                              env={"PATH": SYSTEM_PATH, **env}, timeout=timeout, check=False, start_new_session=True)
