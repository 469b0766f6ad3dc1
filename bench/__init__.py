"""Reproducible benchmarks: `python -m bench` runs them all, `python -m bench NAME` one.

A benchmark is a module `bench/<name>.py` exposing `main(argv) -> int | None`; `bench.common`
holds the shared gunicorn/PostgreSQL/wrk helpers. Figures live in `bench/<name>.md`.
"""
