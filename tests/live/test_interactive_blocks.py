"""Blocks typed into an interactive container (`verify.live.handlers.interactive`), without a cluster: the output
of `kubectl run -i` is cut at the block markers; kubectl's own attach banner belongs to no block; a block whose
documented output the page marks as not to be compared runs but is not compared."""

from __future__ import annotations

import textwrap
from pathlib import Path

from verify.live.handlers import StepContext
from verify.live.handlers.interactive import run_interactive
from verify.live.runner import Settings
from verify.live.shell import CommandResult
from verify.model import LIVE_KINDS
from verify.parsers import parse_text

PAGE = textwrap.dedent("""\
    ---
    title: t
    weight: 1
    requires: [exec]
    ---

    # t

    <!-- verify: interactive=rewrite -->
    ```shell
    kubectl run busybox -it --image=busybox:1.28 --restart=Never --rm
    ```

    <!-- verify: in-container -->
    ```shell
    ip addr
    ```

    <!-- verify: skip reason="interface numbers depend on the network plugin" -->
    ```text
    3: eth0: <BROADCAST> mtu 1460
    ```

    <!-- verify: in-container -->
    ```shell
    hostname
    ```

    ```text
    busybox
    ```
    """)
BANNER = ("All commands and output from this session will be recorded in container logs, including credentials and "
          "sensitive information passed through the command prompt.\nIf you don't see a command prompt, try pressing "
          "enter.\n")


class Session:
    """Answers `kubectl run -i … -- sh -c SCRIPT` with OUTPUT, as the pod would."""

    def __init__(self, output: str) -> None:
        self.output = output
        self.commands: list[str] = []

    def run(self, command: str, timeout: float, server_answers: object = None) -> CommandResult:
        self.commands.append(command)
        return CommandResult(command, 0, self.output, 0.1)


def _run(tmp_path: Path, output: str) -> list[tuple[str, str]]:
    page = parse_text(PAGE, tmp_path / "docs_src" / "ja" / "t.md", tmp_path).page
    steps = [s for s in page.steps if s.kind in LIVE_KINDS]
    settings = Settings(root=tmp_path, kubectl=Path("kubectl"), sandbox=None)  # type: ignore[arg-type]
    ctx = StepContext(settings, Session(output), "ns", None, None, lambda: False)  # type: ignore[arg-type]
    results = run_interactive(steps[0], steps[1:], ctx)
    return [(r.status, str(r.outcome.check or r.outcome.failure)) for r in results]


def test_the_attach_banner_belongs_to_no_block_wherever_it_lands(tmp_path: Path) -> None:
    output = ("@@verify-block-0@@\n1: lo: <LOOPBACK>\n@@verify-block-1@@\n" + BANNER + "busybox\n")
    assert _run(tmp_path, output) == [("passed", "exit"), ("passed", "not-compared"), ("passed", "output")]


def test_a_block_whose_output_the_page_skips_runs_without_a_comparison(tmp_path: Path) -> None:
    output = "@@verify-block-0@@\n2: eth0@if6: <BROADCAST,MULTICAST,UP> mtu 1500\n@@verify-block-1@@\nbusybox\n"
    assert _run(tmp_path, output)[1] == ("passed", "not-compared")
    assert _run(tmp_path, output.replace("busybox\n", "other\n"))[2] == ("failed", "output")
