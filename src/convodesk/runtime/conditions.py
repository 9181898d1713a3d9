"""A small, safe expression language for `when:` clauses.

Flows come from files anyone can edit, so `eval` never runs: expressions are tokenised, parsed
by a tiny Pratt parser into closures, and checked against the names a flow defines at load
time. Evaluation never raises: a comparison with an unset slot or mismatched types is false.

    company_size >= 200 and industry in ['manufacturing', 'logistics']
    email_domain in ['rival.com'] or not (timeline is set)
    'CFO' in committee and fit + intent >= 120
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

Env = Mapping[str, Any]
Evaluator = Callable[[Env], Any]


class ConditionError(ValueError):
    """A condition that cannot be parsed or names something the flow does not define."""

    def __init__(self, message: str, column: int = 0, name: str | None = None) -> None:
        super().__init__(message)
        self.column = column
        self.name = name  # the unknown name, for callers that explain why it is unknown


_TOKEN = re.compile(
    r"""\s*(?:
        (?P<number>\d+(?:\.\d+)?)
      | (?P<string>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
      | (?P<op><=|>=|==|!=|<|>|\(|\)|\[|\]|,|\+|-|\*|/)
      | (?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)
    )""",
    re.VERBOSE,
)
KEYWORDS = frozenset({"and", "or", "not", "in", "is", "set", "true", "false", "none", "null"})


@dataclass(frozen=True)
class _Tok:
    kind: str
    text: str
    pos: int


def _tokenize(source: str) -> list[_Tok]:
    tokens: list[_Tok] = []
    pos = 0
    source = source.rstrip()
    while pos < len(source):
        match = _TOKEN.match(source, pos)
        if not match or match.end() == pos:
            bad = source[pos:].lstrip()
            column = len(source) - len(bad)
            raise ConditionError(f"unexpected character {bad[:1]!r}", column)
        kind = match.lastgroup or ""
        text = match.group(kind)
        start = match.start(kind)
        if kind == "name" and text.lower() in KEYWORDS:
            kind, text = "kw", text.lower()
        tokens.append(_Tok(kind, text, start))
        pos = match.end()
    tokens.append(_Tok("end", "", len(source)))
    return tokens


# Tuples, not `int | float`: isinstance is a hot path here, and a union is built at each use.
_NUMBER = (int, float)
_COLLECTION = (list, tuple, set, frozenset)


def _lower(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def _domain(value: Any) -> str | None:
    if isinstance(value, str) and "@" in value:
        return value.rsplit("@", 1)[1].strip().lower() or None
    return None


def _contains(container: Any, item: Any) -> bool:
    if container is None or item is None:
        return False
    if isinstance(container, str):
        return str(item).lower() in container.lower()
    if isinstance(container, _COLLECTION):
        wanted = _lower(item)
        return any(_lower(element) == wanted for element in container)
    if isinstance(container, Mapping):
        return item in container
    return False


def _in_lowered(lowered: list[Any], item: Any) -> bool:
    """`_contains` for a list literal, whose elements are lowercased once, when it is parsed."""
    return item is not None and _lower(item) in lowered


def _safe(fn: Callable[..., Any]) -> Callable[..., Any]:
    def wrapped(*args: Any) -> Any:
        try:
            return fn(*args)
        except (TypeError, ValueError, AttributeError):
            return None

    return wrapped


FUNCTIONS: dict[str, tuple[int, Callable[..., Any]]] = {
    "domain": (1, _safe(_domain)),
    "lower": (1, _safe(lambda v: v.lower() if isinstance(v, str) else None)),
    "upper": (1, _safe(lambda v: v.upper() if isinstance(v, str) else None)),
    "len": (1, _safe(lambda v: len(v) if v is not None else 0)),
    "contains": (2, _safe(_contains)),
    "startswith": (
        2,
        _safe(lambda v, p: isinstance(v, str) and v.lower().startswith(str(p).lower())),
    ),
    "endswith": (
        2,
        _safe(lambda v, p: isinstance(v, str) and v.lower().endswith(str(p).lower())),
    ),
}


def _equal(left: Any, right: Any) -> bool:
    if isinstance(left, _NUMBER) and isinstance(right, _NUMBER):
        return float(left) == float(right)
    return _lower(left) == _lower(right)  # type: ignore[no-any-return]


def _not_equal(left: Any, right: Any) -> bool:
    return not _equal(left, right)


def _ordered(test: Callable[[Any, Any], Any]) -> Callable[[Any, Any], bool]:
    """An order comparison: false for unset values, booleans and a number against a non-number."""

    def compare(left: Any, right: Any) -> bool:
        if left is None or right is None:
            return False
        if isinstance(left, bool) or isinstance(right, bool):
            return False
        if isinstance(left, _NUMBER) != isinstance(right, _NUMBER):
            return False
        try:
            return test(left, right)  # type: ignore[no-any-return]
        except TypeError:
            return False

    return compare


# Chosen once when a condition is parsed, not looked up by operator at every evaluation.
_COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "==": _equal,
    "!=": _not_equal,
    "<": _ordered(operator.lt),
    "<=": _ordered(operator.le),
    ">": _ordered(operator.gt),
    ">=": _ordered(operator.ge),
}


def _compare(op: str, left: Any, right: Any) -> bool:
    return _COMPARISONS[op](left, right)


def _arith(op: str, left: Any, right: Any) -> Any:
    if not isinstance(left, _NUMBER) or not isinstance(right, _NUMBER):
        return None
    if isinstance(left, bool) or isinstance(right, bool):
        return None
    if op == "+":
        return left + right
    if op == "-":
        return left - right
    if op == "*":
        return left * right
    return left / right if right else None


# Facts for the graph check, read once at load time, never while evaluating: the names that
# are certainly unset when an expression is true, and when it is false. Only `x is set`, its
# negations and `and`/`or` give facts ("x < 10" is false for an unset x, but also for 20).
Facts = tuple[frozenset[str], frozenset[str]]
_NO_FACTS: Facts = (frozenset(), frozenset())


def _facts(node: Any) -> Facts:
    return getattr(node, "unset_facts", _NO_FACTS)


def _with_facts(
    node: Evaluator, when_true: frozenset[str], when_false: frozenset[str]
) -> Evaluator:
    if when_true or when_false:
        node.unset_facts = (when_true, when_false)  # type: ignore[attr-defined]
    return node


def _lookup(name: str) -> Evaluator:
    parts = name.split(".")
    if len(parts) == 1:

        def get_name(env: Env) -> Any:
            return env.get(name)

        get_name.looked_up = name  # type: ignore[attr-defined]  # for `is set` facts
        return get_name

    def get(env: Env) -> Any:
        value: Any = env
        for part in parts:
            if not isinstance(value, Mapping):
                return None
            value = value.get(part)
        return value

    return get


class _Constant:
    """A literal, known once parsed: what compares with it need not evaluate it every time."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __call__(self, env: Env) -> Any:
        return self.value


class _Parser:
    def __init__(self, source: str, names: Callable[[str], bool] | None) -> None:
        self.source = source
        self.tokens = _tokenize(source)
        self.index = 0
        self.accepts = names
        self.used: set[str] = set()

    @property
    def tok(self) -> _Tok:
        return self.tokens[self.index]

    def take(self) -> _Tok:
        tok = self.tokens[self.index]
        self.index += 1
        return tok

    def expect(self, kind: str, text: str | None = None) -> _Tok:
        tok = self.tok
        if tok.kind != kind or (text is not None and tok.text != text):
            wanted = repr(text) if text else kind
            found = repr(tok.text) if tok.text else "the end"
            raise ConditionError(f"expected {wanted} but found {found}", tok.pos)
        return self.take()

    def parse(self) -> Evaluator:
        if self.tok.kind == "end":
            raise ConditionError("empty condition", 0)
        node = self.parse_or()
        if self.tok.kind != "end":
            raise ConditionError(f"unexpected {self.tok.text!r}", self.tok.pos)
        return node

    def parse_or(self) -> Evaluator:
        left = self.parse_and()
        while self.tok.kind == "kw" and self.tok.text == "or":
            self.take()
            right = self.parse_and()
            (lt, lf), (rt, rf) = _facts(left), _facts(right)
            either = (lambda a, b: lambda env: bool(a(env)) or bool(b(env)))(left, right)
            left = _with_facts(either, lt & rt, lf | rf)
        return left

    def parse_and(self) -> Evaluator:
        left = self.parse_not()
        while self.tok.kind == "kw" and self.tok.text == "and":
            self.take()
            right = self.parse_not()
            (lt, lf), (rt, rf) = _facts(left), _facts(right)
            both = (lambda a, b: lambda env: bool(a(env)) and bool(b(env)))(left, right)
            left = _with_facts(both, lt | rt, lf & rf)
        return left

    def parse_not(self) -> Evaluator:
        if self.tok.kind == "kw" and self.tok.text == "not":
            self.take()
            inner = self.parse_not()
            when_true, when_false = _facts(inner)
            return _with_facts(lambda env: not inner(env), when_false, when_true)
        return self.parse_comparison()

    def parse_comparison(self) -> Evaluator:
        left = self.parse_sum()
        tok = self.tok
        if tok.kind == "op" and tok.text in ("==", "!=", "<", "<=", ">", ">="):
            self.take()
            right = self.parse_sum()
            compare = _COMPARISONS[tok.text]
            if isinstance(right, _Constant):
                value = right.value
                return lambda env: compare(left(env), value)
            return lambda env: compare(left(env), right(env))
        if tok.kind == "kw" and tok.text == "in":
            self.take()
            right = self.parse_sum()
            if isinstance(right, _Constant) and isinstance(right.value, list):
                lowered = [_lower(element) for element in right.value]
                return lambda env: _in_lowered(lowered, left(env))
            if isinstance(right, _Constant):
                container = right.value
                return lambda env: _contains(container, left(env))
            return lambda env: _contains(right(env), left(env))
        if tok.kind == "kw" and tok.text == "not" and self.tokens[self.index + 1].text == "in":
            self.take()
            self.take()
            right = self.parse_sum()
            return lambda env: not _contains(right(env), left(env))
        if tok.kind == "kw" and tok.text == "is":
            self.take()
            negate = self.tok.kind == "kw" and self.tok.text == "not"
            if negate:
                self.take()
            self.expect("kw", "set")

            def is_set(env: Env) -> bool:
                value = left(env)
                return value is not None and value != [] and value != ""

            name = getattr(left, "looked_up", None)
            unset = frozenset([name]) if name else frozenset()
            if negate:
                return _with_facts(lambda env: not is_set(env), unset, frozenset())
            return _with_facts(is_set, frozenset(), unset)
        return left

    def parse_sum(self) -> Evaluator:
        left = self.parse_term()
        while self.tok.kind == "op" and self.tok.text in ("+", "-"):
            op = self.take().text
            right = self.parse_term()
            left = (lambda a, b, o: lambda env: _arith(o, a(env), b(env)))(left, right, op)
        return left

    def parse_term(self) -> Evaluator:
        left = self.parse_unary()
        while self.tok.kind == "op" and self.tok.text in ("*", "/"):
            op = self.take().text
            right = self.parse_unary()
            left = (lambda a, b, o: lambda env: _arith(o, a(env), b(env)))(left, right, op)
        return left

    def parse_unary(self) -> Evaluator:
        if self.tok.kind == "op" and self.tok.text == "-":
            self.take()
            inner = self.parse_unary()
            return lambda env: _arith("-", 0, inner(env))
        return self.parse_atom()

    def parse_atom(self) -> Evaluator:
        tok = self.take()
        if tok.kind == "number":
            return _Constant(float(tok.text) if "." in tok.text else int(tok.text))
        if tok.kind == "string":
            return _Constant(re.sub(r"\\(.)", r"\1", tok.text[1:-1]))
        if tok.kind == "kw" and tok.text in ("true", "false", "none", "null"):
            return _Constant({"true": True, "false": False}.get(tok.text))
        if tok.kind == "op" and tok.text == "(":
            inner = self.parse_or()
            self.expect("op", ")")
            return inner
        if tok.kind == "op" and tok.text == "[":
            items: list[Evaluator] = []
            while not (self.tok.kind == "op" and self.tok.text == "]"):
                items.append(self.parse_or())
                if self.tok.kind == "op" and self.tok.text == ",":
                    self.take()
                elif not (self.tok.kind == "op" and self.tok.text == "]"):
                    raise ConditionError("expected ',' or ']' in a list", self.tok.pos)
            self.take()
            if all(isinstance(item, _Constant) for item in items):
                return _Constant([item.value for item in items])  # type: ignore[attr-defined]
            return lambda env: [item(env) for item in items]
        if tok.kind == "name":
            if any(part.startswith("_") for part in tok.text.split(".")):
                raise ConditionError(f"names cannot start with '_': {tok.text!r}", tok.pos)
            if self.tok.kind == "op" and self.tok.text == "(":
                return self.parse_call(tok)
            if self.accepts is not None and not self.accepts(tok.text):
                root = tok.text.split(".")[0]
                if "." in tok.text and self.accepts(root):
                    raise ConditionError(
                        f"'{root}' has no parts: '{tok.text}' names nothing (only context.* does)",
                        tok.pos,
                        tok.text,
                    )
                raise ConditionError(f"unknown name '{tok.text}'", tok.pos, tok.text)
            self.used.add(tok.text)
            return _lookup(tok.text)
        if tok.kind == "end":
            raise ConditionError("expected a value but found the end", tok.pos)
        raise ConditionError(f"unexpected {tok.text!r}", tok.pos)

    def parse_call(self, name: _Tok) -> Evaluator:
        if name.text not in FUNCTIONS:
            known = ", ".join(sorted(FUNCTIONS))
            raise ConditionError(f"unknown function '{name.text}' (known: {known})", name.pos)
        arity, fn = FUNCTIONS[name.text]
        self.expect("op", "(")
        args: list[Evaluator] = []
        while not (self.tok.kind == "op" and self.tok.text == ")"):
            args.append(self.parse_or())
            if self.tok.kind == "op" and self.tok.text == ",":
                self.take()
            elif not (self.tok.kind == "op" and self.tok.text == ")"):
                raise ConditionError("expected ',' or ')' in a call", self.tok.pos)
        self.take()
        if len(args) != arity:
            raise ConditionError(
                f"{name.text}() takes {arity} argument(s), got {len(args)}", name.pos
            )
        return lambda env: fn(*(arg(env) for arg in args))


@dataclass(frozen=True)
class Condition:
    """A compiled `when:` expression."""

    source: str
    evaluate: Evaluator
    names: frozenset[str]
    # Names certainly unset when the condition holds / does not hold ("x is not set" -> {x}).
    unset_if_true: frozenset[str] = frozenset()
    unset_if_false: frozenset[str] = frozenset()

    def __call__(self, env: Env) -> bool:
        try:
            return bool(self.evaluate(env))
        except (RecursionError, ArithmeticError):
            return False


def compile_condition(
    source: str, known: Iterable[str] | Callable[[str], bool] | None = None
) -> Condition:
    """Parse `source`; with `known`, names outside it are errors (context.* is always allowed).

    Only `context` has parts: a slot holds one value, so `size.foo` is an error, not None.
    """
    if len(source) > 2000:
        raise ConditionError("condition is longer than 2000 characters", 0)
    accepts: Callable[[str], bool] | None
    if known is None or callable(known):
        accepts = known  # type: ignore[assignment]
    else:
        allowed = set(known)

        def accepts(name: str) -> bool:
            return name in allowed or name.startswith("context.")

    parser = _Parser(source, accepts)
    try:
        evaluate = parser.parse()
    except RecursionError:
        raise ConditionError("condition is nested too deeply", 0) from None
    when_true, when_false = _facts(evaluate)
    return Condition(source, evaluate, frozenset(parser.used), when_true, when_false)
