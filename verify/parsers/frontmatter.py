"""Read a page's YAML front matter into a `FrontMatter`, reporting problems with their line."""

from __future__ import annotations

import re
from pathlib import Path
from types import MappingProxyType

import yaml

from verify.directives import REQUIREMENTS
from verify.model import FrontMatter, Location, Problem

FRONT_MATTER = re.compile(r"\A---[ \t]*\n(?P<body>.*?\n)?---[ \t]*(?:\n|\Z)", re.DOTALL)


def split_front_matter(text: str) -> tuple[str | None, int]:
    """Return the front matter's YAML text (or None) and the offset where the page body starts."""
    match = FRONT_MATTER.match(text)
    if match is None:
        return None, 0
    return match.group("body") or "", match.end()


def parse_front_matter(text: str, path: Path) -> tuple[FrontMatter, list[Problem]]:
    """Parse the front matter at the top of `text`; problems name the line of the offending key."""
    body, _ = split_front_matter(text)
    problems: list[Problem] = []
    fallback = FrontMatter(title=path.stem, weight=0)
    if body is None:
        problems.append(Problem(Location(path, 1), "front-matter", "page has no front matter (--- title/weight ---)"))
        return fallback, problems
    try:
        node = yaml.compose(body, Loader=yaml.SafeLoader)
        data = yaml.safe_load(body) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = 2 + (mark.line if mark else 0)
        problems.append(Problem(Location(path, line), "front-matter", f"front matter is not valid YAML: {_first_line(error)}"))
        return fallback, problems
    if not isinstance(data, dict):
        problems.append(Problem(Location(path, 2), "front-matter", "front matter must be a mapping"))
        return fallback, problems
    lines = _key_lines(node)

    def where(key: str) -> Location:
        return Location(path, 2 + lines.get(key, -1))

    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        problems.append(Problem(where("title"), "front-matter", "front matter needs a non-empty `title`"))
        title = path.stem
    weight = data.get("weight")
    if not isinstance(weight, int) or isinstance(weight, bool):
        problems.append(Problem(where("weight"), "front-matter", "front matter needs an integer `weight`"))
        weight = 0
    requires = data.get("requires", [])
    if requires is None:
        requires = []
    if not isinstance(requires, list) or not all(isinstance(r, str) for r in requires):
        problems.append(Problem(where("requires"), "front-matter", "`requires` must be a list of names"))
        requires = []
    unknown = [r for r in requires if r not in REQUIREMENTS]
    if unknown:
        problems.append(
            Problem(
                where("requires"),
                "front-matter",
                f"unknown requirement(s) {', '.join(unknown)}; known: {', '.join(sorted(REQUIREMENTS))}",
            )
        )
    cluster_scoped = data.get("cluster_scoped", False)
    if not isinstance(cluster_scoped, bool):
        problems.append(Problem(where("cluster_scoped"), "front-matter", "`cluster_scoped` must be true or false"))
        cluster_scoped = False
    external = data.get("external_files") or {}
    if not isinstance(external, dict) or not all(isinstance(v, str) for v in external.values()):
        problems.append(Problem(where("external_files"), "front-matter", "`external_files` must map file names to sources"))
        external = {}
    front = FrontMatter(
        title=title,
        weight=weight,
        requires=tuple(r for r in requires if r in REQUIREMENTS),
        cluster_scoped=cluster_scoped,
        external_files=MappingProxyType({str(k): v for k, v in external.items()}),
    )
    return front, problems


def _key_lines(node: yaml.Node | None) -> dict[str, int]:
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {k.value: k.start_mark.line for k, _ in node.value if isinstance(k, yaml.ScalarNode)}


def _first_line(error: Exception) -> str:
    problem = getattr(error, "problem", None)
    return str(problem or error).splitlines()[0]
