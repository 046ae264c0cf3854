"""Every consumer reads pages through `pagegrammar`: no other module keeps its own copy of the grammar.

A copy is a fence pattern (three backticks or tildes in a regular expression), a list of directive
names, a list of shell names, or a front matter pattern. Each drifts from the others unnoticed
(a `clear-namespace` directive was known to one copy and not to the verifier).
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: Where product code lives (tests may spell the grammar out in their fixtures).
PRODUCT = ["verify", "translations", "site_tools", "bench", "cluster", "ci", "noxfile.py"]
COPIES = {
    "a fence pattern": re.compile(r"`\{3,?\}|~\{3,?\}|`\{3,|~\{3,"),
    "a directive name list": re.compile(r"""["'(|]invisible-code-block["'|)]"""),
    "a shell alias list": re.compile(r"""["'](?:console|shell-session)["']"""),
    "a front matter pattern": re.compile(r"""\\A---|\^---"""),
    "MkDocs' front matter reader": re.compile(r"mkdocs\.utils\.meta"),
}


def _sources() -> list[Path]:
    found: list[Path] = []
    for entry in PRODUCT:
        path = ROOT / entry
        found += [path] if path.is_file() else sorted(path.rglob("*.py"))
    return found


def test_no_module_outside_pagegrammar_defines_the_grammar() -> None:
    copies = []
    for path in _sources():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for what, pattern in COPIES.items():
                if pattern.search(line):
                    copies.append(f"{path.relative_to(ROOT)}:{number}: {what}: {line.strip()}")
    assert copies == [], "use pagegrammar instead:\n" + "\n".join(copies)


def test_the_check_finds_a_copy_when_one_comes_back() -> None:
    assert COPIES["a fence pattern"].search('_FENCE = re.compile(r"^(?P<indent>[ \\t]*)(?P<fence>`{3,}|~{3,})")')
    assert COPIES["a directive name list"].search('re.compile(r"<!--\\s*(verify|skip|invisible-code-block)\\b")')
    assert COPIES["a shell alias list"].search('_SHELL = ("shell", "sh", "bash", "console")')
    assert COPIES["a front matter pattern"].search('FRONT = re.compile(r"\\A---[ \\t]*\\n")')


def test_translations_do_not_import_the_verifier() -> None:
    for path in sorted((ROOT / "translations").rglob("*.py")):
        assert not re.search(r"^\s*(from|import) verify\b", path.read_text(encoding="utf-8"), re.MULTILINE), path
