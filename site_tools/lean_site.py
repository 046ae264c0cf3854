"""A language's built site made lighter, once every page is written: what a reader loads at first, less.

One pass over the built site (``site_tools.plugin.lean``, after every other part):

1. Each page loses what no reader sees (``site_tools.html_slim``): token classes of highlighted code that
   no stylesheet selects and no script looks for, spans left without a class, indentation.
2. Material's stylesheets lose the rules that can never match a page of this site
   (``site_tools.css.prune``): a rule stays when any selector of it could match. A selector cannot match
   when it needs a class that is neither in a ``class`` attribute of any built page nor anywhere in any
   script the site ships (as part of any word: Material's bundle and search worker write their class
   names as string literals; also the beginnings and ends of names it builds from parts, as in
   ```md-tag--${…}```, and the pages' inline scripts). In the palette's stylesheet a selector also
   cannot match when it needs a colour attribute value (``[data-md-color-primary=red]``) that no page
   holds and no script contains. Rules without a class, ``@font-face``, ``@keyframes`` and custom
   properties stay; ``@media`` and ``@supports`` blocks are pruned inside. (Material's scripts give the
   page's body the colour values of the palette's inputs, which are in the page, or of the reader's last
   choice among them; a value that a script naming ``data-md-color-`` holds as a string literal counts
   too. Mermaid's colour names do not: it sets no such attribute.) Likewise a selector that needs a
   ``dir`` value no page holds (``[dir=rtl]``: every page is ``ltr``, and no script sets ``dir``). Of a
   rule's selector list only the selectors that can match stay. Content tabs are the one part of
   Material's content that its script builds on (``tabbed-…`` classes, made only inside a ``.tabbed-set``):
   a page without a tab set gets a main stylesheet without their rules, so there may be two main
   stylesheets, each page linking the one for what it holds (``CONTENT_FAMILIES``). What is known of
   where elements sit prunes more (``css.Tree``): a class that only ``<html>`` has (``no-js``: on no other
   tag of a page, and each script that could name it puts it on ``document.documentElement`` only) cannot be
   on an element with an ancestor (``.md-typeset .no-js .tabbed-set``); and a tab set cannot have a k-th child
   beyond the most children a page's tab set has plus the two controls Material's script appends to it
   (``SCRIPT_CHILDREN``: ``.tabbed-set>input:nth-child(12)`` of Material's rules for up to 20 tabs). And what
   a page's scripts could name is what the scripts it runs could: the files it links with ``<script src>`` and
   its inline scripts (not the search worker, which has no page to touch, nor the lunr files it loads; not
   mermaid, which only the pages with a diagram load), so the main stylesheet is pruned once for each group
   of pages with the same ``CONTENT_FAMILIES`` and the same linked scripts. A page that links a script that is
   not a file of this site, or holds an element Material loads a script from elsewhere for (``.mermaid``), is
   pruned with every script of the site. Where Material shows a page's content inside another page (instant
   navigation keeps the first page's stylesheets; previews), every page is in one group. Then a custom
   property no stylesheet's ``var()``, page or script refers to (the icons of admonition kinds no page
   uses) goes. A pruned stylesheet gets a name from its new content's hash, the pages link that one, and
   the old file (and its source map, which no longer fits) goes.
3. The site's own stylesheet loses its comments and spare white space (``site_tools.css.minify``).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import html
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from atomic_files import write_json, write_text
from site_tools import css, html_slim
from site_tools.languages import REPO_ROOT

STYLESHEETS = Path("assets/stylesheets")
#: Material's stylesheets (``main.<hash>.min.css``, ``palette.<hash>.min.css``), pruned.
MATERIAL_STYLESHEET = re.compile(r"^(?P<stem>main|palette)\.[0-9a-f]{8}\.min\.css$")
#: Attributes whose values the palette's rules select, and which a selector may need.
COLOUR_ATTRIBUTES = frozenset({"data-md-color-scheme", "data-md-color-primary", "data-md-color-accent"})
COLOUR_ATTRIBUTE_PREFIX = "data-md-color-"
#: The text direction, which Material's main stylesheet selects (``[dir=rtl] .md-typeset ol``): its values
#: are the pages' own (no script of the site sets it; Material's only reads it).
DIRECTION = "dir"
#: Classes of Material's content that its script adds only inside content holding the key class: the content
#: tabs' controls and labels (``tabbed-…``) inside a ``.tabbed-set`` (pymdownx.tabbed). A page without the key
#: needs no rule for them, whatever the scripts name.
CONTENT_FAMILIES = {"tabbed-set": "tabbed-"}
#: Classes whose elements' children are counted in the pages, with the most element children the site's scripts
#: add to such an element (a bound on ``:nth-child(k)`` under it): Material's script appends its two controls
#: (``tabbed-control--prev``, ``--next``) to each tab set and adds nothing to a tab set's labels; it makes no
#: element a tab set or a tab set's labels. (Checked in Chromium by tests/site/test_site_lean.py.)
SCRIPT_CHILDREN = {"tabbed-set": 2, "tabbed-labels": 0}


def _on_root(name: str) -> str:
    """A pattern for a class ``name`` (a pattern) put on or taken from the root element alone, in a script
    (``document.documentElement.classList.add("js")``); the name is its group 2."""
    return rf"""documentElement\s*\.\s*classList\s*\.\s*(?:add|remove|toggle|contains)\(\s*(["'`])({name})\1\s*\)"""


_ROOT_CLASS = re.compile(_on_root(r"[A-Za-z_-][A-Za-z0-9_-]*"))
#: Material's features under which a page shows another page's content without loading it with its stylesheets.
SHARED_VIEW_FEATURES = frozenset({"navigation.instant", "navigation.instant.preview"})
#: A class for which Material's script loads a script from elsewhere (mermaid, from unpkg.com).
LOADS_SCRIPT = "mermaid"
_SCRIPT_SRC = re.compile(r"""<script\b[^>]*?\ssrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""", re.IGNORECASE)
_CONFIG = re.compile(r"""<script\s+id="__config"[^>]*>(.*?)</script\s*>""", re.DOTALL | re.IGNORECASE)
#: The site's own stylesheet (docs/overrides), minified.
SITE_STYLESHEET = "k8s-site.css"
_WORD = re.compile(r"[A-Za-z0-9_-]+")
#: Where a script builds a name from parts: a fragment ending in "-" or "_" right before a quote or ``${``
#: (``"md-tag--"+x``, ```md-tag--${x}```), or one starting with "-" or "_" right after a quote or ``}``.
_PREFIX = re.compile(r"(?<![A-Za-z0-9_-])([A-Za-z][A-Za-z0-9_-]*[-_])(?=[\"'`]|\$\{)")
_SUFFIX = re.compile(r"(?<=[\"'`}])([-_][A-Za-z0-9_-]*[A-Za-z0-9])")
#: A class in a selector written in a script: ``".c1"``, ``".c, .c1"``.
_SELECTOR_CLASS = re.compile(r"(?<=[\"'`,\s(>+~])\.(-?[_a-zA-Z][\w-]*)")
#: A string literal made of name characters: ``"indigo"``.
_LITERAL = re.compile(r"(?<=[\"'`])([A-Za-z0-9_-]{1,40})(?=[\"'`])")
#: The shortest fragment that counts as the beginning or end of a built name.
MIN_FRAGMENT = 3
#: What this pass works out from a script, a stylesheet or a stylesheet and the pages' classes, under a
#: hash of all it was worked out from and of the code that did it (a new Material, page, script or
#: version of this code makes a new entry).
CACHE_DIR = REPO_ROOT / ".cache" / "site" / "lean"


@functools.cache
def _code_version() -> str:
    """A hash of the code that works out what the cache keeps (this module and the CSS and HTML readers)."""
    sources = (Path(__file__), Path(css.__file__), Path(html_slim.__file__))
    return hashlib.sha256(b"".join(path.read_bytes() for path in sources)).hexdigest()


def _remembered(cache_dir: Path | None, kind: str, key: str, compute: Callable[[], Any]) -> Any:
    """``compute()``, or what it gave before for the same ``kind`` and ``key`` with the same code (kept as JSON
    in ``cache_dir``)."""
    digest = hashlib.sha256(f"{_code_version()}\n{key}".encode()).hexdigest()
    path = cache_dir / f"{kind}-{digest}.json" if cache_dir is not None else None
    if path is not None and path.is_file():
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            pass  # an unreadable entry is worked out again
    value = compute()
    if path is not None:
        with contextlib.suppress(OSError):  # no cache is slower, not wrong
            path.parent.mkdir(parents=True, exist_ok=True)
            write_json(path, value)
    return value


@dataclass
class Scripts:
    """What the site's scripts could put into a page's class attributes (read once per script content:
    ``CACHE_DIR`` holds what each script's text gave, under the text's hash)."""

    words: str = ""  # every distinct run of name characters in them, one per line
    prefixes: frozenset[str] = frozenset()
    suffixes: frozenset[str] = frozenset()
    selector_classes: frozenset[str] = frozenset()
    colour_literals: frozenset[str] = frozenset()  # the literals of scripts that name a colour attribute
    #: Classes the scripts put on the root element only: every script that could name one does so only in
    #: ``document.documentElement.classList.add("…")`` (or remove, toggle, contains).
    root_names: frozenset[str] = frozenset()

    @classmethod
    def of(cls, text: str) -> Scripts:
        """What one script's text holds."""
        prefixes = frozenset(p for p in _PREFIX.findall(text) if len(p) >= MIN_FRAGMENT)
        suffixes = frozenset(s for s in _SUFFIX.findall(text) if len(s) >= MIN_FRAGMENT)
        return cls("\n".join(sorted(set(_WORD.findall(text)))), prefixes, suffixes,
                   frozenset(_SELECTOR_CLASS.findall(text)),
                   frozenset(_LITERAL.findall(text)) if COLOUR_ATTRIBUTE_PREFIX in text else frozenset(),
                   _root_names(text, prefixes, suffixes))

    @classmethod
    def of_file(cls, path: Path, cache_dir: Path | None = CACHE_DIR) -> Scripts:
        """What the script ``path`` holds, from the cache when its content was read before."""
        data = path.read_bytes()

        def read() -> dict[str, Any]:
            found = cls.of(data.decode("utf-8", errors="replace"))
            return {"words": found.words, **{k: sorted(getattr(found, k)) for k in (*_SETS, "root_names")}}

        fields = _remembered(cache_dir, "script", hashlib.sha256(data).hexdigest(), read)
        return cls(fields["words"], **{k: frozenset(fields[k]) for k in (*_SETS, "root_names")})

    @classmethod
    def union(cls, parts: Iterable[Scripts]) -> Scripts:
        """What the scripts ``parts`` hold together (their words one a line, as they come: some twice)."""
        parts = list(parts)
        # a class stays on the root alone where each script that could name it keeps it there
        root = {n for n in frozenset().union(*(p.root_names for p in parts))
                if all(n in p.root_names or not p.could_name(n) for p in parts)}
        words = "\n".join(p.words for p in parts if p.words)
        sets = {k: frozenset().union(*(getattr(p, k) for p in parts)) for k in _SETS}
        return cls(words, **sets, root_names=frozenset(root))

    def keeps_on_root(self, name: str) -> bool:
        """Whether the scripts could put the class ``name`` on no element but the root."""
        return name in self.root_names or not self.could_name(name)

    def could_name(self, name: str) -> bool:
        """Whether ``name`` is in the scripts (within any word), or could be built by them from parts."""
        known = self._named.get(name)
        if known is None:
            known = self._named[name] = (name in self._word_set or name in self.words
                                         or bool(self._prefix.match(name)) or bool(self._suffix.match(name[::-1])))
        return known

    @functools.cached_property
    def fingerprint(self) -> str:
        """A hash of all the scripts hold, as far as this reads them."""
        parts = [self.words, *("\n".join(sorted(getattr(self, k))) for k in (*_SETS, "root_names"))]
        return hashlib.sha256("\0".join(parts).encode()).hexdigest()

    @functools.cached_property
    def _named(self) -> dict[str, bool]:
        return {}

    @functools.cached_property
    def _word_set(self) -> frozenset[str]:
        return frozenset(self.words.split("\n"))

    @functools.cached_property
    def _prefix(self) -> re.Pattern[str]:
        """A name that begins with a prefix of the scripts."""
        return re.compile("|".join(map(re.escape, sorted(self.prefixes, key=len, reverse=True))) or "(?!)")

    @functools.cached_property
    def _suffix(self) -> re.Pattern[str]:
        """A reversed name that begins with a reversed suffix of the scripts (one that ends with a suffix)."""
        return re.compile("|".join(re.escape(s[::-1]) for s in sorted(self.suffixes, key=len, reverse=True)) or "(?!)")


_SETS = ("prefixes", "suffixes", "selector_classes", "colour_literals")


def _root_names(text: str, prefixes: frozenset[str], suffixes: frozenset[str]) -> frozenset[str]:
    """The classes ``text`` (a script) puts on the root element and on no other: it names each only in
    ``document.documentElement.classList.add("…")`` (or remove, toggle, contains), never as a class of its own
    anywhere else in a string (a word between quotes, white space, ``${…}``), and builds none from parts."""
    names = set()
    for match in _ROOT_CLASS.finditer(text):
        name = match.group(2)
        if name in names or any(name.startswith(p) for p in prefixes) or any(name.endswith(s) for s in suffixes):
            continue
        as_class = re.findall(r"(?<=[\s\"'`}])" + re.escape(name) + r"(?=[\s\"'`$])", text)
        if len(as_class) == len(re.findall(_on_root(re.escape(name)), text)):  # each one on the root
            names.add(name)
    return frozenset(names)


_QUOTED_VALUE = re.compile(r'\s*=\s*"([^"]*)"')


def _attribute_values(page: str, name: str) -> list[str]:
    """What ``re.findall(rf'\\s{name}\\s*=\\s*"([^"]*)"', page)`` gives, found faster: the name is looked for as
    a plain string (a pattern that starts with ``\\s`` is tried at every character)."""
    values: list[str] = []
    position = 0
    while (at := page.find(name, position)) >= 0:
        value = _QUOTED_VALUE.match(page, at + len(name)) if at > 0 and page[at - 1].isspace() else None
        if value is None:
            position = at + 1
        else:
            values.append(value.group(1))
            position = value.end()
    return values


@dataclass
class Pages:
    """What built pages hold: classes, colour and direction attribute values, their inline scripts, the custom
    properties they read."""

    classes: set[str] = field(default_factory=set)
    values: dict[str, set[str]] = field(default_factory=dict)
    inline_scripts: list[str] = field(default_factory=list)
    properties: set[str] = field(default_factory=set)
    root_classes: set[str] = field(default_factory=set)  # the classes of a root element (``<html>``)
    inner_classes: set[str] = field(default_factory=set)  # the classes of any other element
    #: For the classes of ``SCRIPT_CHILDREN`` the pages hold: the most element children such an element has in
    #: them (None: not known, the tags of a page holding one do not nest as written).
    children: dict[str, int | None] = field(default_factory=dict)
    #: The script files of the site the pages link (paths under the site), or None: a page runs a script that is
    #: not one of them, or could run any of them.
    scripts: frozenset[str] | None = frozenset()
    shared_view: bool = False  # whether a page can show another page's content (``SHARED_VIEW_FEATURES``)

    def read(self, page: str, classes: set[str] | None = None) -> None:
        """Add what ``page`` holds (``classes``: its class names, when they are known already)."""
        classes = html_slim.class_names(page) if classes is None else classes
        self.classes |= classes
        for name in (*COLOUR_ATTRIBUTES, DIRECTION):
            self.values.setdefault(name, set()).update(_attribute_values(page, name))
        self.inline_scripts += re.findall(r"<script\b[^>]*>(.*?)</script\s*>", page, re.DOTALL | re.IGNORECASE)
        self.properties |= css.referenced_properties(page)
        root, inner = html_slim.root_classes(page, classes)
        self.root_classes |= root
        self.inner_classes |= inner
        self._add_children(html_slim.most_children(page, [name for name in SCRIPT_CHILDREN if name in classes]))
        self.shared_view |= _shows_other_pages(page)

    def read_scripts(self, page: str, path: Path, site_dir: Path, url_path: str = "/") -> None:
        """Add the scripts ``page`` (the file ``path`` of the site in ``site_dir``, served at ``url_path``) runs."""
        linked = None if LOADS_SCRIPT in self.classes else _linked_scripts(page, path, site_dir, url_path)
        self.scripts = None if linked is None or self.scripts is None else self.scripts | linked

    def _add_children(self, children: dict[str, int | None]) -> None:
        for name, count in children.items():
            known = self.children.get(name, 0)
            self.children[name] = None if count is None or known is None else max(known, count)

    def tree(self, scripts: Scripts) -> css.Tree:
        """What is known of where elements sit in these pages, run with ``scripts``: the classes only a root
        element can have, the most children of an element with a class of ``SCRIPT_CHILDREN``."""
        candidates = self.root_classes | scripts.root_names
        root_only = frozenset(n for n in candidates if n not in self.inner_classes and scripts.keeps_on_root(n))
        most = {name: count + SCRIPT_CHILDREN[name] for name, count in self.children.items() if count is not None}
        return css.Tree(root_only, most)

    @property
    def families(self) -> frozenset[str]:
        """The keys of ``CONTENT_FAMILIES`` these pages hold."""
        return frozenset(key for key in CONTENT_FAMILIES if key in self.classes)

    @classmethod
    def union(cls, parts: Iterable[Pages]) -> Pages:
        whole = cls()
        for part in parts:
            whole.classes |= part.classes
            for name, values in part.values.items():
                whole.values.setdefault(name, set()).update(values)
            whole.inline_scripts += part.inline_scripts
            whole.properties |= part.properties
            whole.root_classes |= part.root_classes
            whole.inner_classes |= part.inner_classes
            whole._add_children(part.children)
            whole.scripts = None if whole.scripts is None or part.scripts is None else whole.scripts | part.scripts
            whole.shared_view |= part.shared_view
        return whole


def _linked_scripts(page: str, path: Path, site_dir: Path, url_path: str) -> frozenset[str] | None:
    """The script files of the site ``page`` (the file ``path``) links with ``<script src>``, as paths under
    ``site_dir`` (served at ``url_path``: a link from the server's root, as in 404.html, starts with it); None
    when it links another (not under ``site_dir``, not there, or with a scheme or host), or has a ``<base>``
    that could move its links."""
    if re.search(r"<base[\s>]", page, re.IGNORECASE):
        return None
    root = site_dir.resolve()
    mount = url_path.rstrip("/") + "/"
    found = set()
    for match in _SCRIPT_SRC.finditer(page):
        src = urlsplit(html.unescape(next(v for v in match.groups() if v is not None)))
        if src.scheme or src.netloc or (src.path.startswith("/") and not src.path.startswith(mount)):
            return None
        relative = src.path.removeprefix(mount) if src.path.startswith("/") else src.path
        target = ((root if src.path.startswith("/") else path.parent) / unquote(relative)).resolve()
        if not target.is_relative_to(root) or not target.is_file():
            return None
        found.add(target.relative_to(root).as_posix())
    return frozenset(found)


def _shows_other_pages(page: str) -> bool:
    """Whether Material can show another page's content inside ``page`` (``SHARED_VIEW_FEATURES`` in its
    configuration, or a link with ``data-preview``)."""
    if "data-preview" in page:
        return True
    config = _CONFIG.search(page)
    if config is None:
        return "navigation.instant" in page  # no configuration read: any mention counts
    try:
        features = json.loads(config.group(1)).get("features") or []
    except (ValueError, AttributeError):
        return True  # a configuration this cannot read could hold any feature
    return not SHARED_VIEW_FEATURES.isdisjoint(features)


@dataclass
class StylesheetChange:
    old: str  # file name
    new: str
    old_bytes: int
    new_bytes: int
    dropped_rules: int


@dataclass
class LeanReport:
    pages: int = 0
    html_bytes_before: int = 0
    html_bytes_after: int = 0
    stylesheets: list[StylesheetChange] = field(default_factory=list)


def _hashed_name(stem: str, content: str) -> str:
    return f"{stem}.{hashlib.sha256(content.encode()).hexdigest()[:8]}.min.css"


def pruned_stylesheet(text: str, stem: str, pages: Pages, scripts: Scripts, cache_dir: Path | None) -> tuple[str, int]:
    """``prune_stylesheet``'s text and number of rules dropped, from the cache when the same stylesheet was
    pruned for the same classes, values, tree and scripts before."""
    tree = pages.tree(scripts)
    key = "\n".join([stem, hashlib.sha256(text.encode()).hexdigest(), scripts.fingerprint, *sorted(pages.classes), "",
                     *sorted(f"{a}={v}" for a, values in pages.values.items() for v in values), "",
                     *sorted(tree.root_only), "", *sorted(f"{c}={n}" for c, n in tree.most_children.items())])

    def prune() -> list[Any]:
        pruned = prune_stylesheet(text, stem, pages, scripts, tree)
        return [pruned.css, pruned.dropped]

    found, dropped = _remembered(cache_dir, "pruned", key, prune)
    return found, dropped


def prune_stylesheet(text: str, stem: str, pages: Pages, scripts: Scripts, tree: css.Tree | None = None) -> css.Pruned:
    """Material's stylesheet ``stem`` (main or palette) without the rules no page of the site can match
    (``tree``: ``pages.tree(scripts)``, when it is worked out already)."""

    families = pages.families
    absent = tuple(prefix for key, prefix in CONTENT_FAMILIES.items() if key not in families)

    def has_class(name: str) -> bool:
        return name in pages.classes or (scripts.could_name(name) and not name.startswith(absent))

    def has_value(attribute: str, value: str) -> bool:
        if attribute == DIRECTION:
            return value in pages.values.get(attribute, ())
        return value in pages.values.get(attribute, ()) or value in scripts.colour_literals

    attributes = COLOUR_ATTRIBUTES if stem == "palette" else frozenset({DIRECTION})
    return css.prune(text, has_class, has_value, attributes,
                     keep_comment=lambda comment: "sourceMappingURL" not in comment,
                     tree=pages.tree(scripts) if tree is None else tree)


def lean_site(site_dir: Path, cache_dir: Path | None = CACHE_DIR, url_path: str = "/") -> LeanReport:
    """Make the built site in ``site_dir`` (one language; served at ``url_path`` on its server) lighter, in
    place; what changed. ``cache_dir`` keeps what was worked out from each script and stylesheet (None: work
    everything out)."""
    site_dir = Path(site_dir)
    report = LeanReport()
    sheets = {path.name: path.read_text(encoding="utf-8") for path in sorted((site_dir / STYLESHEETS).glob("*.css"))}
    files = {path.relative_to(site_dir).as_posix(): Scripts.of_file(path, cache_dir)
             for path in sorted(site_dir.rglob("*.js"))}
    code_scripts = Scripts.union(files.values())
    texts, pages = _slim_pages(site_dir, sheets, code_scripts, report, cache_dir, url_path)
    everything = Pages.union(pages.values())
    scripts = Scripts.union([code_scripts, *(Scripts.of(text) for text in dict.fromkeys(everything.inline_scripts))])

    @functools.cache
    def run(linked: frozenset[str] | None, inline: tuple[str, ...]) -> Scripts:
        parts = files.values() if linked is None else [files[name] for name in sorted(linked)]
        return Scripts.union([*parts, *(Scripts.of(text) for text in inline)])

    def run_by(group: Pages) -> Scripts:
        """What the scripts the pages of ``group`` run could name."""
        return run(group.scripts, tuple(dict.fromkeys(group.inline_scripts)))

    links = _lighten_stylesheets(site_dir / STYLESHEETS, sheets, pages, everything, scripts, run_by, report, cache_dir)
    prefix = STYLESHEETS.as_posix()
    for path, text in texts.items():
        for old, new in links[path].items():
            text = text.replace(f"{prefix}/{old}", f"{prefix}/{new}")  # noqa: PLW2901 - the page, relinked
        write_text(path, text)
        report.html_bytes_after += len(text.encode())
    return report


def slim_page(page: str, code_class_used: Callable[[str], bool]) -> tuple[str, set[str]]:
    """One built page made lighter (``site_tools.html_slim``: code's token classes ``code_class_used`` rejects
    dropped, indentation collapsed), and the classes its tags name then."""
    slim = html_slim.collapse_breaks(html_slim.slim_code(page, code_class_used))
    return slim, html_slim.class_names(slim)


def _sorted_classes(text: str) -> list[str]:
    return sorted(css.selector_classes(text))


def _slim_pages(site_dir: Path, sheets: dict[str, str], scripts: Scripts, report: LeanReport,
                cache_dir: Path | None, url_path: str) -> tuple[dict[Path, str], dict[Path, Pages]]:
    """Every page of the site, slimmed (not written yet), and what each holds."""
    styled: set[str] = set()
    for text in sheets.values():
        styled.update(_remembered(cache_dir, "classes", hashlib.sha256(text.encode()).hexdigest(),
                                  functools.partial(_sorted_classes, text)))

    def code_class_used(name: str) -> bool:
        return name in styled or name in scripts.selector_classes

    pages: dict[Path, Pages] = {}
    texts: dict[Path, str] = {}
    for path in sorted(site_dir.rglob("*.html")):
        before = path.read_text(encoding="utf-8")
        texts[path], classes = slim_page(before, code_class_used)
        pages[path] = Pages()
        pages[path].read(texts[path], classes)
        pages[path].read_scripts(texts[path], path, site_dir, url_path)
        report.pages += 1
        report.html_bytes_before += len(before.encode())
    return texts, pages


Group = tuple[frozenset[str], frozenset[str] | None]  # the content families of pages, the scripts they link


def _lighten_stylesheets(sheets_dir: Path, sheets: dict[str, str], pages: dict[Path, Pages], everything: Pages,
                         scripts: Scripts, run_by: Callable[[Pages], Scripts], report: LeanReport,
                         cache_dir: Path | None) -> dict[Path, dict[str, str]]:
    """Material's stylesheets pruned under new names (the main one once for each group of pages with the same
    ``CONTENT_FAMILIES`` and linked scripts, with what the scripts they run could name: ``run_by``), the site's
    own minified; for each page, the names it links → the names it now links. ``everything``: what all the
    pages hold together; ``scripts``: what all the site's scripts could name."""
    groups: dict[Group, list[Path]] = {}
    for path, page in pages.items():
        key = (everything.families, everything.scripts) if everything.shared_view else (page.families, page.scripts)
        groups.setdefault(key, []).append(path)
    links: dict[Path, dict[str, str]] = {path: {} for path in pages}
    lighter: dict[tuple[str, Group | None], tuple[str, int]] = {}  # (sheet, group) → pruned text, rules dropped
    for name, text in sheets.items():
        material = MATERIAL_STYLESHEET.match(name)
        if material is None:
            continue
        stem = material.group("stem")
        if stem == "main":
            for group_key, members in groups.items():
                group = Pages.union(pages[p] for p in members)
                lighter[name, group_key] = pruned_stylesheet(text, stem, group, run_by(group), cache_dir)
        else:
            lighter[name, None] = pruned_stylesheet(text, stem, everything, scripts, cache_dir)
    site_sheet = css.minify(sheets[SITE_STYLESHEET]) if SITE_STYLESHEET in sheets else ""
    others = [text for name, text in sheets.items() if MATERIAL_STYLESHEET.match(name) is None and name != SITE_STYLESHEET]
    lighter = _without_unused_properties(lighter, [site_sheet, *others], everything, scripts, cache_dir)
    for (name, linked_by), (pruned, dropped) in lighter.items():
        stem = name.split(".", 1)[0]
        new = _hashed_name(stem, pruned)
        write_text(sheets_dir / new, pruned)
        for path in groups[linked_by] if linked_by is not None else pages:
            links[path][name] = new
        report.stylesheets.append(StylesheetChange(name, new, len(sheets[name].encode()), len(pruned.encode()), dropped))
    linked = {new for page_links in links.values() for new in page_links.values()}
    for name in {name for name, _ in lighter} - linked:
        for old in (sheets_dir / name, sheets_dir / f"{name}.map"):
            old.unlink(missing_ok=True)
    if site_sheet:
        write_text(sheets_dir / SITE_STYLESHEET, site_sheet)
        report.stylesheets.append(StylesheetChange(SITE_STYLESHEET, SITE_STYLESHEET, len(sheets[SITE_STYLESHEET].encode()),
                                                   len(site_sheet.encode()), 0))
    return links


def _without_unused_properties(lighter: dict[tuple[str, Group | None], tuple[str, int]], other_sheets: list[str],
                               pages: Pages, scripts: Scripts,
                               cache_dir: Path | None) -> dict[tuple[str, Group | None], tuple[str, int]]:
    """The pruned stylesheets without the custom properties nothing reads: no ``var()`` of any stylesheet the
    site ships outside a custom property's own value, of a page, and no script (by name: Material's script
    sets and reads some); and then none that only such a property's value read. Remembered in ``cache_dir``
    for the same stylesheets, pages' properties and scripts."""
    keys = list(lighter)
    texts = [lighter[key][0] for key in keys]
    cache_key = "\n\0".join([*texts, "", *other_sheets, "", *sorted(pages.properties), scripts.fingerprint])

    def lighten() -> list[str]:
        definitions: dict[str, set[str]] = {}
        read = set(pages.properties)
        for text in texts:
            defined, reads = css.custom_properties(text)
            for name, inner in defined.items():
                definitions.setdefault(name, set()).update(inner)
            read |= reads
        for text in other_sheets:
            read |= css.referenced_properties(text)
        read |= {name for name in definitions if name in scripts.words}
        used = css.used_properties(definitions, read)
        return [css.drop_unused_properties(text, used.__contains__)[0] for text in texts]

    lighter_texts = _remembered(cache_dir, "properties", hashlib.sha256(cache_key.encode()).hexdigest(), lighten)
    return {key: (text, lighter[key][1]) for key, text in zip(keys, lighter_texts, strict=True)}
