"""`python -m bench` runs every benchmark in turn; `python -m bench NAME [ARGS…]` runs one.

A benchmark is any module `bench/<name>.py` (not starting with `_`) that exposes
`main(argv)`; modules without it (like `common`) are helpers and are skipped.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path


def discover() -> dict[str, object]:
    found = {}
    for info in sorted(pkgutil.iter_modules([str(Path(__file__).parent)]), key=lambda i: i.name):
        if info.name.startswith("_") or info.ispkg:
            continue
        module = importlib.import_module(f"bench.{info.name}")
        if callable(getattr(module, "main", None)):
            found[info.name] = module.main
    return found


def main(argv: list[str]) -> int:
    benchmarks = discover()
    if argv and argv[0] in ("-h", "--help", "--list"):
        print("usage: python -m bench [NAME [ARGS...]]\nbenchmarks: " + ", ".join(benchmarks))
        return 0
    if argv:
        name, rest = argv[0], argv[1:]
        if name not in benchmarks:
            print(f"no benchmark {name!r}; known: {', '.join(benchmarks)}", file=sys.stderr)
            return 2
        return benchmarks[name](rest) or 0
    status = 0
    for name, run in benchmarks.items():
        print(f"\n=== {name} ===", flush=True)
        status = max(status, run([]) or 0)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
