"""The allowance of one engine step: memory, time, tasks created and the size of what it saves.

The host opens a budget around each engine step (`step_budget`); the sandbox checks it whenever a
diagram expression or script starts, and while a script runs (from its trace hook), and the engine
binding checks it after every task the engine runs (`check_element`, from `bounds.StepGuard`), so
a diagram that loops through quick scripts, expands into thousands of tasks or hoards memory is
stopped with `StepBudgetExceeded`: a `BaseException`, which no diagram script may catch and the
engine does not wrap, naming the element that was running. `ALLOWANCES` holds the bounds that are
not about time and memory (the host sets them from its settings).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import FrameType


@dataclass
class Allowances:
    """Bounds of every engine step besides time and memory; the host sets them once at start-up."""

    tasks_per_step: int = 5_000
    """Most engine tasks one step may add to an instance (its sub-processes included)."""
    state_bytes: int = 5 << 20
    """Largest serialized state a step may save; also the most text a script may leave in task data."""


ALLOWANCES = Allowances()

_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


class StepBudgetExceeded(BaseException):
    """An engine step went over its memory or time allowance; `element_id` names what was running."""

    def __init__(self, message: str, element_id: str | None) -> None:
        super().__init__(message)
        self.element_id = element_id


def resident_bytes() -> int:
    """The process's resident memory, from /proc (0 where there is no /proc)."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * _PAGE
    except (OSError, ValueError, IndexError):
        return 0


def running_element(frame: FrameType | None) -> str | None:
    """The BPMN element whose task a frame of the stack is running (a local `task`, `my_task` or `self`)."""
    while frame is not None:
        for name in ("my_task", "task", "self"):
            spec = getattr(frame.f_locals.get(name), "task_spec", None)
            element = getattr(spec, "bpmn_id", None)
            if isinstance(element, str):
                return element
        frame = frame.f_back
    return None


@dataclass
class _Budget:
    deadline: float
    seconds: float
    memory_bytes: int
    baseline: int

    def check_time(self, frame: FrameType | None) -> None:
        if time.monotonic() > self.deadline:
            raise StepBudgetExceeded(f"the engine step ran longer than {self.seconds:g} s and was stopped",
                                     running_element(frame))

    def check_memory(self, frame: FrameType | None) -> None:
        if self.memory_bytes and self.baseline and resident_bytes() - self.baseline > self.memory_bytes:
            raise StepBudgetExceeded(f"the step used more than {self.memory_bytes >> 20} MB of memory and "
                                     "was stopped", running_element(frame))


_current = threading.local()


@contextmanager
def step_budget(memory_bytes: int, seconds: float) -> Iterator[None]:
    """Give this thread's engine step an allowance (0 switches a bound off); nested budgets keep the outer one."""
    if getattr(_current, "budget", None) is not None or not (memory_bytes or seconds):
        yield
        return
    _current.budget = _Budget(time.monotonic() + seconds if seconds else float("inf"), seconds,
                              memory_bytes, resident_bytes() if memory_bytes else 0)
    try:
        yield
    finally:
        _current.budget = None


def check_element(element_id: str | None, memory: bool = True) -> None:
    """Like `check`, for the engine binding, which knows the element (no-op outside a step)."""
    budget: _Budget | None = getattr(_current, "budget", None)
    if budget is None:
        return
    if time.monotonic() > budget.deadline:
        raise StepBudgetExceeded(f"the engine step ran longer than {budget.seconds:g} s and was stopped", element_id)
    if memory and budget.memory_bytes and budget.baseline \
            and resident_bytes() - budget.baseline > budget.memory_bytes:
        raise StepBudgetExceeded(f"the step used more than {budget.memory_bytes >> 20} MB of memory and "
                                 "was stopped", element_id)


def check(frame: FrameType | None, memory: bool = True) -> None:
    """Raise `StepBudgetExceeded` when the running step is over its allowance (no-op outside a step)."""
    budget: _Budget | None = getattr(_current, "budget", None)
    if budget is None:
        return
    budget.check_time(frame)
    if memory:
        budget.check_memory(frame)
