"""actionlint, built from the Go module pinned in ``ci/actionlint/``, run over ``.github/workflows/``.

``python -m ci.actionlint`` (part of ``nox -s lint``) builds the pinned version once with the machine's
Go through the module proxy, into a cache directory outside the repository named after a hash of the
module's ``go.mod``/``go.sum`` and the Go version (like the control plane's binaries, ``cluster/``), and
runs it on every workflow. A later run builds nothing. ``ACTIONLINT=PATH`` uses a binary you already
have instead. actionlint's optional shellcheck and pyflakes passes are off, so that every machine
checks the same things whatever else it has installed.

Exit status: actionlint's own (0 clean, 1 findings), or 2 when it cannot be built or found.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

MODULE = Path(__file__).resolve().parent / "actionlint"
PACKAGE = "github.com/rhysd/actionlint/cmd/actionlint"
REPO_ROOT = MODULE.parent.parent
WORKFLOWS = REPO_ROOT / ".github" / "workflows"


class ActionlintUnavailable(Exception):
    """actionlint can be neither found nor built; the message says why and what to do."""


def _go() -> str:
    found = shutil.which("go")
    if not found:
        raise ActionlintUnavailable("Go is not installed: actionlint is built from its Go module (ci/actionlint/go.mod), "
                                    "or set ACTIONLINT=PATH to a binary you have")
    return found


def _go_version(go: str) -> str:
    done = subprocess.run([go, "env", "GOVERSION"], capture_output=True, text=True, timeout=60, check=False)
    return done.stdout.strip() or "unknown"


def cache_dir(go: str) -> Path:
    """Where this pin's binary lives: a hash of go.mod, go.sum and the Go version, below the user's cache."""
    digest = hashlib.sha256()
    for name in ("go.mod", "go.sum"):
        digest.update((MODULE / name).read_bytes())
    digest.update(_go_version(go).encode())
    base = Path(os.environ.get("K8S_TUTORIALS_CACHE") or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
                / "k8s-tutorials-ja")
    return base / "tools" / "actionlint" / digest.hexdigest()[:16]


def ensure() -> Path:
    """The actionlint binary: ``$ACTIONLINT``, or the pinned build (built now if missing)."""
    explicit = os.environ.get("ACTIONLINT")
    if explicit:
        if not os.access(explicit, os.X_OK):
            raise ActionlintUnavailable(f"ACTIONLINT={explicit} is not an executable file")
        return Path(explicit)
    go = _go()
    folder = cache_dir(go)
    binary = folder / "actionlint"
    if binary.is_file():
        return binary
    folder.mkdir(parents=True, exist_ok=True)
    print(f"building actionlint ({MODULE.relative_to(REPO_ROOT)}/go.mod) into {folder}", file=sys.stderr, flush=True)
    env = {**os.environ, "CGO_ENABLED": "0", "GOFLAGS": "-mod=readonly -buildvcs=false"}
    with tempfile.TemporaryDirectory(dir=folder, prefix=".build-") as scratch:
        command = [go, "build", "-trimpath", "-ldflags", "-s -w", "-o", str(Path(scratch) / "actionlint"), PACKAGE]
        done = subprocess.run(command, cwd=MODULE, env=env, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise ActionlintUnavailable(f"`{' '.join(command)}` in {MODULE} failed (exit {done.returncode}):\n"
                                        + "\n".join(done.stderr.strip().splitlines()[-15:]))
        os.replace(Path(scratch) / "actionlint", binary)  # a whole file or none
    return binary


def main(argv: list[str] | None = None) -> int:
    files = [str(p) for p in (argv if argv else sorted(WORKFLOWS.glob("*.y*ml")))]
    if not files:
        print(f"actionlint: no workflow in {WORKFLOWS}", file=sys.stderr)
        return 2
    try:
        binary = ensure()
    except ActionlintUnavailable as error:
        print(f"actionlint: {error}", file=sys.stderr)
        return 2
    return subprocess.run([str(binary), "-shellcheck=", "-pyflakes=", *files], cwd=REPO_ROOT, check=False).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
