"""Layering: all SQL lives in ``survey/storage``; no other module of the packages imports SQLAlchemy
or the storage's table definitions (``survey.storage.schema``)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("sampling", "survey", "analysis", "app")
ALLOWED: set[str] = set()  # every module's SQL lives in survey/storage (accounts: survey/storage/accounts.py)


def _sql_module(name: str) -> bool:
    return name.split(".")[0] == "sqlalchemy" or name == "survey.storage.schema" or name.startswith("survey.storage.schema.")


def sqlalchemy_imports(path: Path) -> list[int]:
    """Line numbers of imports of ``sqlalchemy`` or ``survey.storage.schema`` anywhere in the module."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import) and any(_sql_module(a.name) for a in node.names):
            lines.append(node.lineno)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module and (
            _sql_module(node.module) or (node.module == "survey.storage" and any(a.name == "schema" for a in node.names))
        ):
            lines.append(node.lineno)
    return lines


def modules() -> list[Path]:
    found = [ROOT / "streamlit_app.py"]
    for package in PACKAGES:
        found += sorted((ROOT / package).rglob("*.py"))
    return found


def test_only_storage_imports_sqlalchemy() -> None:
    offenders = []
    for path in modules():
        relative = path.relative_to(ROOT).as_posix()
        if relative.startswith("survey/storage/") or relative in ALLOWED:
            continue
        offenders += [f"{relative}:{line}" for line in sqlalchemy_imports(path)]
    assert not offenders, "SQL belongs in survey/storage; these modules import sqlalchemy: " + ", ".join(offenders)


def test_the_check_sees_imports(tmp_path) -> None:
    module = tmp_path / "m.py"
    module.write_text("def f():\n    import sqlalchemy as sa\n    from sqlalchemy.engine import Connection\n", encoding="utf-8")
    assert sqlalchemy_imports(module) == [2, 3]
    module.write_text("from survey.storage.schema import responses\nfrom survey.storage import schema\n", encoding="utf-8")
    assert sqlalchemy_imports(module) == [1, 2]
    module.write_text("from .sqlalchemy_like import x\nimport json\nfrom survey.storage import Store\n", encoding="utf-8")
    assert sqlalchemy_imports(module) == []


def test_storage_is_still_scanned() -> None:
    assert any(p.relative_to(ROOT).as_posix() == "survey/storage/store.py" for p in modules())
    assert sqlalchemy_imports(ROOT / "survey" / "storage" / "store.py")
