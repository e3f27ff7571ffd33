"""What a parsed plan says, read one way for everyone: its drafting units, fields, routing, periodic
dialogues, deadlines and reception days; and a task form with its choices taken from the plan.

These are pure functions over a plan's stored body (`plan_format.plan_as_json`), so the pages, the
API and the validation of a submission all see the same choices, and a plan for a new department
(other units, other fields) needs no code. A plan that leaves a setting out gets the reading of the
older plans (e.g. staff items through the Office, citizens' through the Inspectorate).
"""

from __future__ import annotations

import copy
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from .plan_format import AUDIENCES, DEFAULT_ROUTING

UNIT_KEYS = ("assigned_unit",)
"""Form choices whose values are the drafting units of the plan."""
FIELD_KEYS = ("field", "adhoc_field")
"""Form choices whose values are the fields (lĩnh vực) of the plan."""
AUDIENCE_KEYS = ("source",)
"""Form choices whose values are the audiences the plan hears."""
SUPERIOR_KEYS = ("superior_authority", "failure_reported_to")
"""Form choices naming the superior authority an item is reported to."""
KEEP_SUPERIOR = ("other",)
"""Choices of the superior select kept beside the plan's superiors (another competent authority)."""
AGENCY_KEYS = ("forward_agency",)
"""Form choices whose values are the other agencies on the deployment (forwarding a petition to one of them)."""
DEFAULT_MAP = "defaultMap"
"""Component property: the data value named by `defaultFrom` -> the value the field starts with."""


