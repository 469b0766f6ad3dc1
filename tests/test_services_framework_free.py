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


# Names through which a module reaches the running app or the request, whatever it imports
# them from. Services take the runtime from their session (`quiz.runtime.runtime_of(db.session)`)
# and `now` as an argument: never from the current app (`quiz.current`).
REACHES_THE_APP = {
    "current_app",
    "request",
    "g",
    "has_request_context",
    "has_app_context",
    "session",
    "app_part",
    "begin_writing",
}
CURRENT_APP_MODULE = "quiz.current"


def imported_names(path: Path) -> set[str]:
    return {
        alias.asname or alias.name
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }


def test_no_service_reaches_the_request_or_the_app_by_a_side_door():
    offenders = {}
    for path in sorted(SERVICES.rglob("*.py")):
        name = str(path.relative_to(SERVICES))
        found = imported_names(path) & REACHES_THE_APP
        if CURRENT_APP_MODULE in imported_modules(path):
            found.add(CURRENT_APP_MODULE)
        if found:
            offenders[name] = sorted(found)
    assert offenders == {}


def test_the_side_door_probe_sees_a_helper_that_reads_the_request(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("from quiz.extensions import app_part, db\n")
    assert "app_part" in imported_names(module) & REACHES_THE_APP


# What the services stand on, beneath them (docs/architecture.md): plain Python too. The one
# framework module they use is `extensions` for `db`, Flask-SQLAlchemy's way to the database.
BENEATH = ["clock", "config", "errors", "metrics", "redis_link", "runtime", "text", "writing"]


def test_the_modules_beneath_the_services_import_no_web_framework_either():
    package = SERVICES.parent
    offenders = {
        name: sorted(m for m in imported_modules(package / f"{name}.py") if m.split(".")[0] in WEB)
        for name in BENEATH
    }
    assert {name: mods for name, mods in offenders.items() if mods} == {}
