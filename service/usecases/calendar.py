"""Deadlines from durations: ISO 8601 durations added in calendar days or in working days.

Working days skip Saturdays, Sundays and the holidays the admin keeps (`holidays` table). Days
are counted in the deployment's time zone (`PETITIONFLOW_TIMEZONE`): a task created on Friday at
16:00 in Hà Nội with `P1D` working is due on Monday at 16:00 there. Pure functions, no I/O.
"""

from __future__ import annotations

import calendar as _cal
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

DUE_IN = "dueIn"
"""User-task property: an ISO 8601 duration (`P5D`, `PT4H`, `P1W`) from the task's creation."""
DUE_IN_VARIABLE = "dueInVariable"
"""User-task property: the name of a task-data variable holding the ISO duration (wins when set)."""
DUE_DAYS = "dueDays"
"""User-task property: `working` (skip weekends and holidays) or `calendar` (the default)."""

MAX_DAYS = 3660
"""Longest span a deadline may reach; also bounds the working-day walk."""

_DURATION = re.compile(
    r"^P(?!$)(?:(?P<years>\d+)Y)?(?:(?P<months>\d+)M)?(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?=\d)(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+(?:\.\d+)?)S)?)?$"
)


@dataclass(frozen=True)
class Duration:
    """A parsed ISO 8601 duration."""

    years: int = 0
    months: int = 0
    weeks: int = 0
    days: int = 0
    hours: int = 0
    minutes: int = 0
    seconds: float = 0.0

    @property
    def time_part(self) -> timedelta:
        """The hours, minutes and seconds, which are always plain elapsed time."""
        return timedelta(hours=self.hours, minutes=self.minutes, seconds=self.seconds)


def parse_duration(text: str) -> Duration:
    """Parse `P1Y2M3W4DT5H6M7.5S` and its parts; `ValueError` for anything else."""
    match = _DURATION.match(text.strip().upper()) if isinstance(text, str) else None
    if match is None:
        raise ValueError(f"'{text}' is not an ISO 8601 duration such as P5D or PT4H")
    parts = {k: v for k, v in match.groupdict().items() if v is not None}
    duration = Duration(**{k: float(v) if k == "seconds" else int(v) for k, v in parts.items()})  # type: ignore[arg-type]
    if duration.years * 366 + duration.months * 31 + duration.weeks * 7 + duration.days > MAX_DAYS:
        raise ValueError(f"'{text}' is longer than {MAX_DAYS} days")
    return duration


def is_working_day(day: date, holidays: Collection[date]) -> bool:
    """Monday to Friday and not a holiday."""
    return day.weekday() < 5 and day not in holidays


def add_working_days(day: date, count: int, holidays: Collection[date]) -> date:
    """The `count`-th working day after `day` (`day` itself when `count` is 0)."""
    moved, steps = day, 0
    while count > 0:
        moved += timedelta(days=1)
        steps += 1
        if steps > MAX_DAYS:
            raise ValueError(f"no {count} more working days within {MAX_DAYS} days")
        if is_working_day(moved, holidays):
            count -= 1
    return moved


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return day.replace(year=year, month=month + 1, day=min(day.day, _cal.monthrange(year, month + 1)[1]))


def due_after(start: datetime, duration: str | Duration, working: bool = False,
              holidays: Collection[date] = (), zone: str = "UTC") -> datetime:
    """`start` plus `duration`, in UTC; days (weeks of 5) count working days when `working`.

    Years and months move along the calendar; hours, minutes and seconds are elapsed time added last.
    """
    parsed = parse_duration(duration) if isinstance(duration, str) else duration
    tz = ZoneInfo(zone)
    local = start.astimezone(tz)
    day = _add_months(local.date(), parsed.years * 12 + parsed.months)
    if working:
        day = add_working_days(day, parsed.weeks * 5 + parsed.days, holidays)
    else:
        day += timedelta(weeks=parsed.weeks, days=parsed.days)
    moved = datetime.combine(day, local.time(), tz)
    return (moved + parsed.time_part).astimezone(UTC)


def wants_working_days(properties: Mapping[str, str]) -> bool:
    """Whether a task's deadline counts working days."""
    return properties.get(DUE_DAYS, "calendar").strip().lower() == "working"


def duration_of(properties: Mapping[str, str], data: Mapping[str, Any]) -> str | None:
    """The ISO duration a task declares: its `dueInVariable` in the task data if set, else `dueIn`."""
    variable = properties.get(DUE_IN_VARIABLE, "").strip()
    if variable and isinstance(data.get(variable), str) and data[variable].strip():
        return str(data[variable]).strip()
    text = properties.get(DUE_IN, "").strip()
    return text or None


def task_due_at(properties: Mapping[str, str], data: Mapping[str, Any], created: datetime,
                holidays: Collection[date] = (), zone: str = "UTC") -> datetime | None:
    """The due date of a human task created at `created`, or None when it declares none.

    A duration that does not parse gives no due date rather than failing the step that made the task;
    the designer's validation is the place to catch it.
    """
    text = duration_of(properties, data)
    if text is None:
        return None
    try:
        return due_after(created, text, wants_working_days(properties), holidays, zone)
    except ValueError:
        return None
