"""The suite's headline figures in one object, `results.json`'s top-level `"summary"`.

Every key is always there; a figure whose section did not run (or, for the 100,000-petition
figures, ran at a smaller scale) is null.
"""

from __future__ import annotations

from typing import Any

KEYS = ("http_completion_ms", "floor_ms", "http_over_floor", "pg16_throughput_per_s", "growth_200_over_10_sqlite",
        "growth_200_over_10_pg", "tasklist_p95_ms_100k", "search_p95_ms_100k", "timer_delay_p95_ms", "document_ms",
        "statistics_year_ms_100k", "attachment_upload_ms")
"""The issue's ten keys, then the medians of the year's statistics and of an upload (section 4)."""
FULL_SCALE_PETITIONS = 100_000


def _get(data: Any, *path: Any) -> Any:
    for key in path:
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    return data


def _number(value: Any) -> float | None:
    return round(float(value), 3) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _level(results: dict[str, Any], kind: str, users: int) -> dict[str, Any] | None:
    levels = _get(results, "http", kind, "levels") or []
    return next((lv for lv in levels if isinstance(lv, dict) and lv.get("users") == users), None)


def _worst(results: dict[str, Any], *path: str, full_scale: bool = True) -> float | None:
    """The highest figure at `path` over the databases of the scale section (those that held 100,000
    petitions when `full_scale`)."""
    found: list[float] = []
    for scale in (results.get("scale") or {}).values():
        if full_scale and (_get(scale, "data", "petitions") or 0) < FULL_SCALE_PETITIONS:
            continue
        value = _get(scale, *path)
        if _number(value) is not None:
            found.append(float(value))
    return _number(max(found)) if found else None


def build(results: dict[str, Any]) -> dict[str, float | None]:
    """The summary of `results` (as `python -m bench` collects them): exactly `KEYS`, numbers or null."""
    one = _level(results, "sqlite", 1)
    completion = _number(_get(one, "latency_ms", "median"))
    floor = _number(_get(results, "http", "sqlite", "floor", "floor_ms"))
    pg16 = _level(results, "postgresql", 16)
    delays = [_get(run, "delay_ms", "p95") for run in _get(results, "timers", "runs") or []]
    delays = [d for d in delays if _number(d) is not None]
    document = results.get("document")
    document_ms = _get(document, "ms", "median") if isinstance(_get(document, "ms"), dict) else _get(document, "ms")
    summary: dict[str, float | None] = {
        "http_completion_ms": completion,
        "floor_ms": floor,
        "http_over_floor": round(completion / floor, 2) if completion is not None and floor else None,
        "pg16_throughput_per_s": _number(_get(pg16, "completions_per_s")),
        "growth_200_over_10_sqlite": _number(_get(results, "growth", "service", "sqlite", "ratio_200_to_10")),
        "growth_200_over_10_pg": _number(_get(results, "growth", "service", "postgresql", "ratio_200_to_10")),
        "tasklist_p95_ms_100k": _worst(results, "task_list_page", "ms", "p95"),
        "search_p95_ms_100k": _worst(results, "petition_search", "ms", "p95"),
        "timer_delay_p95_ms": _number(max(delays)) if delays else None,
        "document_ms": _number(document_ms),
        "statistics_year_ms_100k": _worst(results, "statistics_of_a_year", "statistics_ms", "median"),
        "attachment_upload_ms": _worst(results, "attachment_upload", "ms", "median", full_scale=False),
    }
    assert tuple(summary) == KEYS
    return summary
