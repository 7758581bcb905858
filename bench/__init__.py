"""Benchmarks; a package so the shared `bench._*` modules have one name for mypy and the scripts."""
