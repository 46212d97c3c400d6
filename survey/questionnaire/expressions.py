"""A small, safe expression language for skip logic, constraints and indicator rules.

The language is close to XLSForm's (``${q}`` references, ``.`` for the current answer,
``selected()``, ``count-selected()``, ``and``/``or``/``not``, ``div``/``mod``) plus ``in`` lists
and ``==``. Text is tokenised and parsed by recursive descent into a tree of small nodes that
are evaluated against a context; nothing is ever handed to Python's ``eval``.

Empty values (unanswered or hidden questions) are ``None``: arithmetic with them gives ``None``,
and every comparison with them, ``!=`` included, is false, so a question that depends on a
hidden question stays hidden.

Example
-------
>>> rule = compile_expression("${overall} >= 4 and not(selected(${sites}, 'none'))")
>>> rule.references
('overall', 'sites')
>>> rule.evaluate(EvaluationContext(answers={"overall": 5, "sites": ["village"]}))
True
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields

from survey.errors import ExpressionError
from survey.questionnaire.expression_tree import (  # noqa: F401 - Value, EvaluationContext and is_empty are this module's face too
    Arithmetic,
    BUILTIN_FUNCTIONS,
    Call,
    Comparison,
    Current,
    EvaluationContext,
    ListLiteral,
    Literal,
    Logical,
    Membership,
    Negate,
    Node,
    Not,
    Reference,
    Value,
    _truthy,
    is_empty,
)


_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<ref>\$\{\s*(?P<refname>[A-Za-z_][A-Za-z0-9_.-]*)\s*\})
  | (?P<number>\d+(?:\.\d*)?|\.\d+)
  | (?P<string>'[^']*'|"[^"]*")
  | (?P<op><=|>=|!=|==|<>|[=<>+\-*/(),.])
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*(?:-[A-Za-z_][A-Za-z0-9_]*)*)
    """,
    re.VERBOSE,
)

_KEYWORDS = {"and", "or", "not", "in", "div", "mod", "true", "false"}


@dataclass(frozen=True)
class Token:
    kind: str  # ref, number, string, op, name, end
    text: str
    position: int


def tokenize(text: str) -> list[Token]:
    """Split ``text`` into tokens; raise ExpressionError at the first character not understood."""
    tokens: list[Token] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            raise ExpressionError(f"unexpected character {text[position]!r}", text, position)
        kind = match.lastgroup
        if kind == "refname":  # pragma: no cover - lastgroup is the outer group
            kind = "ref"
        if kind != "space":
            value = match.group("refname") if kind == "ref" else match.group(kind)
            tokens.append(Token(kind, value, position))
        position = match.end()
    tokens.append(Token("end", "", len(text)))
    return tokens


MAX_NESTING = 64  # deepest nesting of parentheses, calls, "not" and signs
MAX_TREE_DEPTH = 256  # deepest syntax tree (a chain a + b + ... of 256 terms); evaluation recurses


