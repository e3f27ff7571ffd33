"""The code inside a designer's forms: `validate.pattern` and `conditional.hide`, under the diagrams' limits.

A form is code too: a pattern such as `^(a+)+$` takes exponential time in a backtracking engine, and
a hide condition is an expression (`(4000**400000)*(4000**400000) > 0` kept a web worker busy for
29 s under plain simpleeval). So:

- patterns run in RE2 (`google-re2`), whose time is linear in the input, and are refused at upload
  when RE2 cannot run them (back-references, look-arounds), when they are longer than
  `MAX_PATTERN_LENGTH`, or when they repeat a group that itself repeats (`(a+)+`, `(a*)*`): the
  browser checks the same pattern with its own backtracking engine;
- hide conditions are FEEL as form-js writes them (`=disposition != "unfounded"`), turned into an
  expression and evaluated by the sandbox's evaluator (`sandbox.evaluate_expression`: the static
  rules, size-checked operators); at upload they are checked statically and tried once with every
  field empty, which stops constant bombs before anyone submits the form.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from typing import Any

import re2  # type: ignore[import-untyped]

from .errors import ScriptError
from .sandbox import check_expression, evaluate_expression

MAX_PATTERN_LENGTH = 1_000
"""Longest `validate.pattern` a form may hold."""
MAX_NESTING = 32
"""Deepest nesting of groups and lists in a form."""

_FEEL_EQUALS = re.compile(r"(?<![!<>=])=(?!=)")
_NULL = re.compile(r"\bnull\b")
_QUANTIFIER = re.compile(r"[*+]|\{\d*,\d*\}")


def hide_expression(condition: str) -> str:
    """A form-js FEEL condition (`=a = "x"`, `=b != null`) as an expression of the sandbox."""
    return _NULL.sub("None", _FEEL_EQUALS.sub("==", condition.strip().removeprefix("=")))


def hides(condition: Any, data: Mapping[str, Any]) -> bool:
    """Whether a hide condition holds for `data` (fields not in `data` are None); False when it cannot be read."""
    if not isinstance(condition, str) or not condition.strip():
        return False
    try:
        return bool(evaluate_expression(hide_expression(condition), data.get))
    except Exception:  # refused, or a FEEL construct the evaluator does not know: the field stays as declared
        return False


def condition_problem(condition: str) -> str | None:
    """Why a hide condition is refused at upload, or None."""
    expression = hide_expression(condition)
    reason = check_expression(expression)
    if reason:
        return reason
    try:
        evaluate_expression(expression, lambda _name: None)  # every field empty: constants are computed
    except ScriptError as exc:  # a bound of the sandbox (a huge power or repetition, a forbidden name)
        return str(exc)
    except Exception:  # an empty field makes many conditions fail (None > 2): that is not a refusal
        return None
    return None


def _nested_repetition(pattern: str) -> bool:
    """Whether the pattern repeats a group that holds an unbounded repetition (`(a+)+`, `(?:a|b*)*`)."""
    stack: list[bool] = []  # per open group: does it hold an unbounded repetition?
    i, in_class = 0, False
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            if pattern[i + 1:i + 2] == "]":
                i += 1
        elif char == "(":
            stack.append(False)
        elif char == ")" and stack:
            inner = stack.pop()
            repeated = _QUANTIFIER.match(pattern, i + 1) is not None
            if inner and repeated:
                return True
            if stack and (inner or repeated):
                stack[-1] = True
        elif stack and _QUANTIFIER.match(pattern, i):
            stack[-1] = True
        i += 1
    return False


@functools.lru_cache(maxsize=512)
def compile_pattern(pattern: str) -> Any:
    """The pattern compiled by RE2 (linear time); `re2.error` when RE2 cannot run it."""
    options = re2.Options()
    options.log_errors = False
    return re2.compile(pattern, options)


def pattern_problem(pattern: str) -> str | None:
    """Why a `validate.pattern` is refused, or None."""
    if len(pattern) > MAX_PATTERN_LENGTH:
        return f"pattern is {len(pattern)} characters long; the limit is {MAX_PATTERN_LENGTH}"
    if _nested_repetition(pattern):
        return (f"pattern '{pattern}' repeats a group that itself repeats, which can take a browser minutes "
                "to check; write it without the nested repetition")
    try:
        compile_pattern(pattern)
    except re2.error as exc:
        reason = exc.args[0].decode("utf-8", "replace") if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        return f"pattern '{pattern}' cannot be used: {reason}"
    return None


def _components(components: Any, depth: int = 0) -> Iterator[tuple[Mapping[str, Any], int]]:
    if not isinstance(components, list):
        return
    for component in components:
        if isinstance(component, Mapping):
            yield component, depth
            yield from _components(component.get("components"), depth + 1)


def form_problems(form: Mapping[str, Any]) -> list[str]:
    """Every refused pattern and hide condition of a form, each naming its field."""
    problems: list[str] = []
    for component, depth in _components(form.get("components")):
        name = str(component.get("key") or component.get("path") or component.get("id") or component.get("type"))
        if depth > MAX_NESTING:
            return [*problems, f"field '{name}': components are nested more than {MAX_NESTING} deep"]
        rules = component.get("validate")
        pattern = rules.get("pattern") if isinstance(rules, Mapping) else None
        if pattern is not None:
            reason = pattern_problem(str(pattern))
            if reason:
                problems.append(f"field '{name}': {reason}")
        conditional = component.get("conditional")
        hide = conditional.get("hide") if isinstance(conditional, Mapping) else None
        if isinstance(hide, str) and hide.strip():
            reason = condition_problem(hide)
            if reason:
                problems.append(f"field '{name}': hide condition refused: {reason}")
    return problems
