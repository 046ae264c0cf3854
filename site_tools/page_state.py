"""What the site plugin works out about a page, typed, for its parts and for the theme's templates.

The plugin's parts (``site_tools/plugin/``) run one after the other on each page; some of what they
find is needed by a later part (the translation banner links to the source page that the language
links found) or by a template (``docs/overrides``). It lives in one :class:`PageState` per page, kept in the page's own
``page.meta`` under :data:`META_KEY` (MkDocs refills ``page.meta`` from the front matter before the hooks
see the page, so nothing survives from one build to the next), and the templates read it as
``page.meta.k8s``. Adding something a template shows is adding a field here.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from pagegrammar import Fence, find_fences
from site_tools.languages import AlternateLink, HreflangLink
from site_tools.verification import PageStatus
from verify.records import Record

META_KEY = "k8s"


@dataclass(frozen=True)
class TranslationState:
    """Whether a translated page is ``current`` or ``outdated``, and the day its source changed (outdated, when known)."""

    state: str
    source_changed: str | None = None


@dataclass(frozen=True)
class TranslationNotice:
    """The outdated-translation banner: the sentence, and a link to the source page in ``hreflang``."""

    text: str
    link_text: str
    href: str
    hreflang: str


@dataclass
class PageState:
    """One page's state in one build; each field says which part of the plugin sets it."""

    # language_links: the switcher's links and the <head>'s hreflang links.
    language_links: list[AlternateLink] = field(default_factory=list)
    hreflang: list[HreflangLink] = field(default_factory=list)
    # diagrams: how many mermaid diagrams the page has (the template loads mermaid if any).
    diagrams: int = 0
    # translation: on a translated page, whether it is current with its source (None: not a translation).
    translation_state: TranslationState | None = None
    # status: whether the page has commands, its record and the files changed since,
    # what the status slot shows, the link to the status page, and the outdated-translation banner.
    has_commands: bool = False
    record: Record | None = None
    changed: list[str] = field(default_factory=list)
    status: PageStatus | None = None
    status_href: str = ""
    translation: TranslationNotice | None = None
    # fences: the fenced blocks of the page's Markdown as the last part to read them left it (that Markdown,
    # then its fences), so that the parts after it need not read them again (``page_fences``).
    fences: tuple[str, list[Fence]] | None = None


class HasMeta(Protocol):
    """A page: MkDocs' ``Page`` (or a test's stand-in with a ``meta`` dict)."""

    meta: MutableMapping[str, Any]


def page_state(page: HasMeta) -> PageState:
    """The state of ``page`` in this build, created empty on first use."""
    state = page.meta.get(META_KEY)
    if not isinstance(state, PageState):
        state = PageState()
        page.meta[META_KEY] = state
    return state


def page_fences(page: HasMeta, markdown: str) -> list[Fence]:
    """``find_fences(markdown)``, read once per page: kept with the page, for as long as its Markdown is the same."""
    known = page_state(page).fences
    if known is not None and known[0] == markdown:
        return known[1]
    fences = find_fences(markdown)
    remember_fences(page, markdown, fences)
    return fences


def remember_fences(page: HasMeta, markdown: str, fences: list[Fence]) -> None:
    """Keep ``fences`` as the fences of the page's Markdown ``markdown`` (a part that worked them out otherwise)."""
    page_state(page).fences = (markdown, fences)
