"""Summaries of timing samples: median, p95, mean, as the table and the JSON show them."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from typing import Any


def percentile(samples: Sequence[float], q: float) -> float:
    """The `q` quantile (0..1) by linear interpolation between closest ranks."""
    if not samples:
        return float("nan")
    ordered = sorted(samples)
    pos = (len(ordered) - 1) * q
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def summary(samples_ms: Sequence[float]) -> dict[str, float]:
    """Median, p95, mean, min, max (milliseconds in, milliseconds out) and the count."""
    if not samples_ms:
        return {"n": 0}
    return {"n": len(samples_ms), "median": round(statistics.median(samples_ms), 3),
            "p95": round(percentile(samples_ms, 0.95), 3), "mean": round(statistics.fmean(samples_ms), 3),
            "min": round(min(samples_ms), 3), "max": round(max(samples_ms), 3)}


def timed(call: Callable[[], Any]) -> tuple[float, Any]:
    """Run `call`; (milliseconds taken, its result)."""
    started = time.perf_counter()
    result = call()
    return (time.perf_counter() - started) * 1000, result


def repeat(call: Callable[[], Any], times: int, warmup: int = 3) -> list[float]:
    """Milliseconds of `times` calls of `call` after `warmup` untimed ones."""
    for _ in range(warmup):
        call()
    return [timed(call)[0] for _ in range(times)]
