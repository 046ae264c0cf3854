"""The built site made lighter (site_tools.lean_site): Material's stylesheets pruned to the rules a page or
a script can use, code spans and indentation that no reader sees dropped, on a small site made here and
on the real one, in Chromium too."""

from __future__ import annotations

import re
from collections.abc import Callable
from html import unescape
from pathlib import Path

import pytest

from languages import LANGUAGES, language
from site_helpers import BuiltSite
from site_tools import css, html_slim
from site_tools.lean_site import MATERIAL_STYLESHEET, SCRIPT_CHILDREN, STYLESHEETS, Pages, Scripts, lean_site

#: Builds sites (or reads the shared node_modules): one worker runs all of these, one after another.
pytestmark = pytest.mark.xdist_group("site")

MAIN = "main.0123abcd.min.css"
STATEFULSET = "tutorials/stateful-application/basic-stateful-set.md"
MATERIAL_CSS = (
    ":root{--md-icon:url('data:image/svg+xml;charset=utf-8,<svg a=\"{;}\"/>')}"
    "@font-face{font-family:x;src:url(x.woff2)}@keyframes spin{0%{opacity:0}to{opacity:1}}"
    "body{margin:0}.md-nav__link{color:red}"
    ".md-search-result__item{box-shadow:0 1px red}"  # made by the script only
    ".md-tag--python{color:blue}"  # a name the script builds: `md-tag--${…}`
    ".md-banner{color:green}"  # used nowhere
    ".md-nav__link .md-banner,.md-banner .md-nav__link{x:1}"  # every selector needs md-banner
    ".md-nav__link:not(.md-banner){x:2}"  # :not() needs nothing
    ":is(.md-banner,.md-nav__link)>b{x:3}:is(.md-banner,.md-post) b{x:4}"
    "@media screen{.md-banner{x:5}}@media print{.md-nav__link{x:6}.md-banner{x:7}}"
    "[dir=ltr] .md-nav__link,[dir=rtl] .md-nav__link{x:8}[dir=rtl] .md-nav__link{x:9}"  # every page is ltr
    ".tabbed-set{x:10}.tabbed-labels--linked{x:11}"  # content tabs: made by the script inside a .tabbed-set only
    # a tab set's 3rd child can be (its one <a> and the script's two controls), not its 4th
    ".tabbed-set>a:nth-child(3){t:3}.tabbed-set>a:nth-child(4){t:4}"
    ".no-js .md-nav__link{r:1}.md-nav__link .no-js{r:2}"  # no-js is on <html> alone
    ".md-worker-only{w:1}.md-diagram-only{w:2}"  # named by the search worker; by the diagram page's script
    ":root{--md-unused:1px;--md-chain:var(--md-deep);--md-deep:2px;--md-set:0}"  # nothing reads them (but --md-set)
    ".md-nav__link::before{mask-image:var(--md-icon)}"
    "html{color:var(--a);background:var(--b);border-color:var(--c);outline-color:var(--d)}"  # the palette's
    "/*# sourceMappingURL=main.0123abcd.min.css.map*/"
)
PALETTE_CSS = ("[data-md-color-scheme=slate]{--a:1}[data-md-color-primary=indigo]{--b:1}"
               "[data-md-color-primary=red]{--c:1}[data-md-color-accent=teal] .md-nav__link{--d:1}")
SITE_CSS = "/* ours */\n.k8s-mark  {\n  color : red ;\n  content: \"a  b\";\n}\n"
BUNDLE = ('function s(){e.classList.add("md-search-result__item");t.className=`md-tag md-tag--${n}`;'
          'document.body.setAttribute("data-md-color-"+k,v);l.classList.add("tabbed-labels--linked");'
          'e.style.setProperty("--md-set","1px");document.documentElement.classList.remove("no-js")}')
PAGE = ('<!doctype html>\n<html class="no-js">\n  <head>\n'
        '    <link rel="stylesheet" href="{up}assets/stylesheets/' + MAIN + '">\n'
        '    <link rel="stylesheet" href="{up}assets/stylesheets/palette.89abcdef.min.css">\n'
        '    <script src="{up}assets/javascripts/bundle.0000.min.js"></script>\n'
        '  </head>\n  <body dir="ltr" data-md-color-scheme="default" data-md-color-primary="indigo">\n'
        '    <nav>\n      <a class="md-nav__link" title="two\n    lines">x</a>\n    </nav>\n'
        '    <div class="highlight"><pre><span></span><code>kubectl<span class="w"> </span>get<span class="w">  </span>'
        '<span class="l l-Scalar l-Scalar-Plain">pods</span>\n    indented</code></pre></div>\n'
        '    <script>var p = "slate"; document.body.setAttribute("data-md-color-scheme", p)</script>\n'
        '  </body>\n</html>\n')


