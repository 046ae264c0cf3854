"""Tooling for the bilingual site: per-language builds, merge, preview, diagrams.

The site's MkDocs plugin (``site_tools/plugin/``) is a thin adapter over these
modules, so the same logic (page lists, diagram hashes, language links) serves
the build, the ``nox`` sessions and the tests.
"""
