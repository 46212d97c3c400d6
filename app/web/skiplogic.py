"""Parsed expressions of ``survey.questionnaire.expressions`` as JSON trees for the form's script.

The browser never parses expression text: the server sends each question's ``relevant`` and
``constraint`` as the syntax tree ``survey.questionnaire.expressions`` already built, and ``static/form.js``
evaluates the tree with the same rules (empty values, comparisons, functions). Both evaluators
are checked on one shared table of expressions and answers (``tests/app/web/expression_cases.py``).

Node forms: ``["lit", v]``, ``["ref", id]``, ``["cur"]``, ``["list", [n...]]``, ``["not", n]``,
``["neg", n]``, ``["and"|"or", a, b]``, ``["cmp", op, a, b]``, ``["in", negated, a, opts]``,
``["ar", op, a, b]``, ``["call", name, [n...]]``.

>>> from survey.questionnaire.expressions import compile_expression
>>> tree(compile_expression("${a} = 'yes'"))
['cmp', '=', ['ref', 'a'], ['lit', 'yes']]
"""

from __future__ import annotations

from typing import Any

from survey.questionnaire import expressions as ex


def tree(expression: ex.Expression | None) -> list[Any] | None:
    """The JSON tree of ``expression`` (None for no expression)."""
    return None if expression is None else _node(expression.root)


def _node(node: ex.Node) -> list[Any]:
    if isinstance(node, ex.Literal):
        value = node.value
        return ["lit", list(value) if isinstance(value, tuple) else value]
    if isinstance(node, ex.Reference):
        return ["ref", node.name]
    if isinstance(node, ex.Current):
        return ["cur"]
    if isinstance(node, ex.ListLiteral):
        return ["list", [_node(item) for item in node.items]]
    if isinstance(node, ex.Not):
        return ["not", _node(node.operand)]
    if isinstance(node, ex.Negate):
        return ["neg", _node(node.operand)]
    if isinstance(node, ex.Logical):
        return [node.op, _node(node.left), _node(node.right)]
    if isinstance(node, ex.Comparison):
        return ["cmp", node.op, _node(node.left), _node(node.right)]
    if isinstance(node, ex.Membership):
        return ["in", node.negated, _node(node.left), _node(node.options)]
    if isinstance(node, ex.Arithmetic):
        return ["ar", node.op, _node(node.left), _node(node.right)]
    if isinstance(node, ex.Call):
        return ["call", node.name, [_node(arg) for arg in node.args]]
    raise TypeError(f"no JSON form for {type(node).__name__}")  # pragma: no cover - every node type is above


__all__ = ["tree"]
