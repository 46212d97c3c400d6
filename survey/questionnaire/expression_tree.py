"""What the expression language means: its values, built-in functions and syntax tree.

``survey.questionnaire.expressions`` parses text into the nodes defined here; every node evaluates
itself against an :class:`EvaluationContext`. Empty values (unanswered or hidden questions) are
``None``: arithmetic with them gives ``None``, and every comparison with them, ``!=`` included,
is false.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from survey.errors import ExpressionError

Value = Any  # None | bool | int | float | str | list[str] | tuple[Value, ...]


@dataclass
class EvaluationContext:
    """What an expression can see: answers by question id, the current answer, extra functions."""

    answers: Mapping[str, Value] = field(default_factory=dict)
    current: Value = None
    functions: Mapping[str, Callable[..., Value]] = field(default_factory=dict)


def is_empty(value: Value) -> bool:
    """True for an unanswered value: None, an empty string or an empty selection."""
    return value is None or value == "" or (isinstance(value, (list, tuple)) and len(value) == 0)


def _as_number(value: Value) -> float | None:
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def _truthy(value: Value) -> bool:
    if is_empty(value):
        return False
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value != 0 and not math.isnan(value)
    if isinstance(value, str):
        return value.lower() not in ("false", "0")
    return bool(value)


def _equal(left: Value, right: Value) -> bool:
    if isinstance(left, bool) or isinstance(right, bool):
        return _truthy(left) == _truthy(right)
    a, b = _as_number(left), _as_number(right)
    if a is not None and b is not None and not (isinstance(left, str) and isinstance(right, str)):
        return a == b
    return str(left) == str(right)


def _compare(op: str, left: Value, right: Value) -> bool:
    if is_empty(left) or is_empty(right):
        return False
    if op in ("=", "=="):
        return _equal(left, right)
    if op in ("!=", "<>"):
        return not _equal(left, right)
    a, b = _as_number(left), _as_number(right)
    if a is None or b is None:
        if isinstance(left, str) and isinstance(right, str):
            a, b = left, right  # type: ignore[assignment]
        else:
            return False
    if op == "<":
        return a < b  # type: ignore[operator]
    if op == "<=":
        return a <= b  # type: ignore[operator]
    if op == ">":
        return a > b  # type: ignore[operator]
    return a >= b  # type: ignore[operator]


def _selection(value: Value) -> list[str]:
    if is_empty(value):
        return []
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    return str(value).split()


def _fn_selected(value: Value, choice: Value) -> bool:
    return str(choice) in _selection(value) if not is_empty(choice) else False


def _fn_count_selected(value: Value) -> int:
    return len(_selection(value))


def _fn_answered(value: Value) -> bool:
    return not is_empty(value)


def _fn_not(value: Value) -> bool:
    return not _truthy(value)


def _fn_if(condition: Value, then: Value, otherwise: Value) -> Value:
    return then if _truthy(condition) else otherwise


def _numbers(values: Sequence[Value]) -> list[float]:
    out = [_as_number(v) for v in values if not is_empty(v)]
    return [v for v in out if v is not None]


def _fn_min(*values: Value) -> Value:
    numbers = _numbers(values)
    return min(numbers) if numbers else None


def _fn_max(*values: Value) -> Value:
    numbers = _numbers(values)
    return max(numbers) if numbers else None


def _fn_string_length(value: Value) -> int:
    return 0 if is_empty(value) else len(str(value))


@dataclass(frozen=True)
class FunctionSpec:
    function: Callable[..., Value]
    min_args: int
    max_args: int | None  # None: any number


BUILTIN_FUNCTIONS: dict[str, FunctionSpec] = {
    "selected": FunctionSpec(_fn_selected, 2, 2),
    "count_selected": FunctionSpec(_fn_count_selected, 1, 1),
    "count-selected": FunctionSpec(_fn_count_selected, 1, 1),
    "answered": FunctionSpec(_fn_answered, 1, 1),
    "not": FunctionSpec(_fn_not, 1, 1),
    "if": FunctionSpec(_fn_if, 3, 3),
    "min": FunctionSpec(_fn_min, 1, None),
    "max": FunctionSpec(_fn_max, 1, None),
    "string_length": FunctionSpec(_fn_string_length, 1, 1),
    "string-length": FunctionSpec(_fn_string_length, 1, 1),
    "true": FunctionSpec(lambda: True, 0, 0),
    "false": FunctionSpec(lambda: False, 0, 0),
}


# ----------------------------------------------------------------------------------------------
# Syntax tree


class Node:
    def evaluate(self, context: EvaluationContext) -> Value:  # pragma: no cover - abstract
        raise NotImplementedError


@dataclass(frozen=True)
class Literal(Node):
    value: Value

    def evaluate(self, context: EvaluationContext) -> Value:
        return self.value


@dataclass(frozen=True)
class Reference(Node):
    name: str

    def evaluate(self, context: EvaluationContext) -> Value:
        value = context.answers.get(self.name)
        return None if is_empty(value) else value


@dataclass(frozen=True)
class Current(Node):
    def evaluate(self, context: EvaluationContext) -> Value:
        return None if is_empty(context.current) else context.current


@dataclass(frozen=True)
class ListLiteral(Node):
    items: tuple[Node, ...]

    def evaluate(self, context: EvaluationContext) -> Value:
        return tuple(item.evaluate(context) for item in self.items)


@dataclass(frozen=True)
class Not(Node):
    operand: Node

    def evaluate(self, context: EvaluationContext) -> Value:
        return not _truthy(self.operand.evaluate(context))


@dataclass(frozen=True)
class Negate(Node):
    operand: Node

    def evaluate(self, context: EvaluationContext) -> Value:
        number = _as_number(self.operand.evaluate(context))
        return None if number is None else -number


@dataclass(frozen=True)
class Logical(Node):
    op: str  # and / or
    left: Node
    right: Node

    def evaluate(self, context: EvaluationContext) -> Value:
        left = _truthy(self.left.evaluate(context))
        if self.op == "and":
            return left and _truthy(self.right.evaluate(context))
        return left or _truthy(self.right.evaluate(context))


@dataclass(frozen=True)
class Comparison(Node):
    op: str
    left: Node
    right: Node

    def evaluate(self, context: EvaluationContext) -> Value:
        return _compare(self.op, self.left.evaluate(context), self.right.evaluate(context))


@dataclass(frozen=True)
class Membership(Node):
    negated: bool
    left: Node
    options: Node

    def evaluate(self, context: EvaluationContext) -> Value:
        value = self.left.evaluate(context)
        if is_empty(value):
            return False
        options = self.options.evaluate(context)
        if not isinstance(options, (tuple, list)):
            options = (options,)
        found = any(_equal(value, option) for option in options if not is_empty(option))
        return found != self.negated


@dataclass(frozen=True)
class Arithmetic(Node):
    op: str
    left: Node
    right: Node

    def evaluate(self, context: EvaluationContext) -> Value:
        a = _as_number(self.left.evaluate(context))
        b = _as_number(self.right.evaluate(context))
        if a is None or b is None:
            return None
        if self.op == "+":
            return a + b
        if self.op == "-":
            return a - b
        if self.op == "*":
            return a * b
        if b == 0:
            return None  # division by zero is empty, as in XLSForm's NaN
        if self.op in ("/", "div"):
            return a / b
        return math.fmod(a, b)


@dataclass(frozen=True)
class Call(Node):
    name: str
    args: tuple[Node, ...]
    source: str

    def evaluate(self, context: EvaluationContext) -> Value:
        values = [arg.evaluate(context) for arg in self.args]
        spec = BUILTIN_FUNCTIONS.get(self.name)
        if spec is not None:
            return spec.function(*values)
        function = context.functions.get(self.name)
        if function is None:
            raise ExpressionError(f"function {self.name}() is not available here", self.source)
        return function(*values)


# ----------------------------------------------------------------------------------------------
# Parser
