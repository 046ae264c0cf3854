"""A page's verification status, read from ``verify-report.json`` for the page-status slot.

The verifier (``python -m verify``) writes ``{"schema": 1, "tiers": {...}}`` with one
section per tier (see verify/report.py).  This module reads:

- ``tiers.live``: ``target`` (``"cluster"`` or ``"stand-in"``), ``server_version``,
  ``started`` (ISO 8601) and ``pages``: ``[{"path": "docs_src/ja/…md", "status":
  "passed"|"failed"|"skipped", "verified": bool, "skip_reason"?, "error"?}]``;
- ``tiers.static``: ``started``, and ``entries`` (``path``, ``status``) per checked step.

Only a live run against a real cluster makes a page "verified"; a stand-in run,
static checks alone, or no report at all leave it "not yet verified".
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from site_tools.languages import SOURCE_LANGUAGE

_TEXT = {
    "ja": {
        "label": "検証状況",
        "verified": "Kubernetes {version} で検証済み（{date}）",
        "failed": "検証に失敗しました（{date}、Kubernetes {version}）",
        "skipped": "未検証: {reason}",
        "stand_in": "未検証（{date} の実行はスタンドインに対するもので、実クラスターではありません）",
        "static_passed": "未検証（クラスターでの実行はまだです。静的チェックは合格: {date}）",
        "static_failed": "静的チェックに失敗しました（{date}）",
        "unverified": "未検証",
    },
    "en": {
        "label": "Verification",
        "verified": "Verified against Kubernetes {version} on {date}",
        "failed": "Verification failed on {date} (Kubernetes {version})",
        "skipped": "Not verified: {reason}",
        "stand_in": "Not yet verified (the run on {date} used a stand-in, not a real cluster)",
        "static_passed": "Not yet verified against a cluster (static checks passed on {date})",
        "static_failed": "Static checks failed on {date}",
        "unverified": "Not yet verified",
    },
}


@dataclass(frozen=True)
class PageStatus:
    """What the slot shows: ``state`` (verified | failed | unverified, a CSS modifier) and the sentence."""

    state: str
    label: str
    text: str


def load_report(path: Path) -> dict[str, Any] | None:
    """The report at ``path``, or None when there is none yet."""
    if not path.is_file():
        return None
    try:
        report = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise ValueError(f"{path}:{err.lineno}: not valid JSON: {err.msg}") from err
    if not isinstance(report, dict) or not isinstance(report.get("tiers", {}), dict):
        raise ValueError(f"{path}:1: expected an object with a `tiers` object (see verify/report.py)")
    return report


def _is_page(path: object, src_uri: str) -> bool:
    """Whether a report path (``docs_src/ja/x.md``, possibly absolute) is the page ``src_uri``."""
    suffix = f"{SOURCE_LANGUAGE.docs_dir}/{src_uri}"
    return isinstance(path, str) and (path == suffix or path.endswith("/" + suffix))


def _date(section: dict[str, Any]) -> str:
    return str(section.get("started") or "")[:10] or "?"


def page_status(report: dict[str, Any] | None, src_uri: str, lang: str) -> PageStatus:
    """The status of the page ``src_uri`` (the same path in every language), worded in ``lang``."""
    text = _TEXT.get(lang, _TEXT["en"])

    def status(state: str, key: str, **fields: str) -> PageStatus:
        return PageStatus(state, text["label"], text[key].format(**fields))

    tiers = (report or {}).get("tiers") or {}
    live = tiers.get("live") or {}
    entry = next((p for p in live.get("pages") or [] if isinstance(p, dict) and _is_page(p.get("path"), src_uri)), None)
    if entry is not None:
        date, version = _date(live), str(live.get("server_version") or "?")
        if live.get("target") != "cluster":
            return status("unverified", "stand_in", date=date)
        if entry.get("status") == "failed":
            return status("failed", "failed", date=date, version=version)
        if entry.get("status") == "passed" and entry.get("verified", True):
            return status("verified", "verified", date=date, version=version)
        return status("unverified", "skipped", reason=str(entry.get("skip_reason") or entry.get("error") or "?"))

    static = tiers.get("static") or {}
    entries = [e for e in static.get("entries") or [] if isinstance(e, dict) and _is_page(e.get("path"), src_uri)]
    if entries:
        failed = any(e.get("status") == "failed" for e in entries)
        return status("failed" if failed else "unverified", "static_failed" if failed else "static_passed", date=_date(static))
    return status("unverified", "unverified")