class _Parser:
    def __init__(self, text: str, extra_functions: Mapping[str, tuple[int, int | None]]) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.index = 0
        self.extra_functions = extra_functions
        self.references: list[str] = []
        self.uses_current = False
        self.depth = 0

    def _nest(self) -> None:
        """Count one more level of nesting; refuse beyond MAX_NESTING (no RecursionError)."""
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise self._error(f"nested more than {MAX_NESTING} levels deep; simplify the expression")

    # token helpers
    @property
    def token(self) -> Token:
        return self.tokens[self.index]

    def _is(self, kind: str, text: str | None = None) -> bool:
        token = self.token
        if token.kind != kind:
            return False
        if text is None:
            return True
        return token.text.lower() == text if kind == "name" else token.text == text

    def _advance(self) -> Token:
        token = self.token
        self.index += 1
        return token

    def _expect(self, kind: str, text: str) -> Token:
        if not self._is(kind, text):
            found = self.token.text or "end of expression"
            raise ExpressionError(f"expected {text!r}, found {found!r}", self.text, self.token.position)
        return self._advance()

    def _error(self, message: str) -> ExpressionError:
        return ExpressionError(message, self.text, self.token.position)

    # grammar
    def parse(self) -> Node:
        if self._is("end"):
            raise self._error("empty expression")
        node = self._or()
        if not self._is("end"):
            raise self._error(f"unexpected {self.token.text!r}")
        return node

    def _or(self) -> Node:
        self._nest()
        node = self._and()
        while self._is("name", "or"):
            self._advance()
            node = Logical("or", node, self._and())
        self.depth -= 1
        return node

    def _and(self) -> Node:
        node = self._not()
        while self._is("name", "and"):
            self._advance()
            node = Logical("and", node, self._not())
        return node

    def _not(self) -> Node:
        if self._is("name", "not") and not self.tokens[self.index + 1].text == "(":
            self._advance()
            self._nest()
            node = Not(self._not())
            self.depth -= 1
            return node
        return self._comparison()

    def _comparison(self) -> Node:
        node = self._additive()
        if self.token.kind == "op" and self.token.text in ("=", "==", "!=", "<>", "<", "<=", ">", ">="):
            op = self._advance().text
            return Comparison(op, node, self._additive())
        if self._is("name", "in"):
            self._advance()
            return Membership(False, node, self._additive())
        if self._is("name", "not") and self.tokens[self.index + 1].text.lower() == "in":
            self._advance()
            self._advance()
            return Membership(True, node, self._additive())
        return node

    def _additive(self) -> Node:
        node = self._multiplicative()
        while self.token.kind == "op" and self.token.text in ("+", "-"):
            op = self._advance().text
            node = Arithmetic(op, node, self._multiplicative())
        return node

    def _multiplicative(self) -> Node:
        node = self._unary()
        while (self.token.kind == "op" and self.token.text in ("*", "/")) or self._is("name", "div") or self._is(
            "name", "mod"
        ):
            op = self._advance().text.lower()
            node = Arithmetic(op, node, self._unary())
        return node

    def _unary(self) -> Node:
        if self._is("op", "-"):
            self._advance()
            self._nest()
            node = Negate(self._unary())
            self.depth -= 1
            return node
        return self._primary()

    def _primary(self) -> Node:
        token = self.token
        if token.kind == "number":
            self._advance()
            number = float(token.text)
            return Literal(int(number) if number.is_integer() and "." not in token.text else number)
        if token.kind == "string":
            self._advance()
            return Literal(token.text[1:-1])
        if token.kind == "ref":
            self._advance()
            self.references.append(token.text)
            return Reference(token.text)
        if self._is("op", "."):
            self._advance()
            self.uses_current = True
            return Current()
        if self._is("op", "("):
            self._advance()
            items = [self._or()]
            while self._is("op", ","):
                self._advance()
                items.append(self._or())
            self._expect("op", ")")
            return items[0] if len(items) == 1 else ListLiteral(tuple(items))
        if token.kind == "name":
            lowered = token.text.lower()
            if lowered in ("true", "false") and self.tokens[self.index + 1].text != "(":
                self._advance()
                return Literal(lowered == "true")
            if self.tokens[self.index + 1].text == "(":
                return self._call()
            if lowered in _KEYWORDS:
                raise self._error(f"unexpected {token.text!r}")
            raise self._error(f"unknown name {token.text!r} (refer to questions as ${{{token.text}}})")
        if token.kind == "end":
            raise self._error("expression ends too early")
        raise self._error(f"unexpected {token.text!r}")

    def _call(self) -> Node:
        name_token = self._advance()
        name = name_token.text.lower()
        self._expect("op", "(")
        args: list[Node] = []
        if not self._is("op", ")"):
            args.append(self._or())
            while self._is("op", ","):
                self._advance()
                args.append(self._or())
        self._expect("op", ")")
        if name in BUILTIN_FUNCTIONS:
            low, high = BUILTIN_FUNCTIONS[name].min_args, BUILTIN_FUNCTIONS[name].max_args
        elif name in self.extra_functions:
            low, high = self.extra_functions[name]
        else:
            raise ExpressionError(f"unknown function {name_token.text}()", self.text, name_token.position)
        if len(args) < low or (high is not None and len(args) > high):
            expected = str(low) if low == high else f"{low} to {high if high is not None else 'any'}"
            raise ExpressionError(
                f"{name}() takes {expected} argument(s), got {len(args)}", self.text, name_token.position
            )
        return Call(name, tuple(args), self.text)


@dataclass(frozen=True)
class Expression:
    """A parsed expression: its text, the question ids it refers to, and its syntax tree."""

    text: str
    root: Node
    references: tuple[str, ...]
    uses_current: bool

    def evaluate(self, context: EvaluationContext) -> Value:
        return self.root.evaluate(context)

    def is_true(self, context: EvaluationContext) -> bool:
        return _truthy(self.evaluate(context))


def compile_expression(
    text: str,
    *,
    allow_current: bool = False,
    extra_functions: Mapping[str, tuple[int, int | None]] | None = None,
) -> Expression:
    """Parse ``text``; raise ExpressionError naming the position of the first problem.

    ``allow_current`` permits ``.`` (constraints). ``extra_functions`` maps further function
    names to their (min, max) argument counts (indicator rules); they are supplied at
    evaluation time through ``EvaluationContext.functions``.
    """
    if not isinstance(text, str):
        raise ExpressionError("expression must be text", repr(text))
    parser = _Parser(text, extra_functions or {})
    root = parser.parse()
    if _tree_depth(root) > MAX_TREE_DEPTH:
        raise ExpressionError(f"more than {MAX_TREE_DEPTH} chained operations; simplify the expression", text)
    if parser.uses_current and not allow_current:
        raise ExpressionError("'.' (the current answer) is only allowed in constraints", text)
    references = tuple(dict.fromkeys(parser.references))
    return Expression(text=text, root=root, references=references, uses_current=parser.uses_current)


def _tree_depth(root: Node) -> int:
    """Depth of the syntax tree, walked without recursion (long chains such as 1+1+...+1)."""
    deepest, stack = 0, [(root, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        for f in fields(node):  # type: ignore[arg-type]
            child = getattr(node, f.name)
            children = child if isinstance(child, tuple) else (child,)
            stack.extend((c, depth + 1) for c in children if isinstance(c, Node))
    return deepest


def truthy(value: Value) -> bool:
    """The truth value the language gives ``value`` (empty is false)."""
    return _truthy(value)
