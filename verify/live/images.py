"""The images a page's Pods run, as the target has them: what each was built from, and where it differs.

On the real-node target every image is assembled here (`cluster.nodes.images`); some cannot be had
(Elastic's Beats) and one behaves differently where a documented output shows it (BusyBox 1.35's
`nslookup` for the page's 1.28). A step whose output depends on such a difference is skipped with the
target's own reason (`Skip.IMAGE`), never compared with another program's output:

- a block typed into an interactive container (`kubectl run -i --image IMAGE`) that runs a program
  listed for IMAGE (`cluster.nodes.images.OUTPUT_DIFFERS`);
- a command that applies a page file (`-f FILE`) naming an image the target cannot have.

`used_by` lists, per image name the page uses, what the target built it from, for the page's record.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from verify.model import Page, Step, StepKind

_MANIFEST_IMAGE = re.compile(r"^[ \t]*-?[ \t]*image:[ \t]*['\"]?([^\s'\"#]+)", re.MULTILINE)
_FLAG_IMAGE = re.compile(r"--image(?:=|\s+)['\"]?([^\s'\"]+)")
_FILE_FLAG = re.compile(r"(?:^|\s)(?:-f|--filename)(?:=|\s+)['\"]?([^\s'\"]+)")


def _written(name: str, text: str) -> bool:
    """Whether TEXT names the image NAME as a page would write it (`busybox:1.28` for docker.io/library/busybox:1.28)."""
    short = name.removeprefix("docker.io/").removeprefix("library/")
    return re.search(rf"(?<![\w./-])(?:{re.escape(name)}|{re.escape(short)})(?![\w.:-])", text) is not None


def _programs(commands: tuple[str, ...] | list[str]) -> set[str]:
    """The programs a block runs: the first word of each line that is not an assignment or a comment."""
    found = set()
    for command in commands:
        for line in command.splitlines():
            try:
                words = shlex.split(line, comments=True)
            except ValueError:
                words = line.split()
            words = [w for w in words if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*=.*", w)]
            if words:
                found.add(words[0].rsplit("/", 1)[-1])
    return found


@dataclass
class TargetImages:
    """Image name (as containerd names it) -> what the target built it from (`cluster.nodes.images.built_images`)."""

    facts: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def of_real_nodes(cls) -> TargetImages:
        from cluster.nodes.images import built_images

        return cls(built_images())

    @staticmethod
    def normalize(name: str) -> str:
        from cluster.nodes.images import normalize

        return normalize(name)

    @staticmethod
    def unavailable(name: str) -> str:
        from cluster.nodes.images import unavailable

        return unavailable(name)

    def names_in(self, page: Page) -> list[str]:
        """Every image the page names, in manifests, files and `--image` flags (normalized, sorted)."""
        names = set()
        for step in page.steps:
            if step.kind in (StepKind.MANIFEST, StepKind.FILE_CONTENT):
                names |= set(_MANIFEST_IMAGE.findall(step.text))
            for command in step.commands:
                names |= set(_FLAG_IMAGE.findall(command))
                # An image named elsewhere in a command (a patch's "value"): the target's names, as the page writes them.
                names |= {name for name in self.facts if _written(name, command)}
        return sorted({self.normalize(name) for name in names})

    def used_by(self, page: Page) -> dict[str, dict[str, Any]]:
        """Per image the page uses, what the target's image is: built from what, or unavailable and why."""
        used: dict[str, dict[str, Any]] = {}
        for name in self.names_in(page):
            facts = self.facts.get(name)
            why = self.unavailable(name)
            if facts is not None:
                used[name] = {key: facts[key] for key in ("built_from", "upstream", "differs", "notes") if facts.get(key)}
            elif why:
                used[name] = {"differs": f"unavailable: {why}"}
            else:
                used[name] = {"differs": "not built for this target"}
        return used

    def in_container_skips(self, interactive: Step, group: list[Step]) -> dict[int, str]:
        """Line of each block typed into INTERACTIVE's container whose output our image cannot reproduce -> why."""
        flags = [name for command in interactive.commands for name in _FLAG_IMAGE.findall(command)]
        if not flags:
            return {}
        name = self.normalize(flags[0])
        facts = self.facts.get(name) or {}
        programs = set(facts.get("programs") or ())
        skips = {}
        for member in group:
            differing = sorted(_programs(member.commands) & programs)
            if differing:
                skips[member.location.line] = (f"the target's image {name} differs for {', '.join(differing)}: "
                                               f"{facts.get('differs') or 'another program'}")
        return skips

    def unavailable_in(self, step: Step, files: Mapping[str, str]) -> str | None:
        """Why STEP cannot run here: it applies a page file naming an image the target cannot have."""
        for command in step.commands:
            for name in _FILE_FLAG.findall(command):
                text = files.get(name.removeprefix("./"))
                if text is None:
                    continue
                for image in _MANIFEST_IMAGE.findall(text):
                    why = self.unavailable(image)
                    if why:
                        return f"{name} runs {image}, which the target cannot have: {why}"
        return None
