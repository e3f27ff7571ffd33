"""The layering rule, checked on the source: `workflows/` knows no web or database code, and nothing
outside `workflows/` (and the tests) touches SpiffWorkflow."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOT_IN_WORKFLOWS = frozenset({"flask", "flask_smorest", "werkzeug", "sqlalchemy", "alembic", "service"})
ENGINE = "SpiffWorkflow"
SKIPPED_DIRS = frozenset({"tests", "workflows", "node_modules", "build", "dist", "bpmn"})


def imported_modules(source: str, module: str = "") -> set[str]:
    """Every module `source` imports (dotted names), including `importlib.import_module("x")` and
    `__import__("x")` with a literal name. `module` is the importing module's dotted name, used to
    resolve relative imports."""
    found: set[str] = set()
    package = module.rsplit(".", 1)[0] if module else ""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: max(len(package.split(".")) - node.level + 1, 0)]
                prefix = ".".join(p for p in base if p)
                name = ".".join(p for p in (prefix, node.module or "") if p)
                found.add(name)
                found.update(f"{name}.{alias.name}" if name else alias.name for alias in node.names)
            elif node.module:
                found.add(node.module)
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant) \
                and isinstance(node.args[0].value, str) and _is_dynamic_import(node.func):
            found.add(node.args[0].value)
    return found


def _is_dynamic_import(func: ast.expr) -> bool:
    if isinstance(func, ast.Name):
        return func.id in ("__import__", "import_module")
    return isinstance(func, ast.Attribute) and func.attr == "import_module"


def top_names(modules: set[str]) -> set[str]:
    """The top-level package of each dotted module name."""
    return {m.split(".")[0] for m in modules if m}


def python_files(directory: Path) -> Iterator[Path]:
    """Every .py file under `directory`, skipping caches and virtualenvs."""
    for path in sorted(directory.rglob("*.py")):
        if not any(part.startswith(".") or part == "__pycache__" for part in path.relative_to(ROOT).parts):
            yield path


def module_name(path: Path) -> str:
    """The dotted module name of a file under ROOT (`pkg.__init__` for a package, so that relative
    imports resolve against `pkg`)."""
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def violations_in_workflows() -> list[str]:
    """`workflows/` files that import web, database or service code."""
    found = []
    for path in python_files(ROOT / "workflows"):
        bad = top_names(imported_modules(path.read_text(encoding="utf-8"), module_name(path))) & NOT_IN_WORKFLOWS
        if bad:
            found.append(f"{path.relative_to(ROOT)} imports {', '.join(sorted(bad))}")
    return found


def outside_files() -> list[Path]:
    """Python files outside `workflows/` and `tests/`: service/, any other top-level package, scripts."""
    files = sorted(ROOT.glob("*.py"))
    for directory in sorted(ROOT.iterdir()):
        if directory.is_dir() and not directory.name.startswith(".") and directory.name not in SKIPPED_DIRS \
                and not directory.name.endswith(".egg-info"):
            files += python_files(directory)
    return files


def engine_imports_outside() -> list[str]:
    """Files outside `workflows/` and `tests/` that import SpiffWorkflow."""
    return [
        str(path.relative_to(ROOT)) for path in outside_files()
        if ENGINE in top_names(imported_modules(path.read_text(encoding="utf-8"), module_name(path)))
    ]


def test_workflows_imports_no_web_database_or_service_code() -> None:
    assert list(python_files(ROOT / "workflows")), "no workflows/ sources found: the check would be empty"
    assert violations_in_workflows() == []


def test_nothing_outside_workflows_imports_the_engine() -> None:
    assert any(p.is_relative_to(ROOT / "service") for p in outside_files()), "service/ not scanned"
    assert engine_imports_outside() == []


@pytest.mark.parametrize(
    ("source", "module", "expected"),
    [
        ("import flask", "workflows.x", {"flask"}),
        ("from sqlalchemy.orm import Session", "workflows.x", {"sqlalchemy"}),
        ("import service.store.models as m", "workflows.x", {"service"}),
        ("from service import usecases", "workflows.x", {"service"}),
        ("def f():\n    import flask\n", "workflows.x", {"flask"}),
        ("import importlib\nimportlib.import_module('sqlalchemy')", "workflows.x", {"importlib", "sqlalchemy"}),
        ("__import__('flask')", "workflows.x", {"flask"}),
        ("from SpiffWorkflow.bpmn.workflow import BpmnWorkflow", "service.usecases.x", {"SpiffWorkflow"}),
        ("from .errors import ModelError", "workflows.models", {"workflows"}),
        ("from ..service import api", "workflows.sub.x", {"workflows"}),
        ("import flaskish", "workflows.x", {"flaskish"}),
    ],
)
def test_the_checker_sees_imports(source: str, module: str, expected: set[str]) -> None:
    assert top_names(imported_modules(source, module)) == expected


def test_the_checker_flags_a_synthetic_violation() -> None:
    names = top_names(imported_modules("from flask import current_app\nimport SpiffWorkflow\n", "workflows.bad"))
    assert names & NOT_IN_WORKFLOWS == {"flask"}
    assert ENGINE in names


def test_relative_imports_resolve_to_their_package() -> None:
    assert imported_modules("from ..store import repo", "service.domain.petitions") >= {"service.store"}
    assert imported_modules("from . import events", "workflows.engine") >= {"workflows.events"}


def runtime_imports_of_the_domain() -> list[str]:
    """Modules of the workflow runtime (`service/usecases/`) that import the petition domain (`service/domain/`)."""
    found = []
    for path in python_files(ROOT / "service" / "usecases"):
        names = imported_modules(path.read_text(encoding="utf-8"), module_name(path))
        bad = sorted(n for n in names if n == "service.domain" or n.startswith("service.domain."))
        if bad:
            found.append(f"{path.relative_to(ROOT)} imports {', '.join(bad)}")
    return found


def test_the_runtime_reaches_the_domain_only_through_its_hooks() -> None:
    assert list(python_files(ROOT / "service" / "domain")), "no service/domain/ sources found"
    assert runtime_imports_of_the_domain() == []
    planted = imported_modules("from ..domain import identity", "service.usecases.tasks")
    assert "service.domain.identity" in planted  # the checker sees the import it forbids


def test_every_service_module_imports_first() -> None:
    """Whichever module a process imports first (the CLI's worker, a web worker, a test), it loads: an
    import circle that breaks only in one order (it stopped `petitionflow worker` once) fails here.
    The check costs about 30 s of CPU, hence a timeout that holds on a machine under full load."""
    import subprocess
    import sys

    names = sorted(".".join(p.relative_to(ROOT).with_suffix("").parts) for p in (ROOT / "service").rglob("*.py")
                   if "migrations" not in p.parts and p.name != "__init__.py")
    script = (
        "import importlib, sys\n"
        f"for name in {names!r}:\n"
        "    for loaded in [m for m in sys.modules if m == 'service' or m.startswith('service.')]:\n"
        "        del sys.modules[loaded]\n"
        "    try:\n"
        "        importlib.import_module(name)\n"
        "    except ImportError as exc:\n"
        "        print(f'{name}: {exc}')\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0 and done.stdout == "", done.stdout + done.stderr
