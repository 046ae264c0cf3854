"""What the site says about a page's verification, read from its committed record (``verification/``).

A record (verify/records/, the schema below both tiers of the verifier) is written by
``python -m verify live --record`` for each Japanese page and committed. The site shows, in both languages:

- in each page's status slot, what the record says as a whole: which target ran it (a control plane
  whose nodes kwok simulates, or a full cluster), the Kubernetes version, the date, how many steps
  ran of how many, whether all were as expected, how many documented outputs were compared, and why
  the others were not run; "the page changed since" when the page or a manifest it includes no
  longer has the blob the record holds; a failure in red (and in words);
- under each command block, a mark for that step (``step_marks``): ran and matched, ran without a
  comparison (and why), not run (and why), failed, or changed since the record;
- a status page listing every page (``status_rows``).

Only a full cluster that ran every step it could, without leaving any out for a missing need, makes
a page "verified"; a control-plane run never does, and no step that did not run is ever called
verified. The English page finds each of its steps in the Japanese page's record by ordinal, kind
and command hash (``site_tools.step_identities``), so both languages show the same marks.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from languages import SOURCE_LANGUAGE, section
from pagegrammar import Fence, find_fences, is_shell
from site_tools.step_identities import VisibleStep
from verify import records
from verify.records import PageFailure, Record, RecordStep, Target
from verify.results import FAILED, PASSED, SKIPPED, Status

VERIFIER_LANGUAGE = "en"  # the language of the verifier's own messages (reasons it records)
_JA_CHARS = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]")

# --- words: languages/strings/<code>.yaml, section "verification" ------------------------------------
NEED_WORDS, WORDS, WHY, MARK_WORDS, TABLE_WORDS, IMAGE_WORDS = "needs", "page", "why", "marks", "table", "images"

STATE_ICONS = {"verified": "check-circle", "control-plane": "check-circle-outline", "partial": "check-circle-outline",
               "failed": "close-circle", "none": "minus-circle-outline", "outdated": "alert-circle-outline"}
ICONS = {  # Material Design icons (shipped with mkdocs-material): the shape, not only the colour, differs
    "matched": "check-circle", "matched-cp": "check-circle-outline", "ran": "play-circle-outline",
    "skipped": "minus-circle-outline", "failed": "close-circle", "changed": "help-circle-outline",
}
#: Every icon a page may show (``site_tools.icons`` puts their shapes into the site's stylesheet).
ICON_NAMES = frozenset(STATE_ICONS.values()) | frozenset(ICONS.values())


def _words(lang: str, table: str) -> Mapping[str, str]:
    """One table of the verification words of ``lang`` (``WORDS``, ``MARK_WORDS``…)."""
    return section(lang, f"verification.{table}")


# --- records -------------------------------------------------------------------------------------------
def load_record(records_dir: Path, src_uri: str) -> Record | None:
    """The record of the page ``src_uri`` (the same in both languages), or None when it has none."""
    path = Path(records_dir) / Path(src_uri).with_suffix(".json")
    if not path.is_file():
        return None
    try:
        return records.read_record(path)
    except records.RecordError as error:
        raise ValueError(str(error)) from None


def changed_files(record: Record, source_page: Path, root: Path) -> list[str]:
    """Files of the record changed since (the Japanese page read from ``source_page``)."""
    return records.changed_files(record, root, page_file=source_page)


def _known(value: object) -> object:
    return "?" if value is None else value


def _skip_group(step: RecordStep, control_plane: bool) -> tuple[str, tuple[str, ...]]:
    skip = step.skip
    if skip == "needs":
        needs = step.needs
        nodes = tuple(n for n in needs if n in records.REAL_NODE_NEEDS)
        if control_plane and nodes:
            return "nodes", nodes
        return "needs", needs
    if skip == "directive":
        return "directive", ()
    if skip == "after-failure":
        return "after", ()
    if skip == "image":
        return "image", ()
    return "other", ()


def _join(items: list[str], lang: str) -> str:
    return _words(lang, WORDS)["list_sep"].join(items)


def _not_run_parts(record: Record, lang: str) -> list[str]:
    words, needs_words = _words(lang, WORDS), _words(lang, NEED_WORDS)
    control_plane = record.target.control_plane
    counts: dict[str, int] = {}
    needs: dict[str, list[str]] = {}
    for step in record.steps:
        if step.status != SKIPPED:
            continue
        group, group_needs = _skip_group(step, control_plane)
        key = group if group != "needs" else "needs:" + ",".join(group_needs)
        counts[key] = counts.get(key, 0) + 1
        for need in group_needs:
            if need not in needs.setdefault(key, []):
                needs[key].append(need)
    parts = []
    order = sorted(counts, key=lambda k: (["nodes", "needs", "image", "directive", "after", "other"].index(k.split(":")[0]), k))
    for key in order:
        named = [needs_words.get(n, n) for n in needs.get(key, [])]
        group = key.split(":")[0]
        parts.append(words[f"part_{group}"].format(count=counts[key], needs=_join(named, lang)))
    return parts


def _failure(record: Record) -> PageFailure:
    return record.failure or PageFailure(None, None, "other", "")


def _command_of(record: Record, n: int | None) -> str:
    step = record.step(n)
    return step.command if step is not None else ""


# --- the page's status slot -----------------------------------------------------------------------------
@dataclass(frozen=True)
class PageStatus:
    """What the slot shows. ``state`` is a CSS modifier and ``data-k8s-verification`` value:
    ``verified``, ``partial``, ``control-plane``, ``failed`` or ``none``; ``outdated`` is set when the
    page changed since its record."""

    state: str
    label: str
    sentences: tuple[str, ...]
    outdated: str | None = None
    link_text: str = ""
    sep: str = " "  # between sentences: none in Japanese
    marks_title: str = ""  # the tooltip every mark of the page shares (mark_title), held once by the slot

    @property
    def text(self) -> str:
        return self.sep.join(([self.outdated] if self.outdated else []) + list(self.sentences))

    @property
    def icon(self) -> str:
        """The name of the icon that goes with the state (the outdated warning comes first): ``site_tools.icons``."""
        return STATE_ICONS["outdated" if self.outdated else self.state]


def page_status(record: Record | None, changed: list[str], lang: str) -> PageStatus:
    """The status of a page from its record (None: no record) and the files changed since."""
    words = _words(lang, WORDS)
    if record is None:
        return PageStatus("none", words["label"], (words["none"],), link_text=words["link"], sep=words["sentence_sep"])
    target = record.target
    summary = record.summary
    state = records.verdict(record)
    fields = {"date": record.date, "version": _known(target.kubernetes), "nodes": _known(target.nodes),
              "steps": summary.steps, "run": summary.run}
    sentences = [words["where_cp" if target.control_plane else "where_cluster"].format(**fields)]
    if state == "failed":
        failure = _failure(record)
        if failure.n is None:
            sentences.append(words["failed_cleanup"].format(message=failure.message))
        else:
            sentences.append(words["failed"].format(n=failure.n, command=_command_of(record, failure.n),
                                                    why=_words(lang, WHY).get(failure.why, _words(lang, WHY)["other"]),
                                                    **fields))
    elif state == "verified":
        sentences.append(words["verified"].format(**fields))
    else:
        sentences.append(words["ran"].format(**fields))
    outputs = summary.outputs
    sentences.append(words["outputs"].format(documented=outputs.documented, compared=outputs.compared)
                     if outputs.documented else words["no_outputs"])
    parts = _not_run_parts(record, lang)
    if parts:
        sentences.append(words["not_run"].format(parts=_join(parts, lang)))
    outdated = words["outdated"].format(files=", ".join(changed)) if changed else None
    return PageStatus(state, words["label"], tuple(sentences), outdated, words["link"], words["sentence_sep"],
                      mark_title(record, lang))


# --- marks under each command block ----------------------------------------------------------------------
@dataclass(frozen=True)
class Mark:
    """One step's mark: ``state`` (matched, ran, skipped, failed, changed), the icon's name, the short
    label a sighted reader sees, the detail (a reason), and the tooltip (which record it comes from)."""

    state: str
    icon: str
    label: str
    detail: str
    title: str
    target: str  # control-plane | cluster

def mark_language(detail: str, lang: str) -> str | None:
    """The language of a mark's detail when it is not ``lang``: a reason is the source page's own words or
    one of the verifier's English messages."""
    detail_lang = SOURCE_LANGUAGE.code if _JA_CHARS.search(detail) else VERIFIER_LANGUAGE
    return detail_lang if detail_lang != lang else None


