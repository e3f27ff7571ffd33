"""Operators whose results are size-checked, for expressions and scripts alike.

`'a' * 10**10`, `9 ** 9 ** 9`, `1 << 10**10` and `"%*d" % (10**9, 1)` would each take the host's
memory or time before anything else could stop them; here they fail at once with a `ScriptError`.
So does `[big] * 3000`: few items, but each a reference to the same long text, which the stored
state would repeat 3000 times (`budget.ALLOWANCES.state_bytes`).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from itertools import compress, repeat
from typing import Any

from simpleeval import DEFAULT_OPERATORS

from . import budget
from .errors import ScriptError

MAX_SEQUENCE_LENGTH = 100_000
"""Longest text, list or tuple an operator may build (`'a' * n`, `s + s`)."""
MAX_INT_BITS = 10_000
"""Largest integer an operator may build (about 3,000 decimal digits)."""
MAX_FORMAT_WIDTH = 1_000
"""Widest field a format spec (`f"{x:>20}"`, `"%20s" % x`) may ask for."""

_PRINTF_SPEC = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")


def _check_length(length: int) -> None:
    if length > MAX_SEQUENCE_LENGTH:
        raise ScriptError(f"result would hold {length} items; the limit is {MAX_SEQUENCE_LENGTH}")


def _sized(value: Any) -> bool:
    return isinstance(value, str | bytes | list | tuple)


def _text_in(seq: Any) -> int:
    """Characters of the texts a list or tuple holds directly (each reference counts: it is saved each time)."""
    if not isinstance(seq, list | tuple):
        return 0
    # builtins only: a generator here would be traced by the script's time limit, item by item
    return sum(map(len, compress(seq, map(isinstance, seq, repeat((str, bytes))))))


def _check_text(size: int) -> None:
    limit = budget.ALLOWANCES.state_bytes
    if limit and size > limit:
        raise ScriptError(f"result would hold {size} characters of text; a step may save at most {limit}")


def guarded_mul(a: Any, b: Any) -> Any:
    """`a * b`, refused when it would build a huge sequence or integer, or repeat text past what a step may save."""
    for seq, count in ((a, b), (b, a)):
        if _sized(seq) and isinstance(count, int):
            _check_length(len(seq) * max(count, 0))
            _check_text(_text_in(seq) * max(count, 0))
    if isinstance(a, int) and isinstance(b, int) and a.bit_length() + b.bit_length() > MAX_INT_BITS:
        raise ScriptError(f"integer result would exceed {MAX_INT_BITS} bits")
    return a * b


def guarded_pow(a: Any, b: Any, modulo: Any = None) -> Any:
    """`a ** b` (and `pow`), refused when the integer result would exceed `MAX_INT_BITS`."""
    if modulo is not None:
        return pow(a, b, modulo)
    if isinstance(a, int) and isinstance(b, int) and b > 0 and abs(a) > 1 \
            and b * abs(a).bit_length() > MAX_INT_BITS:
        raise ScriptError(f"{a} ** {b} would exceed {MAX_INT_BITS} bits")
    return a**b


def guarded_add(a: Any, b: Any) -> Any:
    """`a + b`, refused when it would build a sequence over `MAX_SEQUENCE_LENGTH`."""
    if _sized(a) and _sized(b):
        _check_length(len(a) + len(b))
        _check_text(_text_in(a) + _text_in(b))
    return a + b


def guarded_lshift(a: Any, b: Any) -> Any:
    """`a << b`, refused when the integer result would exceed `MAX_INT_BITS`."""
    if isinstance(a, int) and isinstance(b, int) and a.bit_length() + b > MAX_INT_BITS:
        raise ScriptError(f"{a} << {b} would exceed {MAX_INT_BITS} bits")
    return a << b


def guarded_mod(a: Any, b: Any) -> Any:
    """`a % b`; for printf-style formatting, refuses `*` widths and widths over `MAX_FORMAT_WIDTH`."""
    if isinstance(a, str | bytes):
        text = a.decode("latin-1") if isinstance(a, bytes) else a
        for match in _PRINTF_SPEC.finditer(text):
            for width in match.groups():
                if width == "*" or (width and int(width) > MAX_FORMAT_WIDTH):
                    raise ScriptError(f"format width {width} is not allowed (limit {MAX_FORMAT_WIDTH})")
    return a % b


BINOPS: dict[str, Callable[..., Any]] = {
    "*": guarded_mul, "**": guarded_pow, "+": guarded_add, "<<": guarded_lshift, "%": guarded_mod,
}
AST_BINOPS: dict[type[ast.operator], str] = {
    ast.Mult: "*", ast.Pow: "**", ast.Add: "+", ast.LShift: "<<", ast.Mod: "%",
}
INPLACE_OPS: dict[str, Callable[[Any, Any], Any]] = {
    "+=": guarded_add, "*=": guarded_mul, "**=": guarded_pow, "<<=": guarded_lshift,
    "%=": guarded_mod,
    "-=": lambda a, b: a - b, "/=": lambda a, b: a / b, "//=": lambda a, b: a // b,
    "|=": lambda a, b: a | b, "&=": lambda a, b: a & b, "^=": lambda a, b: a ^ b,
    ">>=": lambda a, b: a >> b,
}
EXPRESSION_OPERATORS = {
    **DEFAULT_OPERATORS,
    ast.Mult: guarded_mul, ast.Pow: guarded_pow, ast.Add: guarded_add,
    ast.LShift: guarded_lshift, ast.Mod: guarded_mod,
}


def binop(symbol: str, left: Any, right: Any) -> Any:
    """A size-checked binary operator by its symbol (RestrictedPython's `_binop_` hook)."""
    return BINOPS[symbol](left, right)


def inplacevar(op: str, left: Any, right: Any) -> Any:
    """An augmented assignment (`x += y`), size-checked (RestrictedPython's `_inplacevar_` hook)."""
    try:
        operator = INPLACE_OPS[op]
    except KeyError:
        raise ScriptError(f"operator {op} is not allowed in scripts") from None
    return operator(left, right)
