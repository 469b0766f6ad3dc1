"""The rules (quiz/services) take plain values: none of them imports the web framework."""

from __future__ import annotations

import ast
from pathlib import Path

SERVICES = Path(__file__).resolve().parents[1] / "quiz" / "services"
# Flask and its extensions; werkzeug.security (password hashing) is a plain library function.
WEB = {
    "flask",
    "flask_login",
    "flask_smorest",
    "flask_limiter",
    "flask_sqlalchemy",
    "flask_migrate",
}


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_no_service_module_imports_flask_or_its_extensions():
    offenders = {
        str(path.relative_to(SERVICES)): sorted(
            m for m in imported_modules(path) if m.split(".")[0] in WEB
        )
        for path in sorted(SERVICES.rglob("*.py"))
    }
    assert {name: mods for name, mods in offenders.items() if mods} == {}


def test_the_probe_sees_imports_inside_functions_too(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from flask import current_app\n")
    assert "flask" in imported_modules(module)