def _small_site(root: Path) -> Path:
    sheets = root / STYLESHEETS
    sheets.mkdir(parents=True)
    (sheets / MAIN).write_text(MATERIAL_CSS, encoding="utf-8")
    (sheets / f"{MAIN}.map").write_text("{}", encoding="utf-8")
    (sheets / "palette.89abcdef.min.css").write_text(PALETTE_CSS, encoding="utf-8")
    (sheets / "k8s-site.css").write_text(SITE_CSS + ".l{color:red}\n", encoding="utf-8")
    (root / "assets/javascripts").mkdir(parents=True)
    (root / "assets/javascripts/bundle.0000.min.js").write_text(BUNDLE, encoding="utf-8")
    (root / "index.html").write_text(PAGE.replace("{up}", ""), encoding="utf-8")
    (root / "sub").mkdir()
    (root / "sub/index.html").write_text(PAGE.replace("{up}", "../"), encoding="utf-8")
    (root / "tabs").mkdir()
    (root / "tabs/index.html").write_text(PAGE.replace("{up}", "../").replace("<nav>", '<nav class="tabbed-set">'),
                                          encoding="utf-8")
    (root / "assets/javascripts/workers").mkdir()  # a web worker: no page to touch
    (root / "assets/javascripts/workers/search.js").write_text('x("md-worker-only")', encoding="utf-8")
    (root / "assets/javascripts/diagram.js").write_text('e.className="md-diagram-only"', encoding="utf-8")
    (root / "diagram").mkdir()
    (root / "diagram/index.html").write_text(
        PAGE.replace("{up}", "../").replace("</body>", '<script src="../assets/javascripts/diagram.js"></script></body>'),
        encoding="utf-8")
    return root


def _selectors(text: str) -> list[str]:
    return [re.sub(r"\{.*", "", rule) for rule in re.findall(r"[^{}]+\{[^{}]*\}", text)]


def test_pruning_keeps_what_a_page_or_a_script_can_use_and_drops_what_nothing_can(tmp_path: Path) -> None:
    site = _small_site(tmp_path / "site")
    report = lean_site(site, cache_dir=None)
    sheets = {p.name: p.read_text(encoding="utf-8") for p in (site / STYLESHEETS).iterdir()}
    mains = [name for name in sheets if name.startswith("main.")]
    assert len(mains) == 3 and all(MATERIAL_STYLESHEET.match(m) and m != MAIN for m in mains)  # new names
    assert f"{MAIN}.map" not in sheets  # the old source map is gone
    (with_tabs,) = [m for m in mains if ".tabbed-set{" in sheets[m]]
    (diagram,) = [m for m in mains if ".md-diagram-only{" in sheets[m]]
    (main,) = [m for m in mains if m not in {with_tabs, diagram}]
    pruned = sheets[main]
    # kept: a rule a page uses, rules only a script can make true, and every rule without a class
    for kept in (".md-nav__link{color:red}", ".md-search-result__item{", ".md-tag--python{", ":root{--md-icon:",
                 "@font-face{", "@keyframes spin{", "body{margin:0}", ".md-nav__link:not(.md-banner){x:2}",
                 ":is(.md-banner,.md-nav__link)>b{x:3}", "@media print{.md-nav__link{x:6}}",
                 "[dir=ltr] .md-nav__link{x:8}", ":root{--md-set:0}", ".no-js .md-nav__link{r:1}"):
        assert kept in pruned, kept
    # dropped: every rule no selector of which can match, an @media left empty, the stale source map, the
    # selectors of a list that cannot match, content tabs' rules where no page has tabs, properties no one reads
    for dropped in (".md-banner{color:green}", "x:1", "x:4", "x:5", "x:7", "@media screen", "sourceMappingURL",
                    "dir=rtl", "x:9", "tabbed", "--md-unused", "--md-chain", "--md-deep", "r:2", "w:1", "w:2"):
        assert dropped not in pruned, dropped
    # the page that runs one more script links one that keeps what that script names; no page runs the worker
    assert sheets[diagram].replace(".md-diagram-only{w:2}", "") == pruned
    # the page with a tab set links the other one, which has the tabs' rules, even the one only a script makes true
    tabs = ".tabbed-set{x:10}.tabbed-labels--linked{x:11}.tabbed-set>a:nth-child(3){t:3}"
    assert tabs in sheets[with_tabs] and "t:4" not in sheets[with_tabs]
    assert sheets[with_tabs].replace(tabs, "") == pruned
    # the palette: colour values the pages hold or Material's script names; a class rule as in main
    (palette,) = [name for name in sheets if name.startswith("palette.")]
    assert _selectors(sheets[palette]) == ["[data-md-color-scheme=slate]", "[data-md-color-primary=indigo]"]
    assert sheets["k8s-site.css"] == '.k8s-mark{color : red;content: "a  b";}.l{color:red}'
    for page, linked in ((site / "index.html", main), (site / "sub/index.html", main),
                         (site / "tabs/index.html", with_tabs), (site / "diagram/index.html", diagram)):
        html = page.read_text(encoding="utf-8")
        assert f"assets/stylesheets/{linked}" in html and MAIN not in html and palette in html
        assert 'title="two\n    lines"' in html  # attribute values as they were
        # code: `w` and the `l-Scalar…` classes have no rule; the text is the same
        assert '<code>kubectl get  <span class="l">pods</span>\n    indented</code>' in html
        assert "\n<nav" in html and "\n<a " in html  # indentation outside <pre> gone
    assert report.pages == 4 and report.html_bytes_after < report.html_bytes_before


