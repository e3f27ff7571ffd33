"""The restricted script engine: every expression and script in a diagram runs here, never in `eval`.

Expressions (gateway conditions, timer expressions, DMN cells, message payloads, correlation keys)
are evaluated by simpleeval over the task data and a short list of functions. Scripts (script tasks,
pre- and post-scripts) are compiled by RestrictedPython and run with guarded attribute, item and
iteration access, no import, size-checked operators (`operators.py`) and a time limit. Results are
copied back only when they are plain data (numbers, text, dates, lists and dicts of them), so nothing
executable survives into the stored state.

Both kinds are checked twice: statically when a diagram is uploaded (`check_expression`,
`check_script`) and again every time they run, so a diagram that skipped the upload checks is
still refused.
"""

from __future__ import annotations

import ast
import builtins
import datetime as _dt
import decimal
import functools
import itertools
import math
import re
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from types import CodeType, FrameType
from typing import Any
from uuid import UUID

from RestrictedPython.compile import compile_restricted_exec
from RestrictedPython.Guards import (
    full_write_guard,
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
    safe_builtins,
    safer_getattr,
)
from RestrictedPython.Limits import limited_builtins
from RestrictedPython.transformer import INSPECT_ATTRIBUTES, RestrictingNodeTransformer
from simpleeval import DEFAULT_NAMES, EvalWithCompoundTypes, InvalidExpression
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment

from . import budget
from .errors import ScriptError
from .operators import (
    AST_BINOPS,
    EXPRESSION_OPERATORS,
    MAX_FORMAT_WIDTH,
    binop,
    guarded_pow,
    inplacevar,
)

BUDGET_CHECK_EVERY = 8
"""Trace events of a script between two checks of the step's memory and time budget."""
SCRIPT_TIME_LIMIT = 2.0
"""Seconds one script may run before it is stopped."""
MAX_RESULT_VALUES = 1_000_000
"""Most values (counting every item of every list and dict) a script may leave in the task data."""
MAX_SOURCE_LENGTH = 100_000
"""Longest script in characters; expressions may have a tenth of it."""

SAFE_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "int": int, "float": float, "str": str, "bool": bool, "len": len, "min": min, "max": max,
    "abs": abs, "round": round, "sum": sum, "sorted": sorted, "any": any, "all": all,
    "list": list, "dict": dict, "set": set, "tuple": tuple,
    "date": _dt.date, "datetime": _dt.datetime, "timedelta": _dt.timedelta,
    "Decimal": decimal.Decimal, "floor": math.floor, "ceil": math.ceil,
}
"""Functions a diagram may call in expressions and scripts; nothing that reaches the host."""

FORBIDDEN_ATTRIBUTES = frozenset(INSPECT_ATTRIBUTES) | {
    "format", "format_map", "mro",  # attribute walks through format strings, the class tree
    "ljust", "rjust", "center", "zfill", "expandtabs",  # padding to any width: memory bombs
    "gi_frame", "gi_code", "gi_yieldfrom", "cr_frame", "cr_code", "cr_await", "ag_frame", "ag_code",
}
"""Attributes no diagram may read, whatever the object (besides every name starting with `_`)."""

FORBIDDEN_NAMES = frozenset({
    "getattr", "setattr", "delattr", "vars", "dir", "eval", "exec", "compile", "open",
    "globals", "locals", "breakpoint", "help", "memoryview", "super",
})
"""Builtins that reach objects' internals or the host; named here so the refusal is explicit."""

_SCRIPT_EXCEPTIONS: dict[str, type[Exception]] = {
    name: getattr(builtins, name)
    for name in (
        "ArithmeticError", "AssertionError", "AttributeError", "Exception", "IndexError",
        "KeyError", "LookupError", "NameError", "OverflowError", "RuntimeError", "TypeError",
        "ValueError", "ZeroDivisionError",
    )
}
"""The only exceptions a script may name (raise or catch): all below `Exception`, so no handler
can swallow the time limit, which is raised as a `BaseException`."""

