"""Layout of the analysis package: small files, and storage reached only through ``Store``."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "analysis"
MAX_LINES = 500


def test_no_file_in_analysis_is_over_500_lines():
    long = {p.relative_to(PACKAGE.parent).as_posix(): n for p in PACKAGE.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, f"split these modules (over {MAX_LINES} lines): {long}"


def test_analysis_reaches_storage_only_through_the_store():
    """No import of ``survey.storage`` internals (``survey.storage.schema``, ...; the package's
    public ``Store`` and ``StorageError`` are fine), no SQLAlchemy and no ``store.responses()``:
    responses leave the store as ``Store.response_frame``."""
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(("survey.storage.", "sqlalchemy")):
                offenders.append(f"{path.name}:{node.lineno} imports {node.module}")
            elif isinstance(node, ast.Import) and any(a.name.startswith(("survey.storage.", "sqlalchemy")) for a in node.names):
                offenders.append(f"{path.name}:{node.lineno} imports storage")
            elif isinstance(node, ast.Attribute) and node.attr in ("responses", "read") and isinstance(node.ctx, ast.Load):
                parent_call = isinstance(getattr(node, "value", None), ast.Name) and node.value.id == "store"
                if parent_call:
                    offenders.append(f"{path.name}:{node.lineno} calls store.{node.attr}")
    assert not offenders, offenders


def test_the_storage_check_sees_a_schema_import(tmp_path):
    module = tmp_path / "analysis" / "m.py"
    module.parent.mkdir()
    module.write_text("def f(store):\n    from survey.storage.schema import responses\n    return store.responses(1)\n")
    globals()["PACKAGE"], saved = module.parent, PACKAGE
    try:
        try:
            test_analysis_reaches_storage_only_through_the_store()
        except AssertionError as exc:
            assert "m.py:2 imports survey.storage.schema" in str(exc) and "m.py:3 calls store.responses" in str(exc)
        else:
            raise AssertionError("the check missed a schema import")
    finally:
        globals()["PACKAGE"] = saved
