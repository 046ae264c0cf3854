"""A page's fences are read once per build (``site_tools.page_state.page_fences``): the verification comments'
part works out the fences of the page it leaves from the page's own, and the status part reads them from the
page's state. Both must be what ``find_fences`` gives for that text, on every page of the site and on the
shapes a page may take around a dropped comment."""

from __future__ import annotations

import itertools
import random
from types import SimpleNamespace

import pytest

from pagegrammar import find_fences
from pagegrammar.pages import list_pages
from site_helpers import docs_dirs_in_repo
from site_tools.page_state import page_fences, page_state
from site_tools.plugin.comments import VerificationComments, without_verification_comments
from site_tools.plugin.config import SiteConfig
from site_tools.plugin.status import VerificationStatus
from site_tools.verification import has_commands

PIECES = (
    "```shell\n", "```\n", "````\n", "~~~yaml\n", "~~~\n", "text\n", "  ```text\n", "> ```\n", "- ```sh\n", "\n",
    "<!-- verify: like -->\n", "<!-- invisible-code-block: shell\nkubectl wait\n-->\n", "<!-- skip: next -->",
    "   <!-- verify: exit=any -->\n", "<!-- a note -->\n", "<!-- unclosed", "-->\n",
    "<!-- invisible-code-block: shell\n```shell\n-->\n",  # a fence's line inside a dropped comment: read again
)


def fences_of(page: SimpleNamespace) -> list:
    known = page_state(page).fences
    assert known is not None
    return known[1]


def _texts() -> list[str]:
    pages = [page.read() for docs in docs_dirs_in_repo().values() for page in list_pages(docs)]
    rng = random.Random(7)
    made = ["".join(rng.choice(PIECES) for _ in range(rng.randint(0, 12))) for _ in range(3000)]
    made += ["".join(pair) for pair in itertools.product(PIECES, repeat=2)]
    return pages + made


def test_the_fences_of_a_page_without_its_comments_are_those_find_fences_reads_in_it() -> None:
    for text in _texts():
        stripped, fences = without_verification_comments(text)
        assert fences == find_fences(stripped), text[:300]
        again, known = without_verification_comments(text, find_fences(text))
        assert (again, known) == (stripped, fences)


def test_one_reading_of_the_fences_serves_both_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    text = (docs_dirs_in_repo()["ja"] / "tutorials/services/source-ip.md").read_text(encoding="utf-8")
    calls: list[str] = []

    def counted(markdown: str) -> list:
        calls.append(markdown)
        return find_fences(markdown)

    monkeypatch.setattr("site_tools.page_state.find_fences", counted)
    monkeypatch.setattr("site_tools.plugin.comments.find_fences", counted)
    page = SimpleNamespace(meta={}, file=SimpleNamespace(src_uri="tutorials/services/source-ip.md"))
    comments = VerificationComments(SiteConfig())
    status = VerificationStatus(SiteConfig())
    status.records = docs_dirs_in_repo()["ja"] / "no-records-here"
    stripped = comments.on_page_markdown(text, page, None, None)  # type: ignore[arg-type]
    status.on_page_markdown(stripped, page, None, None)  # type: ignore[arg-type]
    assert calls == [text]  # once, for the page as written
    assert page_state(page).fences == (stripped, find_fences(stripped))
    assert page_state(page).has_commands == has_commands(stripped) is True
    assert page_fences(page, stripped) is fences_of(page)
    other = stripped + "\n```shell\nls\n```\n"
    assert page_fences(page, other) == find_fences(other) and calls == [text, other]  # another text: read anew