_GUARD_NAMES = frozenset({
    "_getattr_", "_getitem_", "_getiter_", "_iter_unpack_sequence_", "_unpack_sequence_",
    "_write_", "_inplacevar_", "_binop_", "__builtins__", "__name__", "__metaclass__",
})
_PLAIN_SCALARS = (str, int, float, bool, type(None), decimal.Decimal, _dt.date, _dt.timedelta, UUID)
_DIGITS = re.compile(r"\d+")


def _guarded_getattr(obj: Any, name: str) -> Any:
    if name in FORBIDDEN_ATTRIBUTES:
        raise ScriptError(f"access to '{name}' is not allowed")
    return safer_getattr(obj, name, None, _strict_getattr)  # type: ignore[no-untyped-call]


def _strict_getattr(obj: Any, name: str, *_default: Any) -> Any:
    return getattr(obj, name)


# -- static checks -------------------------------------------------------------------------

@functools.lru_cache(maxsize=2048)
def check_expression(source: str) -> str | None:
    """Return why `source` is not an allowed expression, or None when it is (cached by content)."""
    if len(source) > MAX_SOURCE_LENGTH // 10:
        return f"expression is {len(source)} characters long; the limit is {MAX_SOURCE_LENGTH // 10}"
    try:
        tree = ast.parse(source.strip(), mode="eval")
        return _forbidden_construct(tree, script=False)
    except SyntaxError as exc:
        return f"syntax error in expression: {exc.msg}"
    except (RecursionError, MemoryError):
        return "expression is nested too deeply"


def check_script(source: str) -> str | None:
    """Return why `source` is not an allowed script, or None when it is."""
    return _checked_script(source)[0]


@functools.lru_cache(maxsize=1024)
def _checked_script(source: str) -> tuple[str | None, CodeType | None]:
    """Why `source` is refused (or None) and its restricted compiled code, cached by content."""
    if len(source) > MAX_SOURCE_LENGTH:
        return f"script is {len(source)} characters long; the limit is {MAX_SOURCE_LENGTH}", None
    try:
        reason = _forbidden_construct(ast.parse(source), script=True)
        if reason:
            return reason, None
        result = compile_restricted_exec(source, filename="<string>", policy=_Policy)
    except SyntaxError as exc:
        return f"syntax error on line {exc.lineno}: {exc.msg}", None
    except (RecursionError, MemoryError):
        return "script is nested too deeply", None
    if result.errors:
        return "; ".join(result.errors), None
    if result.code is None:
        return "the script did not compile", None
    return None, result.code


@functools.lru_cache(maxsize=2048)
def _parsed_expression(source: str) -> ast.AST:
    """The expression's syntax tree as simpleeval evaluates it (the tree is only read, never changed)."""
    return _Evaluator.parse(source.strip())  # type: ignore[no-any-return]


_NEVER = (ast.Import, ast.ImportFrom, ast.Global, ast.Nonlocal, ast.ClassDef, ast.AsyncFunctionDef,
          ast.With, ast.AsyncWith, ast.Await)
_NOT_IN_EXPRESSIONS = (ast.Lambda, ast.GeneratorExp, ast.Yield, ast.YieldFrom, ast.NamedExpr)


def _forbidden_construct(tree: ast.AST, *, script: bool) -> str | None:
    for node in ast.walk(tree):
        line = f"line {getattr(node, 'lineno', 1)}"
        if isinstance(node, ast.Import | ast.ImportFrom):
            return f"{line}: import is not allowed in diagram code"
        if isinstance(node, _NEVER) or (not script and isinstance(node, _NOT_IN_EXPRESSIONS)):
            return f"{line}: {type(node).__name__} is not allowed in diagram code"
        if isinstance(node, ast.Attribute) and (node.attr.startswith("_") or node.attr in FORBIDDEN_ATTRIBUTES):
            return f"{line}: access to '{node.attr}' is not allowed"
        if isinstance(node, ast.Name) and (node.id.startswith("_") or node.id in FORBIDDEN_NAMES):
            return f"{line}: the name '{node.id}' is not allowed"
        if isinstance(node, ast.arg) and node.arg.startswith("_"):
            return f"{line}: the name '{node.arg}' is not allowed"
        if isinstance(node, ast.FormattedValue) and node.format_spec is not None:
            reason = _format_spec_problem(node.format_spec)
            if reason:
                return f"{line}: {reason}"
        if script:
            reason = _script_only_problem(node)
            if reason:
                return f"{line}: {reason}"
    return None


