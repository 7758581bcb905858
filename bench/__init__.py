"""Benchmarks; a package so `bench._world` has one module name for mypy and the scripts."""