def mark_title(record: Record, lang: str) -> str:
    """The tooltip of a page's marks: which record they come from (date, Kubernetes, target)."""
    words, target = _words(lang, MARK_WORDS), record.target
    key = "title_cp" if target.control_plane else "title_cluster"
    return words[key].format(date=record.date, version=_known(target.kubernetes), nodes=_known(target.nodes))


def mark_for(step: RecordStep | None, record: Record, lang: str) -> Mark:
    """The mark of one step from its record entry (None: the step is not in the record as it is now)."""
    words, needs_words = _words(lang, MARK_WORDS), _words(lang, NEED_WORDS)
    control_plane = record.target.control_plane
    target = "control-plane" if control_plane else "cluster"
    title = mark_title(record, lang)
    if step is None:
        return Mark("changed", ICONS["changed"], words["changed"], "",
                    words["title_changed"].format(date=record.date), target)
    where = words["where_cp" if control_plane else "where_cluster"]
    if step.status == PASSED:
        label = words.get(step.check or "none", words["none"]).format(where=where)
        if step.matched:
            return Mark("matched", ICONS["matched-cp" if control_plane else "matched"], label, "", title, target)
        return Mark("ran", ICONS["ran"], label, step.reason or "", title, target)
    if step.status == FAILED:
        why = _words(lang, WHY).get(step.why or "other", _words(lang, WHY)["other"])
        return Mark("failed", ICONS["failed"], words["failed"].format(why=why), "", title, target)
    group, group_needs = _skip_group(step, control_plane)
    named = _join([needs_words.get(n, n) for n in group_needs], lang)
    if group == "nodes":
        return Mark("skipped", ICONS["skipped"], words["skip_nodes"], named, title, target)
    if group == "needs":
        return Mark("skipped", ICONS["skipped"], words["skip_needs"].format(needs=named), "", title, target)
    if group == "directive":
        return Mark("skipped", ICONS["skipped"], words["skip_directive"], step.reason or "", title, target)
    if group == "after":
        return Mark("skipped", ICONS["skipped"], words["skip_after"], "", title, target)
    if group == "image":
        return Mark("skipped", ICONS["skipped"], words["skip_image"], step.reason or "", title, target)
    return Mark("skipped", ICONS["skipped"], words["skip_other"], step.reason or "", title, target)


