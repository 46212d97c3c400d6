"""The compiled design arrays and the import graph they keep acyclic."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import SurveyDesign, design_variance
from analysis.design_arrays import DesignArrays

PACKAGE = Path(__file__).resolve().parents[2] / "analysis"
CORE = ("design", "estimates", "variance", "weighting")


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(path: Path) -> set[str]:
    """Modules of ``analysis`` that a module imports at run time (top level or inside functions)."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] == "analysis":
                out.add(target)
                for alias in node.names:  # ``from . import estimates``
                    out.add(f"{target}.{alias.name}")
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name.split(".")[0] == "analysis")
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return out


def _graph() -> dict[str, set[str]]:
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    return {m: {t for t in _imports(p) if t in modules and t != m} for m, p in modules.items()}


def _cycle(graph: dict[str, set[str]], nodes: set[str]) -> list[str] | None:
    """A cycle among ``nodes`` (edges through other nodes count), or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def dfs(m: str) -> list[str] | None:
        state[m] = 1
        stack.append(m)
        for t in sorted(graph.get(m, ())):
            if t == "analysis" or t.endswith(".__init__"):
                continue  # the package's own __init__ re-exports; every module imports through it
            if state.get(t) == 1:
                return stack[stack.index(t):] + [t]
            if t not in state and (found := dfs(t)):
                return found
        stack.pop()
        state[m] = 2
        return None

    for m in sorted(nodes):
        if m not in state and (found := dfs(m)):
            return found
    return None


def test_core_modules_import_each_other_without_a_circle():
    graph = _graph()
    core = {f"analysis.{m}" for m in CORE}
    assert core <= set(graph)
    assert _cycle(graph, core) is None
    # the engine reads compiled arrays: it imports neither the design nor the estimators
    assert not graph["analysis.variance"] & (core - {"analysis.variance"})
    assert "analysis.design" not in graph["analysis.estimates"]
    assert "analysis.design" not in graph["analysis.weighting"]


def test_no_module_of_the_package_imports_in_a_circle():
    graph = _graph()
    assert _cycle(graph, set(graph) - {"analysis"}) is None


def test_the_graph_check_sees_a_circle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}}
    assert _cycle(graph, {"a"}) == ["a", "b", "c", "a"]


def test_design_arrays_give_the_same_variance_as_the_design():
    rng = np.random.default_rng(7)
    n = 400
    df = pd.DataFrame({
        "stratum": rng.integers(0, 5, n),
        "w": rng.uniform(1, 4, n),
        "y": rng.integers(0, 2, n).astype(float),
    })
    df["psu"] = df["stratum"] * 10 + rng.integers(0, 4, n)
    design = SurveyDesign(df, weights="w", strata="stratum", psu="psu").poststratify("stratum", {s: 100.0 for s in range(5)})
    arrays = design.arrays
    assert isinstance(arrays, DesignArrays)
    assert arrays.weights is design.weights and arrays.calibrations == design.calibrations
    z = design.weights * (df["y"].to_numpy() - 0.5) / design.weights.sum()
    assert design_variance(z, arrays) == pytest.approx(design_variance(z, design), rel=0, abs=0)
    assert design_variance(z, arrays) > 0


def test_weighting_uses_only_the_public_design_api():
    """``analysis.weighting`` builds its designs with ``SurveyDesign.reweighted``, no private method."""
    tree = ast.parse((PACKAGE / "weighting.py").read_text(encoding="utf-8"))
    private = [f"{node.lineno}: design.{node.attr}" for node in ast.walk(tree)
               if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "design"
               and node.attr.startswith("_")]
    assert not private, private


def test_compile_stages_numbers_units_within_their_group_and_derives_fpc_weights():
    from analysis.design_arrays import compile_stages, fpc_weights

    df = pd.DataFrame({"town": ["a", "a", "a", "b", "b"], "village": [1, 1, 2, 1, 2],
                       "N": [10.0, 10.0, 10.0, 4.0, 4.0]})
    strata = np.array([0, 0, 0, 1, 1])
    stages, has_fpc = compile_stages(df, strata, 2, "town", ["village"], ["N"], nest=True,
                                     group_text=lambda s, r: "?")
    assert has_fpc and len(stages) == 1
    st = stages[0]
    assert st.unit.tolist() == [0, 0, 1, 2, 3] and st.unit_group.tolist() == [0, 0, 1, 1]
    assert st.group_size.tolist() == [2, 2] and st.fraction.tolist() == [0.2, 0.5]
    assert st.fpc.tolist() == pytest.approx([0.8, 0.5], abs=1e-15)
    assert fpc_weights(stages, strata, 1).tolist() == pytest.approx([5, 5, 5, 2, 2], rel=1e-15)
    design = SurveyDesign(df, strata="town", psu="village", fpc="N", nest=True)
    assert np.array_equal(design.weights, fpc_weights(stages, strata, 1))