def test_where_a_page_can_show_another_pages_content_every_page_links_the_same_stylesheet(tmp_path: Path) -> None:
    site = _small_site(tmp_path / "site")
    config = '<script id="__config" type="application/json">{"features": ["navigation.instant"]}</script>'
    (site / "sub/index.html").write_text(PAGE.replace("{up}", "../").replace("</body>", config + "</body>"),
                                         encoding="utf-8")
    lean_site(site, cache_dir=None)
    (main,) = (site / STYLESHEETS).glob("main.*.min.css")
    assert all(rule in main.read_text(encoding="utf-8") for rule in (".tabbed-set{x:10}", ".md-diagram-only{w:2}"))
    assert all(main.name in page.read_text(encoding="utf-8") for page in site.rglob("*.html"))


def test_the_scripts_a_page_links_are_the_sites_files_or_unknown(tmp_path: Path) -> None:
    site = _small_site(tmp_path / "site")
    page = Pages()
    page.read_scripts(PAGE.replace("{up}", "../"), site / "sub/index.html", site)
    assert page.scripts == frozenset({"assets/javascripts/bundle.0000.min.js"})
    root_relative = PAGE.replace("{up}", "/en/")  # 404.html links from the server's root
    page.read_scripts(root_relative, site / "404.html", site, url_path="/en/")
    assert page.scripts == frozenset({"assets/javascripts/bundle.0000.min.js"})
    for other, url_path in ((root_relative, "/"), (PAGE.replace("{up}", "https://cdn.example.org/"), "/"),
                            (PAGE.replace("{up}", "../missing/"), "/"), (PAGE.replace("<head>", '<head><base href="/x/">'), "/")):
        unknown = Pages()
        unknown.read_scripts(other, site / "sub/index.html", site, url_path)
        assert unknown.scripts is None, other


def test_custom_properties_stay_while_anything_reads_them() -> None:
    text = ":root{--a:1;--b:var(--c);--c:2;--d:3}@media screen{:root{--e:4}}.x{color:var(--a)}"
    kept, gone = css.drop_unused_properties(text, lambda name: name in {"--a", "--b", "--c"})
    assert kept == ":root{--a:1;--b:var(--c);--c:2}.x{color:var(--a)}" and gone == 2  # an empty @media goes too
    assert css.referenced_properties(kept) == {"--a", "--c"}
    assert css.drop_unused_properties(text, lambda name: True) == (text, 0)  # nothing to drop: the same text


