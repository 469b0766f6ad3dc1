"""The house rules of the code, checked on every run (docs/architecture.md): no import circle in
`quiz` (imports inside functions count too, and there are none), layers only import downwards
(`lint-imports`, run by `make test`), and no product function is longer than a screen."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[1]
PRODUCT = [ROOT / "quiz", ROOT / "question_bank"]
LONGEST = 80


def python_files(*folders: Path):
    for folder in folders:
        yield from sorted(folder.rglob("*.py"))


def imports_inside_functions(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for inner in ast.walk(node):
                if isinstance(inner, ast.Import | ast.ImportFrom):
                    found.append(f"{path.relative_to(ROOT)}:{inner.lineno} in {node.name}")
    return found


def circles(package: str, where: Path) -> list[list[str]]:
    """Every set of modules of `package` that import each other round (Tarjan's strongly
    connected components over every import statement, at any depth)."""
    sys.path.insert(0, str(where))
    try:
        graph = grimp.build_graph(package, cache_dir=None)
    finally:
        sys.path.remove(str(where))
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for other in graph.find_modules_directly_imported_by(module):
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in on_stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            component = []
            while True:
                other = stack.pop()
                on_stack.discard(other)
                component.append(other)
                if other == module:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return found


def test_no_module_of_the_service_imports_inside_a_function():
    found = [hit for path in python_files(ROOT / "quiz") for hit in imports_inside_functions(path)]
    assert found == []


def test_the_service_has_no_import_circle():
    assert circles("quiz", ROOT) == []


def test_a_planted_circle_through_an_import_inside_a_function_is_found(tmp_path):
    package = tmp_path / "planted"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "errors.py").write_text("def count():\n    from planted import metrics\n")
    (package / "metrics.py").write_text("from planted import errors\n")
    (package / "alone.py").write_text("from planted import errors\n")
    assert circles("planted", tmp_path) == [["planted.errors", "planted.metrics"]]


def test_no_product_function_is_longer_than_eighty_lines():
    long = [
        f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({length} lines)"
        for path in python_files(*PRODUCT)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and (length := node.end_lineno - node.lineno + 1) > LONGEST
    ]
    assert long == []
