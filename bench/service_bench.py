"""Section 2: the petition journey through the use-case layer on a database, in this process.

Per task completion (`tasks.complete`, what the API calls): milliseconds, and SQL statements counted
by a `before_cursor_execute` listener; then the bytes one finished petition keeps in the database.
The same run again with the engine-step limits (service/limits.py) switched off shows what they cost.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from service import limits
from service.config import Settings

from . import databases, storage
from .service_journey import run_journey, timed_journeys
from .settings import scaled
from .stats import summary


def _limits(on: bool) -> None:
    defaults = Settings()
    limits.configure(dataclasses.replace(defaults, step_memory_mb=defaults.step_memory_mb if on else 0,
                                         step_time_s=defaults.step_time_s if on else 0))


def run(kind: str) -> dict[str, Any]:
    """Timings, statement counts and stored bytes on a fresh database of `kind`."""
    journeys = scaled(40, 5)
    with databases.database(kind, "service") as url:
        ctx = databases.deployment(url)
        counter = databases.StatementCounter(ctx.db.engine)
        _limits(True)
        timed_journeys(ctx, 3)
        timings = timed_journeys(ctx, journeys, counter)
        finished = run_journey(ctx)
        stored = storage.instance_bytes(ctx, finished)
        _limits(False)
        timed_journeys(ctx, 2)
        unlimited = timed_journeys(ctx, max(journeys // 2, 3))
        _limits(True)
        counter.remove()
        ctx.db.dispose()
    return {"journeys": journeys, "completion_ms": summary(timings.completion_ms),
            "statements_per_completion": summary([float(n) for n in timings.statements]),
            "stored_per_finished_instance": stored,
            "completion_ms_step_limits_off": summary(unlimited.completion_ms)}
