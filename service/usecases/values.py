"""Values no database or JSON column can hold, refused before they reach one.

PostgreSQL text cannot hold NUL, UTF-8 cannot carry a lone surrogate, JSON has no NaN or
Infinity, and a number of thousands of digits is no datum anyone keeps. Every way data enters
(a petition's fields, an instance's starting data, a task's or message's data, an admin's
correction) goes through `refuse_unstorable`, which answers `Invalid` naming the field.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from .errors import Invalid

MAX_INT_DIGITS = 100
"""Longest integer kept (decimal digits); longer ones are refused, not stored."""


def _text_problem(text: str) -> str | None:
    if "\x00" in text:
        return "contains a NUL character"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "contains a lone surrogate (not valid Unicode text)"
    return None


def problems(value: Any, where: str = "") -> dict[str, str]:
    """Field path -> why the value cannot be stored, for every such value inside `value`."""
    found: dict[str, str] = {}
    stack: list[tuple[str, Any]] = [(where, value)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, str):
            why = _text_problem(item)
        elif isinstance(item, bool):
            why = None
        elif isinstance(item, int):
            why = f"has more than {MAX_INT_DIGITS} digits" if item.bit_length() > MAX_INT_DIGITS * 3.33 else None
        elif isinstance(item, float):
            why = None if math.isfinite(item) else "is not a finite number (NaN and Infinity are not kept)"
        elif isinstance(item, Mapping):
            why = None
            for key, child in item.items():
                name = f"{path}.{key}" if path else str(key)
                key_problem = _text_problem(key) if isinstance(key, str) else None
                if key_problem:
                    found[path or "data"] = f"a key {key_problem}"
                else:
                    stack.append((name, child))
        elif isinstance(item, list | tuple):
            why = None
            stack.extend((f"{path}[{n}]", child) for n, child in enumerate(item))
        else:
            why = None
        if why:
            found[path or "data"] = why
    return found


def refuse_unstorable(value: Any, what: str) -> None:
    """Raise `Invalid` when `value` (a field or nested data) holds anything `problems` finds."""
    found = problems(value)
    if found:
        raise Invalid(f"{what} holds values that cannot be stored",
                      [f"{path}: {why}" for path, why in sorted(found.items())],
                      fields={path: [why] for path, why in found.items()})