def test_a_cached_pruning_is_used_only_for_the_same_stylesheet_pages_and_scripts(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = _small_site(tmp_path / "first")
    lean_site(first, cache_dir=cache)
    entries = sorted(p.name for p in cache.iterdir())
    assert [e.split("-")[0] for e in entries].count("pruned") == 4  # main (no tabs, tabs, more scripts) and palette
    again = _small_site(tmp_path / "again")
    lean_site(again, cache_dir=cache)
    assert sorted(p.name for p in cache.iterdir()) == entries  # nothing new: the same result, from the cache
    assert {p.name: p.read_bytes() for p in (again / STYLESHEETS).iterdir()} == \
        {p.name: p.read_bytes() for p in (first / STYLESHEETS).iterdir()}
    # a page now uses md-banner: its rule is back, under another name
    changed = _small_site(tmp_path / "changed")
    (changed / "sub/index.html").write_text(PAGE.replace("{up}", "../").replace("<nav>", '<nav class="md-banner">'),
                                            encoding="utf-8")
    lean_site(changed, cache_dir=cache)
    (main,) = [p for p in (changed / STYLESHEETS).glob("main.*.min.css")
               if not re.search("tabbed|diagram", p.read_text(encoding="utf-8"))]
    assert ".md-banner{color:green}" in main.read_text(encoding="utf-8")
    assert main.name not in {p.name for p in (first / STYLESHEETS).iterdir()}


def test_pruning_reads_selectors_and_blocks_as_css_does() -> None:
    text = ('a[title="{.md-x}"],.md-y::before{content:"}"}@supports (display:grid){.md-z{a:b}}'
            '@media screen{@media (min-width:1px){.md-y{c:d}}}.md-y\\:hover{e:f}')
    assert css.prune(text, lambda c: True).css == text  # nothing to drop: the same text
    kept = css.prune(text, lambda c: c == "md-y")
    assert kept.css == 'a[title="{.md-x}"],.md-y::before{content:"}"}@media screen{@media (min-width:1px){.md-y{c:d}}}'
    assert kept.dropped == 2  # .md-z, and .md-y:hover (an escaped colon: another class)
    assert css.selector_classes(text) == {"md-y", "md-z", "md-y:hover"}


def test_a_class_of_the_root_alone_after_a_combinator_or_a_child_beyond_a_parents_most_cannot_match() -> None:
    text = (".no-js .a{x:1}.b .no-js .a{x:2}.c>.no-js{x:3}.c+.no-js{x:4}html.no-js .a{x:5}:is(.b .no-js,.x){x:6}"
            ".t>input:nth-child(2)~.l>:nth-child(2){x:7}.t>input:nth-child(7){x:8}.t>:nth-child(2n+9){x:9}"
            ".t :nth-child(9){x:10}.l>*:nth-child(3){x:11}:is(.t>.u:nth-child(9),.v){x:12}.t>:not(:nth-child(9)){x:13}"
            ":is(.t>.u:nth-child(9)){x:14}.t.l>:nth-child(3){x:15}")
    tree = css.Tree(frozenset({"no-js"}), {"t": 6, "l": 2})
    assert css.prune(text, lambda c: True, tree=tree).css == (
        ".no-js .a{x:1}html.no-js .a{x:5}:is(.b .no-js,.x){x:6}.t>input:nth-child(2)~.l>:nth-child(2){x:7}"
        ".t>:nth-child(2n+9){x:9}.t :nth-child(9){x:10}:is(.t>.u:nth-child(9),.v){x:12}.t>:not(:nth-child(9)){x:13}")
    assert css.prune(text, lambda c: True).css == text  # nothing known of the tree: all kept


def test_children_are_counted_where_the_tags_nest_as_written() -> None:
    page = ('<!doctype html><!-- <p> --><html class="no-js a"><body class="b"><div class="t"><input id=x><input/>'
            '<div class="l"><label>1</label><label>2<b>c</b></label></div><!-- <p> --><script>"<div>"</script>'
            '<div></div></div><div class="t"><svg><path d="x"/></svg></div></body></html>')
    assert html_slim.most_children(page, ["t", "l", "z"]) == {"t": 5, "l": 2}
    assert html_slim.root_classes(page) == ({"no-js", "a"}, {"b", "t", "l"})
    assert html_slim.root_classes('<div class="a"></div>') == (set(), {"a"})
    # a root class another tag has too is an inner one; its name in the page's text only is not
    also = '<html class="no-js a"><body><p>no-js</p><i class="x no-js"></i></body></html>'
    assert html_slim.root_classes(also) == ({"no-js", "a"}, {"x", "no-js"})
    assert html_slim.root_classes(also.replace(' no-js"></i>', '"></i>')) == ({"no-js", "a"}, {"x"})
    assert html_slim.root_classes(also, html_slim.class_names(also)) == html_slim.root_classes(also)
    # a paragraph a block ends, an end tag left out, a table's stray content: a parser builds another tree
    for broken in ('<div class="t"><p>a<div></div></p></div>', '<div class="t"><span></div>',
                   '<div class="t"><table><div></div></table></div>', '<div class="t"><ul><li>a<li>b</ul></div>'):
        assert html_slim.most_children(broken, ["t"]) == {"t": None}, broken


def test_a_class_is_the_roots_alone_where_every_script_naming_it_puts_it_on_the_root() -> None:
    bundle = Scripts.of('document.documentElement.classList.remove("no-js");document.documentElement.classList.add("js");'
                        'load("search_index.js")')
    assert bundle.root_names == {"no-js", "js"} and bundle.keeps_on_root("no-js") and bundle.keeps_on_root("md-x")
    assert Scripts.of('document.documentElement.classList.add("js");e.className="a js"').root_names == frozenset()
    assert Scripts.of('document.documentElement.classList.add("no-js");e.className=`no-${k}`').root_names == frozenset()
    builds = Scripts.of('k=["no-", "x"].join("")')  # could make "no-js" from parts
    assert Scripts.union([bundle, builds]).root_names == {"js"}
    assert not Scripts.union([bundle, builds]).keeps_on_root("no-js")
    assert Scripts.union([bundle, Scripts.of("y=1")]).root_names == {"no-js", "js"}


def test_slimming_code_keeps_its_text_and_every_styled_span() -> None:
    page = ('<p class="w">x</p><pre><span></span><code><span class="hll"><span class="w"> </span><span class="k">if</span>'
            '</span><span id="l1" class="w">\t</span>&lt;a&gt;</code></pre>')
    slim = html_slim.slim_code(page, lambda c: c in {"k", "hll"})
    assert slim == ('<p class="w">x</p><pre><span></span><code><span class="hll"> <span class="k">if</span></span>'
                    '<span id="l1" class="w">\t</span>&lt;a&gt;</code></pre>')
    text = re.compile(r"<[^>]+>")
    assert unescape(text.sub("", slim)) == unescape(text.sub("", page))


def test_collapsing_breaks_leaves_preformatted_text_and_attribute_values_alone() -> None:
    page = ('<div>\n    <p>\n      a  b\n    </p>\n  <pre>\n  x\n</pre><textarea>\n  t</textarea>'
            '<script>\n  let s = `\n  `;</script><code>\n  c</code><!-- \n  --></div>\n'
            '<a href="x"\n     class="y" title="a\n  b">z</a>')
    assert html_slim.collapse_breaks(page) == ('<div>\n<p>\na  b\n</p>\n<pre>\n  x\n</pre><textarea>\n  t</textarea>'
                                               '<script>\n  let s = `\n  `;</script><code>\n  c</code><!-- \n  --></div>\n'
                                               '<a href="x" class="y" title="a\n  b">z</a>')


# The slimming reads a page piece by piece (``html_slim.pieces``); it does so with one scan per pass. These
# walks over the pieces are what it must give, written plainly, and the passes are compared with them.
def _walked_classes(page: str) -> set[str]:
    names: set[str] = set()
    for piece in html_slim.pieces(page):
        for match in re.finditer(r"""\sclass\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""", piece.group("start") or "",
                                 re.IGNORECASE):
            names.update(next(v for v in match.groups() if v is not None).split())
    return names


def _walked_collapse(page: str) -> str:
    out, i = [], 0
    while i < len(page):
        piece = html_slim._PIECE.match(page, i)
        assert piece is not None
        name = (piece.group("name") or "").lower()
        if name in html_slim.VERBATIM:
            end = re.compile(rf"</{name}\s*>", re.IGNORECASE).search(page, piece.end())
            i = len(page) if end is None else end.end()
            out.append(page[piece.start():i])
            continue
        if piece.group("text"):
            out.append(re.sub(r"[ \t\r\f]*\n[ \t\r\n\f]*", "\n", piece.group("text")))
        elif piece.group("start") and "\n" in piece.group("start"):
            out.append(re.sub(r"""("[^"]*"|'[^']*')|[ \t\r\f]*\n[ \t\r\n\f]*""", lambda m: m.group(1) or " ",
                              piece.group("start")))
        else:
            out.append(piece.group(0))
        i = piece.end()
    return "".join(out)


def _walked_slim(page: str, styled: Callable[[str], bool]) -> str:
    def block(text: str) -> str:
        out, open_spans = [], []
        for piece in html_slim.pieces(text):
            if (piece.group("name") or "").lower() == "span":
                token = re.fullmatch(r'<span class="([^"<>]*)">', piece.group(0))
                kept = [c for c in token.group(1).split() if styled(c)] if token else None
                open_spans.append(kept is None or bool(kept))
                out.append(piece.group(0) if kept is None else f'<span class="{" ".join(kept)}">' if kept else "")
            elif (piece.group("end_name") or "").lower() == "span":
                out.append(piece.group(0) if not open_spans or open_spans.pop() else "")
            else:
                out.append(piece.group(0))
        return "".join(out)

    return re.sub(r"(<pre\b[^>]*>)(.*?)(</pre\s*>)", lambda m: m.group(1) + block(m.group(2)) + m.group(3), page,
                  flags=re.DOTALL | re.IGNORECASE)


TRICKY = ('<!doctype html>\n<a title="<pre>\n x" class="a">\n  b</a><!-- <span class="c"> </pre> -->\n <PRE class=p>'
          '<span class="w"> </span><SPAN class="k">x</span >y<span class="n"><span class="o">=</span>\n</span>'
          '<span id=i class="s">z</span>< lone <span/><span class="a<b">q</span>\n</Pre >\n <pre-x>\n y</pre-x>'
          '<a<span class="d">e</a<b>\n\t<script>\n "<div class=\'nope\'>"</script ><ſcript>\n </ſcript>\n<code>\n')


@pytest.mark.parametrize("page", [TRICKY, PAGE, TRICKY * 2 + PAGE])
def test_the_slimming_passes_read_pieces_as_a_walk_over_them_does(page: str) -> None:
    for styled in (lambda c: c in {"k", "o"}, lambda c: True, lambda c: False):
        assert html_slim.slim_code(page, styled) == _walked_slim(page, styled)
    assert html_slim.collapse_breaks(page) == _walked_collapse(page)
    assert html_slim.class_names(page) == _walked_classes(page)


def test_the_slimming_passes_read_the_built_pages_as_a_walk_over_their_pieces_does(built_site: BuiltSite) -> None:
    pages = sorted(built_site.root.rglob("*.html"))
    assert pages
    for path in pages:
        page = path.read_text(encoding="utf-8")
        assert html_slim.slim_code(page, lambda c: c in {"k", "s", "w"}) == _walked_slim(page, lambda c: c in {"k", "s", "w"})
        assert html_slim.collapse_breaks(page) == _walked_collapse(page), path
        assert html_slim.class_names(page) == _walked_classes(page), path


def test_a_script_names_a_class_within_any_word_or_by_its_parts() -> None:
    scripts = Scripts.of('x("md-search-result__more");y=`md-source__fact md-source__fact--${k}`;z=a+"__inner"')
    assert scripts.could_name("md-search-result__more") and scripts.could_name("md-search-result")  # substrings
    assert scripts.could_name("md-source__fact--version") and scripts.could_name("md-banner__inner")
    assert not scripts.could_name("md-banner") and not scripts.could_name("md-source__icon")


# --- the real site ---------------------------------------------------------------------------------------
def _roots(site: BuiltSite) -> dict[str, Path]:
    return {lang.code: site.root / lang.prefix for lang in LANGUAGES}


def _material_stylesheet() -> Path:
    """Material's own main stylesheet, as installed."""
    import material

    (path,) = (Path(str(material.__file__)).parent / "templates/assets/stylesheets").glob("main.*.min.css")
    return path


_SCRIPT_SRC = re.compile(r'<script src="([^"]+)"')


def test_every_page_links_the_pruned_stylesheet_which_keeps_what_pages_and_scripts_use(built_site: BuiltSite) -> None:
    material = _material_stylesheet()
    original = material.name
    for lang, root in _roots(built_site).items():
        sheets = sorted(p.name for p in (root / STYLESHEETS).glob("main.*.min.css"))
        # one for the pages with content tabs (the guestbook page), one for those with a diagram (which run
        # mermaid), one for the rest
        assert len(sheets) == 3 and original not in sheets, f"{lang}: {sheets}"
        nested = {language(other.code).prefix.rstrip("/") for other in LANGUAGES if other.code != lang} - {""}
        pages = [p for p in root.rglob("*.html") if p.relative_to(root).parts[0] not in nested]
        classes: dict[str, set[str]] = {name: set() for name in sheets}
        runs: dict[str, set[str]] = {name: set() for name in sheets}  # the scripts the pages linking it run
        for page in pages:
            html = page.read_text(encoding="utf-8")
            (linked,) = [name for name in sheets if f"assets/stylesheets/{name}" in html]
            assert original not in html, page
            classes[linked] |= html_slim.class_names(html)
            assert ("tabbed-set" in html_slim.class_names(html)) == ("tabbed-set" in classes[linked]), page
            runs[linked] |= {src.rsplit("/", 1)[-1] for src in _SCRIPT_SRC.findall(html)}
        scripts = "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in root.rglob("*.js"))
        (diagram,) = [name for name in sheets if "mermaid.min.js" in runs[name]]
        (plain,) = [name for name in sheets if name != diagram and "tabbed-set" not in classes[name]]
        # what the stylesheet of the pages without a diagram lost to it: classes only mermaid (or the search
        # worker, or lunr) names, none of which these pages run
        theirs = "\n".join((root / "assets/javascripts" / name).read_text(encoding="utf-8") for name in runs[plain])
        lost = css.selector_classes((root / STYLESHEETS / diagram).read_text(encoding="utf-8")) - \
            css.selector_classes((root / STYLESHEETS / plain).read_text(encoding="utf-8"))
        assert lost and "mermaid.min.js" not in runs[plain]
        for name in lost:
            assert name not in classes[plain] and name not in theirs and name in scripts, name
        for name in sheets:
            pruned = (root / STYLESHEETS / name).read_text(encoding="utf-8")
            # a rule the pages use; one only Material's script can make true (the search results); one nothing uses
            assert "md-nav__link" in classes[name] and ".md-nav__link{" in pruned
            assert "md-search-result__item" not in classes[name] and '"md-search-result__item"' in scripts
            assert ".md-search-result__item{" in pruned
            assert "md-banner" not in classes[name] and "md-banner" not in scripts and ".md-banner" not in pruned
            assert "[dir=rtl]" not in pruned and "[dir=ltr]" in pruned  # every page is left to right
            # the tabs' controls, which Material's script makes inside a tab set, only where there is one
            assert ("tabbed-set" in classes[name]) == (".tabbed-control" in pruned), name
            assert pruned.count("{") < material.read_text(encoding="utf-8").count("{")


#: Computed properties compared on every element (and its ::before and ::after) under both stylesheets.
PROPERTIES = ["display", "position", "visibility", "color", "background-color", "background-image", "box-shadow",
              "border-top", "border-left", "margin", "padding", "width", "height", "font-size", "font-weight",
              "font-style", "line-height", "list-style-type", "text-decoration-line", "opacity", "transform",
              "mask-image", "content", "white-space", "overflow-x"]
_STYLES = """props => [...document.querySelectorAll('html, body, body *')].map(e => [e.tagName, e.getAttribute('class') || '',
  ...[null, '::before', '::after'].flatMap(p => {
    const s = getComputedStyle(e, p);
    return props.map(n => s.getPropertyValue(n));
  })])"""
_NO_MOTION = """() => {
  const style = document.createElement('style');
  style.textContent = '*, ::before, ::after { transition: none !important; animation: none !important }';
  document.head.append(style);
}"""
# Both readings stay in the page and are compared there. Handed to Python, each was some 3,000 rows of 77
# strings, and carrying it through Playwright cost about 2 s of CPU (12 readings in these tests) where taking it
# costs half a second. The comparison is the one it was: each row whole, then the properties that differ in it.
#: The reading under the pruned stylesheets, kept in the page; returns each element's class attribute.
_KEEP = f"""props => {{
  window.__k8sPrunedStyles = {_STYLES.removeprefix("props => ")};
  return window.__k8sPrunedStyles.map(row => row[1]);
}}"""
#: The reading under Material's own stylesheets, compared row by row with the kept one.
_COMPARE = f"""props => {{
  const pruned = window.__k8sPrunedStyles, full = {_STYLES.removeprefix("props => ")};
  const names = [...props, ...props, ...props], differ = [];
  pruned.forEach((a, i) => {{
    const b = full[i];
    if (b !== undefined && JSON.stringify(a) === JSON.stringify(b)) return;
    differ.push([a.slice(0, 2), names.map((n, j) => [n, a[j + 2], b === undefined ? null : b[j + 2]])
                                      .filter(([n, x, y]) => x !== y)]);
  }});
  return {{pruned: pruned.length, full: full.length, differ}};
}}"""
#: Material's own stylesheets put back where the pruned ones were (same place in the cascade), from their text.
_RESTORE = """([main, palette]) => {
  for (const [prefix, text] of [['main.', main], ['palette.', palette]]) {
    const link = [...document.querySelectorAll('link[rel=stylesheet]')].find(l => l.href.includes('/stylesheets/' + prefix));
    const style = document.createElement('style'); style.textContent = text; link.replaceWith(style);
  }
}"""


GUESTBOOK = "tutorials/stateless-application/guestbook-logs-metrics-with-elk.md"
SOURCE_IP = "tutorials/services/source-ip.md"  # a page with a diagram, drawn by mermaid


@pytest.mark.parametrize(("scheme", "width", "source", "state"), [
    ("light", 1280, STATEFULSET, "search"), ("dark", 1280, STATEFULSET, "search"), ("light", 1280, GUESTBOOK, "search"),
    ("light", 400, STATEFULSET, "search"), ("light", 1280, GUESTBOOK, "second-tab"), ("light", 1280, GUESTBOOK, "no-js"),
    ("light", 1280, SOURCE_IP, "search"),
], ids=["light", "dark", "tabs", "narrow", "second-tab", "no-js", "diagram"])
def test_pages_and_search_results_look_the_same_under_materials_full_stylesheets(
        browser, built_site: BuiltSite, site_url: str, scheme: str, width: int, source: str, state: str) -> None:
    """Every element of a page with the search open and its results listed (made by Material's script only)
    computes the same style under the pruned stylesheets as under Material's own: in both colour schemes, on a
    page with content tabs (which links the stylesheet that keeps their rules), there with its second tab chosen
    (the rules for a tab set's k-th input), on a phone's width, on a page with a diagram drawn by mermaid (which
    links the stylesheet pruned with mermaid's names too); and on the page with tabs read without JavaScript
    (``<html class="no-js">``: the rules for it, no search)."""
    import material

    sheets = Path(str(material.__file__)).parent / "templates/assets/stylesheets"
    (main,), (palette,) = sheets.glob("main.*.min.css"), sheets.glob("palette.*.min.css")
    originals = [main.read_text(encoding="utf-8"), palette.read_text(encoding="utf-8")]
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme,
                                  java_script_enabled=state != "no-js")
    page = context.new_page()
    try:
        # the two languages' pages in the first two cases; the source language's for the tabs and the width
        for lang in LANGUAGES if width > 960 and source == STATEFULSET else LANGUAGES[:1]:
            page.goto(site_url + built_site.url_path(lang.code, source), wait_until="load")
            page.evaluate(_NO_MOTION)  # (not add_style_tag, which waits for a script when JavaScript is off)
            if source == SOURCE_IP:
                page.wait_for_selector("figure.k8s-diagram[data-rendered=live]")
            if state == "second-tab":
                page.click(".tabbed-set > .tabbed-labels > label:nth-child(2)")
                assert page.evaluate("() => document.querySelector('.tabbed-set > input:nth-child(2)').checked")
            if state == "no-js":
                assert page.evaluate("() => document.documentElement.className") == "no-js"
            else:
                if width < 960:
                    page.click("label.md-header__button[for=__search]")
                page.click("input.md-search__input")
                page.keyboard.type("kubectl")
                page.keyboard.press("End")
                page.wait_for_selector(".md-search-result__item")
                page.wait_for_load_state("networkidle")
            classes = page.evaluate(_KEEP, PROPERTIES)
            if state != "no-js":
                assert any("md-search-result__item" in names for names in classes)
            if source == GUESTBOOK and state != "no-js":
                assert any("tabbed-labels--linked" in names for names in classes)  # made by Material's script
            page.evaluate(_RESTORE, originals)
            compared = page.evaluate(_COMPARE, PROPERTIES)
            assert compared["pruned"] == compared["full"] > 1000
            differ = compared["differ"]
            assert differ == [], f"{lang.code}: {differ[:5]}"
    finally:
        context.close()


def test_materials_script_gives_tab_sets_no_more_children_than_the_pruning_allows_for(
        browser, built_site: BuiltSite, site_url: str) -> None:
    """``SCRIPT_CHILDREN``: once Material's script has run, a tab set has the children of its tags and the two
    controls the script appends, its labels the children of their tags (the pruning's bound on
    ``:nth-child(k)`` under them); no other element has become a tab set or a tab set's labels."""
    markup = html_slim.most_children(built_site.html_file("ja", GUESTBOOK).read_text(encoding="utf-8"), SCRIPT_CHILDREN)
    assert set(markup) == set(SCRIPT_CHILDREN) and None not in markup.values()
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(site_url + built_site.url_path("ja", GUESTBOOK), wait_until="load")
        page.wait_for_selector(".tabbed-labels--linked")
        page.wait_for_load_state("networkidle")
        live = page.evaluate("""names => Object.fromEntries(names.map(n => [n,
            [...document.getElementsByClassName(n)].map(e => e.children.length)]))""", list(SCRIPT_CHILDREN))
    finally:
        context.close()
    for name, added in SCRIPT_CHILDREN.items():
        count = markup[name]
        assert count is not None and live[name] and max(live[name]) == count + added, (name, live[name], count)
