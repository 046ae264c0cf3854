"""Checks of the repository's own automation: the GitHub workflows in ``.github/workflows/``."""
