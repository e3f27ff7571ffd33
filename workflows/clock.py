"""The engine's sense of "now" for timers: real time, or a moment a test holds and moves.

SpiffWorkflow's timer definitions read `datetime.now(timezone.utc)` when a timer starts (a duration
is counted from it) and when they check whether it is due. `ManualClock`, while entered, answers
those readings with its own moment, so tests of timers move time instead of sleeping; the service
never uses it. Only one may be entered at a time (it replaces a module-level name).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo
from types import TracebackType
from typing import Any, ClassVar

from SpiffWorkflow.bpmn.specs.event_definitions import timer as _timer


class _HeldDatetime(datetime):
    held: ClassVar[datetime]

    @classmethod
    def now(cls, tz: tzinfo | None = None) -> Any:
        moment = cls.held
        return moment.astimezone(tz) if tz is not None else moment.astimezone().replace(tzinfo=None)


class ManualClock:
    """`with ManualClock() as clock: ...; clock.advance(0.05)`; starts at the real time unless told."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = (start or datetime.now(UTC)).astimezone(UTC)
        self._saved: Any = None

    def advance(self, seconds: float) -> datetime:
        """Move the clock on by `seconds`; returns the new moment."""
        self.now += timedelta(seconds=seconds)
        _HeldDatetime.held = self.now
        return self.now

    def __enter__(self) -> ManualClock:
        if _timer.datetime is _HeldDatetime:
            raise RuntimeError("a ManualClock is already in use")
        self._saved = _timer.datetime
        _HeldDatetime.held = self.now
        _timer.datetime = _HeldDatetime
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        _timer.datetime = self._saved