def step_marks(record: Record, steps: list[VisibleStep], lang: str) -> list[tuple[VisibleStep, Mark]]:
    """(step, mark) for each visible step of a page, in either language (``site_tools.step_identities``)."""
    by_key = {(s.n, s.kind, s.sha): s for s in record.steps}
    found = []
    for step in steps:
        entry = by_key.get(step.key)
        if entry is not None and entry.output_sha != step.output_sha:
            entry = None  # the documented output changed: what was compared is not what is shown
        found.append((step, mark_for(entry, record, lang)))
    return found


# --- the status page ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class StatusRow:
    src_uri: str
    title: str
    record: Record | None
    changed: tuple[str, ...]
    linked: bool = True  # the page exists in the table's language


def has_commands(markdown: str, fences: list[Fence] | None = None) -> bool:
    """Whether a page has a command block (and so a verification status); ``fences``: its fences, if known."""
    return any(is_shell(fence.language) for fence in (find_fences(markdown) if fences is None else fences))


def status_rows(source_dir: Path, records_dir: Path, root: Path, title_dir: Path | None = None) -> list[StatusRow]:
    """Every Japanese page with commands, its record and what changed since; titles from ``title_dir``'s
    page of the same path when it exists (the translation), else from the Japanese page."""
    from pagegrammar.pages import list_pages, read_front_matter

    rows = []
    for page in list_pages(Path(source_dir)):
        if not has_commands(page.read()):
            continue
        record = load_record(records_dir, page.src_uri)
        changed = tuple(changed_files(record, page.path, root)) if record else ()
        titled = Path(title_dir) / page.src_uri if title_dir is not None else page.path
        title = str(read_front_matter(titled if titled.is_file() else page.path).get("title") or page.src_uri)
        rows.append(StatusRow(page.src_uri, title, record, changed, titled.is_file()))
    return rows


