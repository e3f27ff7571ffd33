"""Bounds on one engine step, in memory and in wall-clock time, for the web and the timer worker alike.

The sandbox (`workflows/sandbox.py`) stops a single script after 2 s, but a script can allocate
gigabytes well within that, and a diagram can loop through quick scripts forever. So every engine
step the use cases run (`instances._engine_call`) gets a budget (`workflows/budget.py`) that the
sandbox checks whenever diagram code starts and, while a script runs, every few trace events. A
step that grew the process by more than `PETITIONFLOW_STEP_MEMORY_MB` or ran longer than
`PETITIONFLOW_STEP_TIME_S` is stopped with `StepLimitExceeded`, a `BaseException` no diagram script
can catch, naming the element that was running. The use case answers it like any diagram failure
(422 on a request, an incident in the worker), nothing of the step is saved, and the step's
objects are collected at once. A step whose diagram runs no code costs nothing extra.
The engine's own work is bounded too (`workflows/bounds.py`): `configure` also sets the tasks one
step may create (`PETITIONFLOW_STEP_MAX_TASKS`) and the size of the state it may save
(`PETITIONFLOW_MAX_STATE_BYTES`, checked by `state_too_large` before anything is stored); a step
over any bound is answered as `LimitExceeded`, which the worker does not retry on its own.
`limit_process_memory` adds an address-space limit (RLIMIT_AS) as a last resort for long-running
processes (the worker, gunicorn's workers) when `PETITIONFLOW_PROCESS_MEMORY_MB` is set.
"""

from __future__ import annotations

import gc
import resource
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from workflows import budget
from workflows.budget import StepBudgetExceeded, resident_bytes, step_budget

from .config import Settings

__all__ = ["StepLimitExceeded", "bounded_step", "configure", "limit_process_memory", "resident_bytes",
           "state_too_large"]

StepLimitExceeded = StepBudgetExceeded
"""An engine step went over its memory or time allowance; `element_id` names what was running."""


@dataclass
class _Limits:
    memory_bytes: int = 256 << 20
    time_s: float = 30.0


_limits = _Limits()


def configure(settings: Settings) -> None:
    """Take the step allowances from `settings` (0 switches a bound off)."""
    _limits.memory_bytes = max(settings.step_memory_mb, 0) << 20
    _limits.time_s = float(max(settings.step_time_s, 0))
    budget.ALLOWANCES.tasks_per_step = max(settings.step_max_tasks, 0)
    budget.ALLOWANCES.state_bytes = max(settings.max_state_bytes, 0)


def state_too_large(state: str) -> str | None:
    """Why a serialized engine state may not be stored (over `PETITIONFLOW_MAX_STATE_BYTES`), or None.

    Measured in UTF-8 bytes, encoding only when the text could be over the limit.
    """
    limit = budget.ALLOWANCES.state_bytes
    if not limit or len(state) * 4 <= limit:
        return None
    size = len(state) if state.isascii() else len(state.encode("utf-8"))
    if size > limit:
        return (f"the step would save {size / 1048576:.1f} MB of process state; the limit is "
                f"{limit / 1048576:g} MB (PETITIONFLOW_MAX_STATE_BYTES)")
    return None


@contextmanager
def bounded_step() -> Iterator[None]:
    """Run the body as one engine step under the memory and time allowances (this thread only)."""
    try:
        with step_budget(_limits.memory_bytes, _limits.time_s):
            yield
    except StepLimitExceeded:
        gc.collect()  # the step's objects sit in reference cycles with its traceback: free them now
        raise


def limit_process_memory(megabytes: int) -> None:
    """Cap this process's address space (RLIMIT_AS) at `megabytes`; 0 leaves it as it is."""
    if megabytes <= 0:
        return
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    wanted = megabytes << 20
    resource.setrlimit(resource.RLIMIT_AS, (wanted if hard == resource.RLIM_INFINITY else min(wanted, hard), hard))
