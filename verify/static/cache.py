"""A small JSON cache on disk (`.cache/verify/static.json`), saved atomically."""

from __future__ import annotations

import json
import os
import tempfile
import threading
from pathlib import Path
from typing import Any


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
        """Write the cache if it changed: to a temporary file first, then rename over."""
        if self.path is None or not self.dirty:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.lock:
            text = json.dumps(self.data, ensure_ascii=False, sort_keys=True)
            self.dirty = False
        fd, tmp = tempfile.mkstemp(prefix=".static-", suffix=".tmp", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
