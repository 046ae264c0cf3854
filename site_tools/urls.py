"""The URL MkDocs gives a page, relative to its build root."""

from __future__ import annotations


def page_url(src_uri: str) -> str:
    """The directory URL MkDocs gives a page (``use_directory_urls``), relative to its build root.

    ``index.md`` → ``""``, ``a/index.md`` → ``a/``, ``a/b.md`` → ``a/b/``.
    """
    stem = src_uri[: -len(".md")] if src_uri.endswith(".md") else src_uri
    if stem == "index" or stem.endswith("/index"):
        stem = stem[: -len("index")]
        return stem
    return stem + "/"
