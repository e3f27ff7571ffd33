"""Checks of dates and links that no form schema can make alone, shared by the pages and the API.

The pack names its fields by convention, and these rules read the conventions:
- a date field ending in `_on` records something that happened: it cannot be after today (in the
  deployment's zone), and on a petition it cannot be before the day the petition was received
  (`received_on`);
- a field ending in `_url` is a publication link: only `http://` and `https://` addresses;
- a planned dialogue (`planned_quarter` "Q1".."Q4" with `planned_date`): the date falls in that
  quarter and not in a year already over (a dialogue held earlier this year may be recorded after it).

Each refusal is an `Invalid` naming the field, so the page shows it beside the field and the API
answers 422 problem+json.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from . import clock
from .errors import Invalid

FUTURE = "Must not be after today."
BEFORE_RECEIVED = "Must not be before the day the petition was received ({day})."
NOT_A_LINK = "Must be a web address starting with http:// or https://."
OUTSIDE_QUARTER = "Must fall within the planned quarter ({quarter})."
PAST_YEAR = "Must not be in a year before {year}."
NOT_HELD_YET = "The conference is planned for {day}: record its outcomes once it has been held."


def today(zone: str) -> date:
    """Today's date in the deployment's zone (by the service's clock)."""
    return clock.now().astimezone(ZoneInfo(zone)).date()


def _day(value: Any) -> date | None:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and len(value) >= 10:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def is_web_link(value: str) -> bool:
    """Whether `value` is an absolute http(s) address with a host (never `javascript:`, `data:`, ...)."""
    parts = urlsplit(value.strip())
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname) and not any(c.isspace() for c in value)


def quarter_of(day: date) -> int:
    """The quarter (1-4) `day` falls in."""
    return (day.month - 1) // 3 + 1


def event_problems(data: Mapping[str, Any], before: Mapping[str, Any], now: date) -> dict[str, list[str]]:
    """Problems with the dates and links of a task's submitted `data` (`before`: the data it had)."""
    problems: dict[str, list[str]] = {}
    received = _day(data.get("received_on")) or _day(before.get("received_on"))
    for key, value in data.items():
        if key.endswith("_on") and (day := _day(value)) is not None:
            if day > now:
                problems.setdefault(key, []).append(FUTURE)
            elif received is not None and key != "received_on" and day < received:
                problems.setdefault(key, []).append(BEFORE_RECEIVED.format(day=received.isoformat()))
        elif key.endswith("_url") and isinstance(value, str) and value.strip() and not is_web_link(value):
            problems.setdefault(key, []).append(NOT_A_LINK)
    held, planned_before = _day(data.get("held_on")), _day(before.get("planned_date"))
    if held is not None and held <= now and planned_before is not None and planned_before > now:
        problems.setdefault("held_on", []).append(NOT_HELD_YET.format(day=planned_before.isoformat()))
    quarter, planned = data.get("planned_quarter"), _day(data.get("planned_date"))
    if planned is not None and planned.year < now.year:
        problems.setdefault("planned_date", []).append(PAST_YEAR.format(year=now.year))
    elif isinstance(quarter, str) and planned is not None and quarter != f"Q{quarter_of(planned)}":
        problems.setdefault("planned_date", []).append(OUTSIDE_QUARTER.format(quarter=quarter))
    return problems


def plan_problems(quarter: int | None, planned_on: date | None, now: date) -> dict[str, list[str]]:
    """Problems with a dialogue decided today for `quarter` of this year and/or on `planned_on`: the date
    not in a year already over, and in the quarter when both are given."""
    problems: dict[str, list[str]] = {}
    if planned_on is not None and planned_on.year < now.year:
        problems.setdefault("planned_on", []).append(PAST_YEAR.format(year=now.year))
    elif planned_on is not None and quarter is not None and quarter_of(planned_on) != quarter:
        problems.setdefault("planned_on", []).append(OUTSIDE_QUARTER.format(quarter=f"Q{quarter}"))
    return problems


def refuse(problems: Mapping[str, list[str]], what: str) -> None:
    """Raise `Invalid` for `problems` (nothing when there are none)."""
    if problems:
        listed = [f"{key}: {' '.join(msgs)}" for key, msgs in sorted(problems.items())]
        raise Invalid(f"{what}: {'; '.join(listed)}", listed, fields=problems)


def check_event_data(data: Mapping[str, Any], before: Mapping[str, Any], zone: str) -> None:
    """Refuse a task submission whose dates or links cannot be true (see the module's rules)."""
    refuse(event_problems(data, before, today(zone)), "the dates or links were refused")