def units(plan: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every unit of the plan, as written."""
    return [dict(u) for u in plan.get("units") or [] if isinstance(u, Mapping)]


def drafting_units(plan: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The units a petition may be assigned to: those that answer petitions (not an outreach centre)."""
    return [u for u in units(plan) if u.get("answers_petitions", True)]


def fields_of(plan: Mapping[str, Any], labels: Mapping[str, str] | None = None) -> list[dict[str, str]]:
    """The plan's fields, code and name: those it declares, else those its units answer for (named by
    `labels`, e.g. the form's own option labels, else by their code)."""
    declared = [{"code": str(f["code"]), "name": str(f["name"])} for f in plan.get("fields") or []
                if isinstance(f, Mapping) and f.get("code")]
    if declared:
        return declared
    seen: dict[str, str] = {}
    for unit in units(plan):
        for code in unit.get("fields") or []:
            seen.setdefault(str(code), str((labels or {}).get(str(code), code)))
    return [{"code": c, "name": n} for c, n in seen.items()]


def unit_for_field(plan: Mapping[str, Any]) -> dict[str, str]:
    """Field code -> the drafting unit that answers for it (the first one the plan names)."""
    found: dict[str, str] = {}
    for unit in drafting_units(plan):
        for code in unit.get("fields") or []:
            found.setdefault(str(code), str(unit["code"]))
    return found


def routing(plan: Mapping[str, Any] | None) -> dict[str, str]:
    """Audience -> the lane that consolidates its items (`office` or `inspectorate`)."""
    return {**DEFAULT_ROUTING, **dict((plan or {}).get("routing") or {})}


def office_sources(plan: Mapping[str, Any] | None) -> list[str]:
    """The audiences whose items the Office consolidates (the petition's `office_sources`)."""
    lanes = routing(plan)
    return [a for a in AUDIENCES if lanes.get(a) == "office"]


def periodic_dialogues(plan: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The year's periodic dialogues, by quarter: those the plan lists under `[[dialogue.periodic]]`,
    else the one its `periodic_quarter` names (with its duration and what it is tied to)."""
    rules: Mapping[str, Any] = plan.get("dialogue") or {}
    listed = [dict(p) for p in rules.get("periodic") or [] if isinstance(p, Mapping)]
    if not listed and rules.get("periodic_quarter"):
        listed = [{"quarter": int(rules["periodic_quarter"]), "audiences": list(plan.get("audiences") or []),
                   "duration": rules.get("periodic_duration") or "PT4H", "tied_to": rules.get("periodic_tied_to") or "",
                   "assumed": bool(rules.get("assumed", False))}]
    for item in listed:
        item["audiences"] = list(item.get("audiences") or plan.get("audiences") or [])
    return sorted(listed, key=lambda p: int(p["quarter"]))


def next_periodic_quarter(plan: Mapping[str, Any], today: date) -> int | None:
    """The quarter of the next periodic dialogue from `today` (the last one once the year's are past)."""
    quarters = [int(p["quarter"]) for p in periodic_dialogues(plan)]
    if not quarters:
        return None
    now = (today.month - 1) // 3 + 1
    return next((q for q in quarters if q >= now), quarters[-1])


@dataclass(frozen=True)
class Deadline:
    """One of the plan's deadlines: so many days, counted in working days or not."""

    kind: str
    days: int
    working_days: bool
    assumed: bool


def deadline(plan: Mapping[str, Any] | None, kind: str) -> Deadline | None:
    """The plan's `[deadlines]` entry `<kind>_days` (draft, reply, handling, recommendation), or None."""
    block: Mapping[str, Any] = (plan or {}).get("deadlines") or {}
    days = block.get(f"{kind}_days")
    if not isinstance(days, int) or isinstance(days, bool):
        return None
    return Deadline(kind, days, bool(block.get("working_days", True)), bool(block.get("assumed", False)))


def remote_area(plan: Mapping[str, Any] | None) -> bool:
    """Whether the plan's agency is in a remote area where travel is hard (`[deadlines] remote_area`): the
    petition's `remote_area`, which gives complaints 45 days, 60 when complex (Luật Khiếu nại 2011 art. 28)."""
    block: Mapping[str, Any] = (plan or {}).get("deadlines") or {}
    return block.get("remote_area") is True


def _next_working(day: date, holidays: Collection[date]) -> date:
    while day.weekday() >= 5 or day in holidays:
        day += timedelta(days=1)
    return day


def reception_days(plan: Mapping[str, Any], year: int, holidays: Collection[date] = ()) -> list[date]:
    """The director's periodic reception days of `year`: the plan's day of each month, moved to the next
    working day when it falls on a weekend or holiday. None when the plan sets no reception."""
    reception: Mapping[str, Any] | None = plan.get("reception")
    if not reception or not reception.get("day_of_month"):
        return []
    day = int(reception["day_of_month"])
    return [_next_working(date(year, month, day), holidays) for month in range(1, 13)]


def _options(values: Any) -> dict[str, str]:
    return {str(v["value"]): str(v.get("label") or v["value"]).split(" / ")[0]
            for v in values or [] if isinstance(v, Mapping) and "value" in v}


def _retarget(component: dict[str, Any], plan: Mapping[str, Any]) -> None:
    key = component.get("key")
    if key in UNIT_KEYS:
        component["values"] = [{"value": u["code"], "label": u["name"]} for u in drafting_units(plan)]
        props = dict(component.get("properties") or {})
        props["defaultFrom"], props[DEFAULT_MAP] = "field", unit_for_field(plan)
        component["properties"] = props
    elif key in FIELD_KEYS:
        labels = _options(component.get("values"))
        component["values"] = [{"value": f["code"], "label": f["name"]} for f in fields_of(plan, labels)]
    elif key in AUDIENCE_KEYS and plan.get("audiences"):
        labels = _options(component.get("values"))
        component["values"] = [{"value": a, "label": labels.get(a, a)} for a in plan["audiences"]]
    elif key in SUPERIOR_KEYS and plan.get("superiors"):
        kept = [v for v in component.get("values") or [] if isinstance(v, Mapping) and v.get("value") in KEEP_SUPERIOR]
        component["values"] = [{"value": s, "label": s} for s in plan["superiors"]] + kept


def _walk(components: Any, plan: Mapping[str, Any]) -> None:
    for component in components or []:
        if isinstance(component, dict):
            _retarget(component, plan)
            _walk(component.get("components"), plan)


def form_for_plan(form: Mapping[str, Any] | None, plan: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """A copy of a task form whose unit, field, audience and superior choices are the plan's (the form
    as it is when there is no plan). The assignment's unit starts at the unit the plan gives the field."""
    if form is None:
        return None
    copied: dict[str, Any] = copy.deepcopy(dict(form))
    if plan:
        _walk(copied.get("components"), plan)
    return copied


def with_agencies(form: Mapping[str, Any], agencies: list[tuple[str, str]]) -> dict[str, Any]:
    """A copy of a task form whose agency choices (`AGENCY_KEYS`) are `agencies`, (code, name) each: the
    other agencies on the deployment a petition may be forwarded to."""
    copied: dict[str, Any] = copy.deepcopy(dict(form))

    def walk(components: Any) -> None:
        for component in components or []:
            if isinstance(component, dict):
                if component.get("key") in AGENCY_KEYS:
                    component["values"] = [{"value": code, "label": name} for code, name in agencies]
                walk(component.get("components"))

    walk(copied.get("components"))
    return copied
