"""Tooling for the bilingual site: per-language builds, merge, preview, diagrams.

The MkDocs hooks in ``docs/hooks/`` are thin adapters over these modules, so the
same logic (page lists, diagram hashes, language links) serves the build, the
``nox`` sessions and the tests.
"""