def _format_spec_problem(spec: ast.expr) -> str | None:
    parts = spec.values if isinstance(spec, ast.JoinedStr) else [spec]
    if not all(isinstance(p, ast.Constant) and isinstance(p.value, str) for p in parts):
        return "format specs must be written out, not computed"
    text = "".join(str(p.value) for p in parts if isinstance(p, ast.Constant))
    if any(int(d) > MAX_FORMAT_WIDTH for d in _DIGITS.findall(text)):
        return f"format width in '{text}' is over the limit of {MAX_FORMAT_WIDTH}"
    return None


def _script_only_problem(node: ast.AST) -> str | None:
    if isinstance(node, ast.Try | ast.TryStar) and node.finalbody:
        return "'finally' is not allowed in diagram scripts"
    if isinstance(node, ast.ExceptHandler):
        names = node.type.elts if isinstance(node.type, ast.Tuple) else [node.type]
        if not all(isinstance(n, ast.Name) and n.id in _SCRIPT_EXCEPTIONS for n in names):
            return f"handlers may only catch {', '.join(sorted(_SCRIPT_EXCEPTIONS))}"
        if node.name in _SCRIPT_EXCEPTIONS:
            return f"the name '{node.name}' cannot be reassigned"
    stored = node.id if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load) else (
        node.arg if isinstance(node, ast.arg) else node.name if isinstance(node, ast.FunctionDef) else None)
    if stored in _SCRIPT_EXCEPTIONS:
        return f"the name '{stored}' cannot be reassigned"
    return None


class _Policy(RestrictingNodeTransformer):
    """RestrictedPython's rules, plus size-checked `*`, `**`, `+`, `<<` and `%`."""

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        node = self.node_contents_visit(node)
        symbol = AST_BINOPS.get(type(node.op))
        if symbol is None:
            return node
        call = ast.Call(func=ast.Name("_binop_", ast.Load()),
                        args=[ast.Constant(symbol), node.left, node.right], keywords=[])
        return ast.fix_missing_locations(ast.copy_location(call, node))


class _Evaluator(EvalWithCompoundTypes):  # type: ignore[misc]
    """simpleeval with this module's attribute and format-spec rules checked at run time too."""

    def _eval_attribute(self, node: ast.Attribute) -> Any:
        if node.attr in FORBIDDEN_ATTRIBUTES:
            raise ScriptError(f"access to '{node.attr}' is not allowed")
        return super()._eval_attribute(node)

    def _eval_formattedvalue(self, node: ast.FormattedValue) -> Any:
        reason = _format_spec_problem(node.format_spec) if node.format_spec is not None else None
        if reason:
            raise ScriptError(reason)
        return super()._eval_formattedvalue(node)


# -- running -------------------------------------------------------------------------------

_IDLE = threading.local()
"""Each thread's evaluators not in use. Making one costs more than most evaluations (its table of
node handlers, and a reference cycle for the garbage collector), and a step evaluates dozens."""


