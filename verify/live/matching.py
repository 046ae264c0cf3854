"""Matching a documented output against what a command printed in a live run.

The match modes themselves are pure functions of text, declared once in `verify.matchers.MODES`
(which the static tier validates pages against). What only a live run adds is here: the run's own
namespace (``verify-…``) reads as ``default`` in the output, because pages are written for the
default namespace (``pod "web-0" deleted from default namespace``), and the cluster's default
StorageClass reads as ``standard`` (kind's name for it; k3d's is ``local-path``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from verify.matchers import MODES, MatchResult
from verify.matchers.watch import WatchProgress
from verify.matchers.watch import watch_progress as rows_seen


def normalise_namespace(actual: str, namespace: str | None) -> str:
    if not namespace or namespace == "default":
        return actual
    return _rename(actual, namespace, "default")


DOCUMENTED_STORAGE_CLASS = "standard"  # the default StorageClass's name as the pages print it (kind's)


def normalise_storage_class(actual: str, storage_class: str | None) -> str:
    """The cluster's default StorageClass reads as ``standard`` (k3d calls it ``local-path``)."""
    if not storage_class or storage_class == DOCUMENTED_STORAGE_CLASS:
        return actual
    return _rename(actual, storage_class, DOCUMENTED_STORAGE_CLASS)


def _rename(text: str, name: str, documented: str) -> str:
    return re.sub(rf"(?<![A-Za-z0-9-]){re.escape(name)}(?![A-Za-z0-9-])", documented, text)


LEGEND = ("(- documented only, + actual only, ~ accepted with [documented≈actual] tolerated tokens, "
          "… absorbed by '...')")


def match(documented: str, actual: str, mode: str = "like", namespace: str | None = None,
          storage_class: str | None = None, concurrent: Iterable[str] = ()) -> MatchResult:
    """Compare in `mode`; `concurrent` (watch mode only) names objects whose rows may interleave in any order."""
    actual = normalise_storage_class(normalise_namespace(actual, namespace), storage_class)
    if mode not in MODES:
        raise ValueError(f"unknown match mode {mode!r}")
    result = MODES[mode].matcher(documented, actual, frozenset(concurrent))
    result.mode = mode
    if not result.ok and result.diff:
        notes = [f"the run's namespace {namespace} reads as default"] if namespace and namespace != "default" else []
        if storage_class and storage_class != DOCUMENTED_STORAGE_CLASS:
            notes.append(f"the default StorageClass {storage_class} reads as {DOCUMENTED_STORAGE_CLASS}")
        note = f" ({'; '.join(notes)})" if notes else ""
        result.diff = f"documented vs actual, mode {mode}{note} {LEGEND}\n{result.diff}"
    return result


def watch_progress(documented: str, actual: str, namespace: str | None = None,
                   storage_class: str | None = None, concurrent: Iterable[str] = ()) -> WatchProgress:
    """How far a (possibly still running) watch has shown the documented rows, names read as in `match`."""
    actual = normalise_storage_class(normalise_namespace(actual, namespace), storage_class)
    return rows_seen(documented, actual, concurrent)
