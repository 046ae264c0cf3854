"""What the verifier needs from a page's front matter, as a `FrontMatter`, with problems by line.

Finding and parsing the YAML is the page grammar's (`pagegrammar.frontmatter`); this module
checks the keys the verifier reads (`title`, `weight`, `requires`, `access`,
`external_files`) and reports each problem at the line of the offending key.
"""

from __future__ import annotations

from pathlib import Path
from types import MappingProxyType

from pagegrammar import FrontMatterError
from pagegrammar import parse_front_matter as parse_yaml
from verify import access
from verify.directives import REQUIREMENTS
from verify.model import FrontMatter, Location, Problem


def check_front_matter(text: str, path: Path) -> tuple[FrontMatter, list[Problem]]:
    """Parse the front matter at the top of `text`; problems name the line of the offending key."""
    problems: list[Problem] = []
    fallback = FrontMatter(title=path.stem, weight=0)
    try:
        parsed = parse_yaml(text, path, required=False)
    except FrontMatterError as error:
        problems.append(Problem(Location(path, error.line), "front-matter", error.reason))
        return fallback, problems
    if not parsed.present:
        problems.append(Problem(Location(path, 1), "front-matter", "page has no front matter (--- title/weight ---)"))
        return fallback, problems
    data = parsed.data

    def where(key: str) -> Location:
        return Location(path, parsed.key_lines.get(key, 1))

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
    if "cluster_scoped" in data:
        problems.append(Problem(where("cluster_scoped"), "front-matter", "`cluster_scoped` is gone: a page runs with "
                                "rights in its own namespace only and declares anything beyond it under `access:` "
                                "(docs/conventions.md)"))
    grants, wrong = access.parse(data.get("access"))
    problems += [Problem(where("access"), "front-matter", message) for message in wrong]
    external = data.get("external_files") or {}
    if not isinstance(external, dict) or not all(isinstance(v, str) for v in external.values()):
        problems.append(Problem(where("external_files"), "front-matter", "`external_files` must map file names to sources"))
        external = {}
    front = FrontMatter(
        title=title,
        weight=weight,
        requires=tuple(r for r in requires if r in REQUIREMENTS),
        access=grants,
        external_files=MappingProxyType({str(k): v for k, v in external.items()}),
    )
    return front, problems
