"""Benchmarks against baselines run side by side (`nox -s bench`, `python -m bench`); see README "Benchmarks"."""