def status_table(rows: list[StatusRow], lang: str, link_prefix: str) -> str:
    """A Markdown table: one row per page with commands."""
    w = _words(lang, TABLE_WORDS)
    lines = [f"| {w['page']} | {w['target']} | {w['date']} | {w['steps']} | {w['outputs']} | {w['result']} | {w['record']} |",
             "|---|---|---|---|---|---|---|"]
    for row in rows:
        title = f"[{row.title}]({link_prefix}{row.src_uri})" if row.linked else row.title
        record = row.record
        if record is None:
            lines.append(f"| {title} | — | — | — | — | {w['none']} | {w['missing']} |")
            continue
        target = record.target
        where = w["cp" if target.control_plane else "cluster"].format(version=_known(target.kubernetes),
                                                                       nodes=_known(target.nodes))
        summary = record.summary
        steps = f"{summary.run} / {summary.skipped} / {summary.failed}"
        outputs = w["of"].format(documented=summary.outputs.documented, compared=summary.outputs.compared)
        state = w[records.verdict(record)]
        fresh = w["outdated"] if row.changed else w["current"]
        lines.append(f"| {title} | {where} | {record.date} | {steps} | {outputs} | {state} | {fresh} |")
    return "\n".join(lines)


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def images_table(rows: list[StatusRow], lang: str, link_prefix: str) -> str:
    """A Markdown table of the images the pages ran on real nodes: per image name, what it was built from,
    how it differs from the page's, and which pages use it (from the records of real-node runs)."""
    w = _words(lang, IMAGE_WORDS)
    used: dict[str, tuple[Mapping[str, Any], list[str]]] = {}
    for row in rows:
        if row.record is None or row.record.target.control_plane or not row.record.images:
            continue
        title = f"[{row.title}]({link_prefix}{row.src_uri})" if row.linked else row.title
        for name, facts in row.record.images.items():
            used.setdefault(name, (facts, []))[1].append(title)
    if not used:
        return w["none"]
    lines = [f"| {w['image']} | {w['built_from']} | {w['differs']} | {w['pages']} |", "|---|---|---|---|"]
    for name, (facts, pages) in sorted(used.items()):
        built = "; ".join(str(part) for part in facts.get("built_from") or []) or "—"
        differs = str(facts.get("differs") or "")
        if differs.startswith("unavailable: "):
            built, differs = f"({w['unavailable']})", differs.removeprefix("unavailable: ")
        notes = "; ".join(str(note) for note in facts.get("notes") or [])
        detail = "; ".join(part for part in (differs, notes) if part) or "—"
        lines.append(f"| `{name}` | {_cell(built)} | {_cell(detail)} | {', '.join(pages)} |")
    return "\n".join(lines)


def legend_marks(lang: str) -> list[Mark]:
    """The marks a reader meets under command blocks, one of each kind (for the status page's legend)."""
    def example(kind: str) -> Record:
        return Record("", {}, Target(kind, "…", None, None), "…", None, PASSED, ())

    def step(status: Status, **fields: Any) -> RecordStep:
        return RecordStep(1, "command", "", 1, "", status, **fields)

    sample, full = example("control-plane"), example("cluster")
    return [
        mark_for(step(PASSED, check="output"), full, lang),
        mark_for(step(PASSED, check="output"), sample, lang),
        mark_for(step(PASSED, check="not-compared"), sample, lang),
        mark_for(step(SKIPPED, skip="needs", needs=("exec",)), sample, lang),
        mark_for(step(SKIPPED, skip="directive"), sample, lang),
        mark_for(step(FAILED, why="output"), sample, lang),
        mark_for(None, sample, lang),
    ]
