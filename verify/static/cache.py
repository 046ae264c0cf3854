"""A small JSON cache on disk (`.cache/verify/static.json`), saved atomically."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

from atomic_files import write_text


class JsonCache:
    """Key → JSON value. `path=None` keeps it in memory only (for `--no-cache`)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.data: dict[str, Any] = {}
        self.dirty = False
        self.lock = threading.Lock()
        if path is not None and path.is_file():
            try:
                loaded = json.loads(path.read_text(encoding="utf-8"))
                if isinstance(loaded, dict):
                    self.data = loaded
            except (OSError, ValueError):
                self.data = {}  # a damaged cache is only a slower run

    def get(self, key: str) -> Any:
        with self.lock:
            return self.data.get(key)

    def put(self, key: str, value: Any) -> None:
        with self.lock:
            if self.data.get(key) != value:
                self.data[key] = value
                self.dirty = True

    def save(self) -> None:
        """Write the cache if it changed (atomically: a reader never sees half of it)."""
        if self.path is None or not self.dirty:
            return
        with self.lock:
            text = json.dumps(self.data, ensure_ascii=False, sort_keys=True)
            self.dirty = False
        write_text(self.path, text)
