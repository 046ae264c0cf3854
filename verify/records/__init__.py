"""Verification records: what the last live run of each page did, committed under ``verification/``.

``python -m verify live --record`` writes one small JSON file per Japanese page, at the page's path
below ``docs_src/ja`` with ``.json`` for ``.md`` (``verification/tutorials/services/source-ip.json``).
A record holds:

- ``files``: the git blob id of the page and of every file it includes (``manifests/…``), so that
  ``--check-records`` can tell, without git and without a cluster, that a page or one of its
  manifests changed since it was run;
- ``target``: ``control-plane`` (a real API server and controllers, nodes simulated by kwok) or
  ``cluster`` (every node a real kubelet), with the Kubernetes, kubectl and kwok versions and the
  number of nodes; ``date`` (UTC day) and ``commit`` (HEAD when the run started);
- ``steps``: one entry per step the live tier knows (commands, hidden steps, terminals, commands
  typed into a container, claims), in page order. Each is keyed by its ordinal ``n``, its ``kind``
  and ``sha``, a hash of its command text without comments, so the English page, whose steps are
  the same by parity (comments translated), finds each of its steps; ``line`` is for humans.
  ``status`` is ``passed``, ``failed`` or ``skipped``; a passed step says what was checked
  (``check``, `verify.outcomes.Checked`), a skipped one why (``skip``, `verify.outcomes.Skip`, with
  the missing ``needs``), a failed one how (``why``, `verify.outcomes.Failure`).

This package is the records' schema (`schema`), how a page's steps are found in a record
(`identity`) and the check of the committed records (`check`); it sits below both tiers, and the
site reads records through it. Building a record from a run is the live tier's
(`verify.live.recording`).

Records are written only for a page the run took to its end (a failure stops a page, and the
record then says where and why); an interrupted run or a cluster that stopped answering leaves the
previous record alone. Files are written atomically, with sorted keys, no absolute paths and no
secrets, and nothing that changes from run to run (durations, namespaces, attempts), so a re-run
with the same outcome changes only ``date`` (and ``commit`` when HEAD moved).
"""

from verify.needs import REAL_NODE_NEEDS
from verify.records.check import RecordProblem, changed_files, check_records, pages_needing_records
from verify.records.identity import (
    StepIdentity,
    identities,
    included_files,
    is_hidden,
    output_sha,
    record_path,
    source_relative,
    step_kind,
    step_sha,
)
from verify.records.schema import (
    RECORDS_DIR,
    SCHEMA,
    SOURCE_DIR,
    OutputCounts,
    PageFailure,
    Record,
    RecordError,
    RecordStep,
    Summary,
    Target,
    dumps,
    read_record,
    summarize,
    verdict,
    write_record,
)

__all__ = [
    "REAL_NODE_NEEDS",
    "RECORDS_DIR",
    "SCHEMA",
    "SOURCE_DIR",
    "OutputCounts",
    "PageFailure",
    "Record",
    "RecordError",
    "RecordProblem",
    "RecordStep",
    "StepIdentity",
    "Summary",
    "Target",
    "changed_files",
    "check_records",
    "dumps",
    "identities",
    "included_files",
    "is_hidden",
    "output_sha",
    "pages_needing_records",
    "read_record",
    "record_path",
    "source_relative",
    "step_kind",
    "step_sha",
    "summarize",
    "verdict",
    "write_record",
]
