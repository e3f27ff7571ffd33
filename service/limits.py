"""Bounds on one engine step, in memory and in wall-clock time, for the web and the timer worker alike.

The sandbox (`workflows/sandbox.py`) stops a single script after 2 s, but a script can allocate
gigabytes well within that, and a diagram can loop through quick scripts forever. So every engine
step the use cases run (`instances._engine_call`) is watched by one watchdog thread per process:
it samples the process's resident memory every few milliseconds and, when a step has grown it by
more than `PETITIONFLOW_STEP_MEMORY_MB` or run longer than `PETITIONFLOW_STEP_TIME_S`, raises an
exception inside the step's thread (`PyThreadState_SetAsyncExc`). Both exceptions derive from
`Exception`, so the sandbox and the engine binding turn them into a `ScriptError` naming the element
that was running: the request answers 422, the worker opens an incident, nothing of the step is
saved, and the memory is released with the step's objects. A step that catches the exception and
goes on growing is interrupted again for every further allowance it uses, and the script time limit
still ends it. `limit_process_memory` adds an address-space limit (RLIMIT_AS) as a last resort for
long-running processes (the worker, gunicorn's workers) when `PETITIONFLOW_PROCESS_MEMORY_MB` is set.
"""

from __future__ import annotations

import ctypes
import os
import resource
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from .config import Settings

SAMPLE_S = 0.005
"""How often the watchdog looks at memory and clocks while a step runs."""


class StepMemoryExceeded(MemoryError):
    """Raised inside an engine step that grew the process by more than its allowance."""

    def __str__(self) -> str:
        return f"the step used more than {_limits.memory_bytes >> 20} MB of memory and was stopped"


class StepTimeExceeded(Exception):
    """Raised inside an engine step that ran longer than its allowance."""

    def __str__(self) -> str:
        return f"the engine step ran longer than {_limits.time_s:g} s and was stopped"


@dataclass
class _Limits:
    memory_bytes: int = 256 << 20
    time_s: float = 30.0


_limits = _Limits()


def configure(settings: Settings) -> None:
    """Take the step allowances from `settings` (0 switches a bound off)."""
    _limits.memory_bytes = max(settings.step_memory_mb, 0) << 20
    _limits.time_s = float(max(settings.step_time_s, 0))


def resident_bytes() -> int:
    """The process's resident memory, from /proc (0 where there is no /proc)."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _raise_in(thread_id: int, exc: type[BaseException] | None) -> None:
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id),
                                               ctypes.py_object(exc) if exc else ctypes.c_void_p(0))


@dataclass
class _Watched:
    baseline: int
    deadline: float
    fired: bool = False


@dataclass
class _Watchdog:
    pid: int
    lock: threading.Lock = field(default_factory=threading.Lock)
    steps: dict[int, _Watched] = field(default_factory=dict)
    wake: threading.Event = field(default_factory=threading.Event)

    def start(self) -> None:
        threading.Thread(target=self._loop, name="petitionflow-step-watchdog", daemon=True).start()

    def _loop(self) -> None:
        while True:
            self.wake.wait()
            time.sleep(SAMPLE_S)
            rss, now = resident_bytes(), time.monotonic()
            with self.lock:
                if not self.steps:
                    self.wake.clear()
                for thread_id, step in self.steps.items():
                    over_memory = _limits.memory_bytes and rss and rss - step.baseline > _limits.memory_bytes
                    if over_memory:
                        _raise_in(thread_id, StepMemoryExceeded)
                        step.baseline, step.fired = rss, True  # a further allowance before the next one
                    elif _limits.time_s and now > step.deadline:
                        _raise_in(thread_id, StepTimeExceeded)
                        step.deadline, step.fired = now + 1.0, True

    def enter(self, thread_id: int) -> None:
        with self.lock:
            self.steps[thread_id] = _Watched(resident_bytes(), time.monotonic() + (_limits.time_s or 1e9))
            self.wake.set()

    def leave(self, thread_id: int) -> None:
        with self.lock:
            step = self.steps.pop(thread_id, None)
            if step is not None and step.fired:
                _raise_in(thread_id, None)  # an exception not delivered yet must not escape the step


_watchdog: _Watchdog | None = None
_create_lock = threading.Lock()


def _get_watchdog() -> _Watchdog:
    global _watchdog
    with _create_lock:
        if _watchdog is None or _watchdog.pid != os.getpid():  # threads do not survive a fork
            _watchdog = _Watchdog(os.getpid())
            _watchdog.start()
        return _watchdog


@contextmanager
def bounded_step() -> Iterator[None]:
    """Run the body as one engine step under the memory and time allowances."""
    if not (_limits.memory_bytes or _limits.time_s):
        yield
        return
    watchdog, me = _get_watchdog(), threading.get_ident()
    if me in watchdog.steps:  # nested: the outer step's bounds hold
        yield
        return
    watchdog.enter(me)
    try:
        yield
    finally:
        watchdog.leave(me)


def limit_process_memory(megabytes: int) -> None:
    """Cap this process's address space (RLIMIT_AS) at `megabytes`; 0 leaves it as it is."""
    if megabytes <= 0:
        return
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    wanted = megabytes << 20
    resource.setrlimit(resource.RLIMIT_AS, (wanted if hard == resource.RLIM_INFINITY else min(wanted, hard), hard))
