"""Layering: all SQL lives in ``survey/storage``; no other module of the packages imports SQLAlchemy
or the storage's table definitions (``survey.storage.schema``)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("sampling", "survey", "analysis", "app", "accounts")
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


# ------------------------------------------------------------------------------------------------
# The rooms of survey/: questionnaire -> campaign -> collect -> storage, in the order data flows.
# A room may import the rooms before it, never those after it (storage may import them all).

ROOMS = ("questionnaire", "campaign", "collect", "storage")
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "survey/questionnaire/": ("survey.campaign", "survey.collect", "survey.storage", "survey.demo", "accounts", "app", "analysis"),
    "survey/campaign/": ("survey.collect", "survey.storage", "survey.demo", "accounts", "app", "analysis"),
    "survey/collect/": ("survey.storage", "survey.demo", "accounts", "app", "analysis"),
    "survey/storage/": ("survey.demo", "accounts", "app", "analysis"),
    "accounts/": ("app", "analysis", "streamlit"),
    "sampling/": ("survey", "analysis", "app", "accounts", "streamlit", "sqlalchemy"),
    "analysis/": ("app", "accounts", "streamlit"),
}
MAX_LINES = 500
# Modules allowed past MAX_LINES, each with its reason.
LONG_MODULES: dict[str, str] = {}


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every absolute import in the module, at any depth (lazy imports too)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return found


def _within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def room_offenders(paths: list[Path]) -> list[str]:
    offenders = []
    for path in paths:
        relative = path.relative_to(ROOT).as_posix()
        for prefix, banned in FORBIDDEN.items():
            if relative.startswith(prefix):
                offenders += [f"{relative}:{line} imports {module}" for line, module in imported_modules(path)
                              if any(_within(module, b) for b in banned)]
    return offenders


def test_survey_has_its_four_rooms() -> None:
    for room in ROOMS:
        assert (ROOT / "survey" / room / "__init__.py").is_file(), f"survey/{room}/ is missing"
    loose = sorted(p.name for p in (ROOT / "survey").glob("*.py"))
    assert loose == ["__init__.py", "__main__.py", "demo.py", "errors.py"], (
        f"survey/ holds its rooms, the shared errors, the demo and the command line; these belong in a room: {loose}"
    )


def test_rooms_import_only_the_rooms_before_them() -> None:
    paths = [p for package in ("survey", "accounts", "sampling", "analysis") for p in sorted((ROOT / package).rglob("*.py"))]
    offenders = room_offenders(paths)
    assert not offenders, "imports against the flow of the data: " + ", ".join(offenders)


def test_the_room_check_sees_a_backward_import(tmp_path) -> None:
    module = tmp_path / "survey" / "collect" / "m.py"
    module.parent.mkdir(parents=True)
    module.write_text("def f(store):\n    from survey.storage import Store\n    import survey.questionnaire.model\n")
    globals()["ROOT"], saved = tmp_path, ROOT
    try:
        assert room_offenders([module]) == ["survey/collect/m.py:2 imports survey.storage"]
    finally:
        globals()["ROOT"] = saved


def test_no_module_over_500_lines_without_a_reason() -> None:
    long = {}
    for path in modules() + sorted((ROOT / "accounts").rglob("*.py")) + sorted((ROOT / "tabular").rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_LINES and relative not in LONG_MODULES:
            long[relative] = lines
    assert not long, f"split these modules (over {MAX_LINES} lines) or name the reason in LONG_MODULES: {long}"
    for relative in LONG_MODULES:
        assert (ROOT / relative).is_file(), f"LONG_MODULES names {relative}, which is gone"