@contextmanager
def _evaluator(names: Mapping[str, Any]) -> Iterator[_Evaluator]:
    """An evaluator of diagram expressions over `names`, this thread's own while the block runs (an
    evaluation inside another, through a function, gets another one)."""
    idle: list[_Evaluator] | None = getattr(_IDLE, "evaluators", None)
    if idle is None:
        idle = _IDLE.evaluators = []
    evaluator = idle.pop() if idle else _Evaluator(operators=EXPRESSION_OPERATORS, functions=dict(SAFE_FUNCTIONS))
    evaluator.names = names
    try:
        yield evaluator
    finally:
        evaluator.names = {}
        if len(idle) < 4:
            idle.append(evaluator)


def evaluate_expression(expression: str, lookup: Callable[[str], Any]) -> Any:
    """Evaluate an expression outside a diagram (a form's condition) under the diagrams' rules.

    The static check, the size-checked operators and the safe functions are those of diagram
    expressions; names are looked up through `lookup`. Raises `ScriptError` when a rule refuses it,
    and simpleeval's `InvalidExpression` (or a plain Python error) when it cannot be evaluated.
    """
    reason = check_expression(expression)
    if reason:
        raise ScriptError(reason)
    evaluator = _Evaluator(operators=EXPRESSION_OPERATORS, names=lambda node: lookup(node.id),
                           functions=dict(SAFE_FUNCTIONS))
    try:
        return evaluator.eval(expression.strip())
    except (RecursionError, MemoryError) as exc:
        raise ScriptError(f"expression too large: {type(exc).__name__}") from None


def _script_builtins() -> dict[str, Any]:
    names: dict[str, Any] = {k: v for k, v in safe_builtins.items() if not k.startswith("_")}
    names.update(limited_builtins)
    for unwanted in ("setattr", "delattr", "id", "hash", "repr", "issubclass", *FORBIDDEN_NAMES):
        names.pop(unwanted, None)
    names = {k: v for k, v in names.items()
             if not (isinstance(v, type) and issubclass(v, BaseException))}
    names.update(_SCRIPT_EXCEPTIONS)
    names.update(SAFE_FUNCTIONS)
    names["isinstance"] = isinstance
    names["pow"] = guarded_pow
    return names


_SCRIPT_BUILTINS = _script_builtins()


class _TimeLimit(BaseException):
    """Raised inside a script that ran too long; not catchable by any handler a script may write."""


@contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """The script's own time limit, and the step's budget (`budget.py`) every few events."""
    deadline = time.monotonic() + seconds
    previous = sys.gettrace()
    tick = itertools.count(1).__next__

    def trace(frame: FrameType, event: str, arg: Any) -> Any:
        frame.f_trace_opcodes = True  # a one-line `while True: pass` sends no line events
        if time.monotonic() > deadline:
            raise _TimeLimit
        if tick() % BUDGET_CHECK_EVERY == 0:  # C calls such as list.extend can double memory in one event
            budget.check(frame)
        return trace

    sys.settrace(trace)
    try:
        yield
    finally:
        sys.settrace(previous)


def _is_plain(value: Any, allowance: list[int], depth: int = 0) -> bool:
    """Whether `value` is plain data; raises when the results hold over `MAX_RESULT_VALUES` values or
    more text than a step may save (`budget.ALLOWANCES.state_bytes`, counted once per reference)."""
    allowance[0] -= 1
    if allowance[0] < 0:
        raise ScriptError(f"the script's results hold more than {MAX_RESULT_VALUES} values")
    if depth > 32:
        return False
    if isinstance(value, str):
        allowance[1] -= len(value)
        if allowance[1] < 0:
            raise ScriptError(f"the script's results hold more than {budget.ALLOWANCES.state_bytes} characters "
                              "of text, more than a step may save")
        return True
    if isinstance(value, _PLAIN_SCALARS):
        return True
    if isinstance(value, list | tuple | set | frozenset):
        return all(_is_plain(v, allowance, depth + 1) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str | int) and _is_plain(k, allowance, depth + 1)
                   and _is_plain(v, allowance, depth + 1) for k, v in value.items())
    return False


