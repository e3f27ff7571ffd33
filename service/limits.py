"""Bounds on one engine step, in memory and in wall-clock time, for the web and the timer worker alike.

The sandbox (`workflows/sandbox.py`) stops a single script after 2 s, but a script can allocate
gigabytes well within that, and a diagram can loop through quick scripts forever. So every engine
step the use cases run (`instances._engine_call`) runs under a profile hook (`sys.setprofile`, this
thread only; the sandbox's time limit uses the separate trace hook) that every `CHECK_EVERY` calls
looks at the process's resident memory and the clock. A step that grew the process by more than
`PETITIONFLOW_STEP_MEMORY_MB` or ran longer than `PETITIONFLOW_STEP_TIME_S` is stopped with
`StepLimitExceeded`, a `BaseException` no diagram script can catch, naming the element that was
running. The use case answers it like any diagram failure (422 on a request, an incident in the
worker), nothing of the step is saved, and the step's objects are collected at once.
`limit_process_memory` adds an address-space limit (RLIMIT_AS) as a last resort for long-running
processes (the worker, gunicorn's workers) when `PETITIONFLOW_PROCESS_MEMORY_MB` is set.
"""

from __future__ import annotations

import gc
import itertools
import os
import resource
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import FrameType
from typing import Any

from .config import Settings

CHECK_EVERY = 64
"""Profile events (calls and returns) between two looks at memory and clock."""


class StepLimitExceeded(BaseException):
    """An engine step went over its memory or time allowance; `element_id` names what was running."""

    def __init__(self, message: str, element_id: str | None) -> None:
        super().__init__(message)
        self.element_id = element_id


@dataclass
class _Limits:
    memory_bytes: int = 256 << 20
    time_s: float = 30.0


_limits = _Limits()
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def configure(settings: Settings) -> None:
    """Take the step allowances from `settings` (0 switches a bound off)."""
    _limits.memory_bytes = max(settings.step_memory_mb, 0) << 20
    _limits.time_s = float(max(settings.step_time_s, 0))


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


class _Guard:
    """The profile hook of one step; its cheap path is one C-level counter per call event."""

    def __init__(self) -> None:
        self.baseline = resident_bytes() if _limits.memory_bytes else 0
        self.deadline = time.monotonic() + _limits.time_s if _limits.time_s else float("inf")
        tick = itertools.count(1).__next__

        def hook(frame: FrameType, _event: str, _arg: Any, _tick: Callable[[], int] = tick) -> None:
            if _tick() % CHECK_EVERY == 0:
                self.check(frame)

        self.hook = hook

    def check(self, frame: FrameType) -> None:
        """Stop the step when it is over its memory or time allowance."""
        if self.baseline and resident_bytes() - self.baseline > _limits.memory_bytes:
            raise StepLimitExceeded(f"the step used more than {_limits.memory_bytes >> 20} MB of memory and "
                                    "was stopped", running_element(frame))
        if time.monotonic() > self.deadline:
            raise StepLimitExceeded(f"the engine step ran longer than {_limits.time_s:g} s and was stopped",
                                    running_element(frame))


_ACTIVE: set[int] = set()


@contextmanager
def bounded_step() -> Iterator[None]:
    """Run the body as one engine step under the memory and time allowances (this thread only)."""
    me = threading.get_ident()
    if not (_limits.memory_bytes or _limits.time_s) or me in _ACTIVE:
        yield  # no bounds, or nested in a step whose bounds hold
        return
    previous = sys.getprofile()
    _ACTIVE.add(me)
    sys.setprofile(_Guard().hook)
    try:
        yield
    except StepLimitExceeded:
        gc.collect()  # the step's objects sit in reference cycles with its traceback: free them now
        raise
    finally:
        sys.setprofile(previous)
        _ACTIVE.discard(me)


def limit_process_memory(megabytes: int) -> None:
    """Cap this process's address space (RLIMIT_AS) at `megabytes`; 0 leaves it as it is."""
    if megabytes <= 0:
        return
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    wanted = megabytes << 20
    resource.setrlimit(resource.RLIMIT_AS, (wanted if hard == resource.RLIM_INFINITY else min(wanted, hard), hard))