def _kept(value: Any, original: Mapping[str, Any], key: str, allowance: list[int]) -> bool:
    """Whether a script's variable goes back into the task data: plain data, or a value it was given.

    A list or dict it was given may have grown in place, so it is counted against the allowance too.
    """
    if key in original and original[key] is value:
        if isinstance(value, list | dict | set):
            _is_plain(value, allowance)
        return True
    return _is_plain(value, allowance)


def _script_line(exc: BaseException) -> str:
    lines = [f.lineno for f in traceback.extract_tb(exc.__traceback__) if f.filename == "<string>"]
    return f"line {lines[-1]}: " if lines else ""


class RestrictedEnvironment(BasePythonScriptEngineEnvironment):  # type: ignore[misc]
    """The SpiffWorkflow script environment that runs diagrams' code under restrictions."""

    def __init__(self, time_limit: float | None = None) -> None:
        super().__init__({})
        self._time_limit = time_limit

    @property
    def time_limit(self) -> float:
        """Seconds a script may run: the constructor's value, else `SCRIPT_TIME_LIMIT` at call time."""
        return SCRIPT_TIME_LIMIT if self._time_limit is None else self._time_limit

    def evaluate(
        self, expression: str, context: Mapping[str, Any], external_context: Mapping[str, Any] | None = None
    ) -> Any:
        """Evaluate `expression` over `context` (task data) with simpleeval; `ScriptError` if refused."""
        budget.check(sys._getframe(), memory=False)  # a diagram looping through conditions stops at the deadline
        reason = check_expression(expression)
        if reason:
            raise ScriptError(reason)
        names: dict[str, Any] = dict(DEFAULT_NAMES)
        names.update(external_context or {})
        names.update(context)
        try:
            with _evaluator(names) as evaluator:
                return evaluator.eval(expression.strip(), _parsed_expression(expression))
        except InvalidExpression as exc:
            raise ScriptError(str(exc)) from None
        except (RecursionError, MemoryError) as exc:
            raise ScriptError(f"expression too large: {type(exc).__name__}") from None

    def execute(
        self, script: str, context: dict[str, Any], external_context: Mapping[str, Any] | None = None
    ) -> bool:
        """Run `script` over `context` (task data, updated in place with plain results)."""
        budget.check(sys._getframe())
        reason, code = _checked_script(script)
        if reason or code is None:
            raise ScriptError(reason or "the script did not compile")
        external = dict(external_context or {})
        scope: dict[str, Any] = {
            k: v for k, v in {**external, **context}.items()
            if not k.startswith("_") and k not in _SCRIPT_EXCEPTIONS
        }
        scope.update({
            "__builtins__": _SCRIPT_BUILTINS,
            "__name__": "script",
            "__metaclass__": type,
            "_getattr_": _guarded_getattr,
            "_getitem_": lambda ob, index: ob[index],
            "_getiter_": iter,
            "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
            "_unpack_sequence_": guarded_unpack_sequence,
            "_write_": full_write_guard,
            "_inplacevar_": inplacevar,
            "_binop_": binop,
        })
        try:
            with _time_limit(self.time_limit):
                exec(code, scope)
        except _TimeLimit:
            raise ScriptError(f"the script ran longer than {self.time_limit} s and was stopped") from None
        except ScriptError as exc:
            raise ScriptError(f"{_script_line(exc)}{exc}") from None
        except (Exception, SystemExit, GeneratorExit) as exc:
            raise ScriptError(f"{_script_line(exc)}{type(exc).__name__}: {exc}") from None
        original, allowance = dict(context), [MAX_RESULT_VALUES, budget.ALLOWANCES.state_bytes or sys.maxsize]
        results = {
            k: v for k, v in scope.items()
            if k not in _GUARD_NAMES and k not in external and not k.startswith("_")
            and _kept(v, original, k, allowance)
        }
        context.clear()
        context.update(results)
        return True

    def call_service(self, context: Mapping[str, Any], **kwargs: Any) -> Any:
        """Service tasks are not offered to diagrams."""
        raise ScriptError("service tasks are not available to diagrams")
