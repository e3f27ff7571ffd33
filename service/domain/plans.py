"""Plans: loading a department's plan for the year, and the periodic reports it schedules."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from .. import plan_rules
from ..plan_format import PlanError, parse_plan, plan_as_json
from ..store.petition_tables import Plan
from ..store.tables import Agency, ProcessInstance, ProcessVersion
from ..usecases import accounts, clock, instances, models
from ..usecases.context import Actor, Context
from ..usecases.errors import Forbidden, Invalid, NotFound
from .plan_queries import deadlines_for as deadlines_for  # plans.deadlines_for(session, agency, kind)
from .plan_queries import plan_body_for as plan_body_for

REPORT_PROCESS = "periodic_report"


@dataclass(frozen=True)
class PlanInfo:
    """A loaded plan and what loading it started."""

    id: int
    code: str
    agency: str
    year: int
    title: str
    created: bool
    reports_started: int


def report_start_data(plan: dict[str, Any], report: dict[str, Any], unit: dict[str, Any] | None = None
                      ) -> dict[str, Any]:
    """The starting data of one report's process: period, due date, recipients, drafter (and, for a
    report each unit sends to the Office, the unit: its task is that unit's)."""
    data = {
        "plan_code": plan["code"], "report_name": report["name"],
        "period_start": report["period_start"], "period_end": report["period_end"], "due_date": report["due"],
        "recipients": list(report["recipients"]), "drafter_role": report["drafter"],
        "agency_name": plan["agency"]["name"],
    }
    if unit is not None:
        data |= {"assigned_unit": unit["code"], "unit_name": unit["name"]}
    return data


def report_runs(plan: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Each report process the plan starts, with its business key: one per report, or one per unit for a
    report the units send to the Office (`drafter = "units"`, plan 003)."""
    runs: list[tuple[str, dict[str, Any]]] = []
    for report in plan["reports"]:
        key = f"{plan['code']}:{report['due']}"
        if report["drafter"] == "units":
            runs += [(f"{key}:{u['code']}", report_start_data(plan, report, u)) for u in plan_rules.units(plan)]
        else:
            runs.append((key, report_start_data(plan, report)))
    return runs


def load_plan(ctx: Context, actor: Actor, data: bytes, file_name: str) -> PlanInfo:
    """Check and store a plan; create its agency if new; start each of its report processes once.

    Loading the same plan again updates its text and starts only reports not started yet (those
    whose process was not deployed the first time, or that were added to the plan).
    """
    if not actor.has("admin", "office"):
        raise Forbidden("only admins and the Office load plans")
    try:
        plan = plan_as_json(parse_plan(data, file_name))
    except PlanError as exc:
        raise Invalid(str(exc), [str(exc)]) from None
    agency = plan["agency"]
    accounts.ensure_agency(ctx, agency["code"], agency["name"])
    as_agency = Actor(actor.username, agency["code"], actor.roles, actor.system)
    with ctx.uow() as uow:
        s = uow.session
        agency_id = s.execute(select(Agency.id).where(Agency.code == agency["code"])).scalar_one()
        row = s.execute(select(Plan).where(Plan.agency_id == agency_id, Plan.code == plan["code"])).scalar_one_or_none()
        created = row is None
        if row is None:
            row = Plan(agency_id=agency_id, code=plan["code"], year=plan["year"], title=plan["title"][:500],
                       body=plan, loaded_by=actor.username, loaded_at=clock.now())
            s.add(row)
        else:
            row.title, row.body, row.year = plan["title"][:500], plan, plan["year"]
        started = 0
        has_reports = models.resolve(s, agency_id, REPORT_PROCESS) is not None
        if has_reports:
            for key, start in report_runs(plan):
                if s.execute(select(ProcessInstance.id).where(ProcessInstance.agency_id == agency_id,
                                                              ProcessInstance.business_key == key)).first():
                    continue
                instances.start_in(s, ctx, as_agency, REPORT_PROCESS, start, business_key=key)
                started += 1
        uow.flush()
        uow.commit()
        return PlanInfo(row.id, row.code, agency["code"], row.year, row.title, created, started)


def get_plan(ctx: Context, agency: str, code: str | None = None) -> dict[str, Any] | None:
    """The stored body of an agency's plan (the newest when no code is given)."""
    with ctx.uow(write=False) as uow:
        query = select(Plan.body).join(Agency, Agency.id == Plan.agency_id).where(Agency.code == agency)
        query = query.where(Plan.code == code) if code else query.order_by(Plan.year.desc(), Plan.id.desc())
        body = uow.session.execute(query.limit(1)).scalar_one_or_none()
        return dict(body) if body is not None else None


def plan_in_force(s: Session, agency_id: int, year: int, code: str | None = None) -> Plan | None:
    """The plan named `code`, or else the agency's plan for `year`, or else its newest one."""
    query = select(Plan).where(Plan.agency_id == agency_id)
    if code:
        plan = s.execute(query.where(Plan.code == code)).scalar_one_or_none()
        if plan is None:
            raise NotFound(f"plan '{code}' does not exist")
        return plan
    return s.execute(query.order_by((Plan.year == year).desc(), Plan.year.desc(), Plan.id.desc())
                     .limit(1)).scalar_one_or_none()


def field_names(ctx: Context, agency: str) -> dict[str, str]:
    """Field code -> name, in the order of the agency's plan in force (this year's, else its newest):
    the fields it declares, else those its units answer for. Empty when the agency has no plan."""
    with ctx.uow(write=False) as uow:
        s = uow.session
        agency_id = s.execute(select(Agency.id).where(Agency.code == agency)).scalar_one_or_none()
        body = plan_body_for(s, agency_id, clock.now().year) if agency_id is not None else None
    if body is None:
        return {}
    return {f["code"]: f["name"] for f in plan_rules.fields_of(body)}


UNIT_FIELDS = ("assigned_unit", "unit", "unit_code", "proposed_unit")
"""Form fields whose values are unit codes (their labels name the units)."""


def unit_names(ctx: Context, agency: str) -> dict[str, str]:
    """Unit code -> the unit's name: from the agency's plans (the newest plan wins), else from the
    labels of the deployed forms' unit choices (bilingual 'Vietnamese / English' there)."""
    with ctx.uow(write=False) as uow:
        return unit_names_in(uow.session, agency)


def unit_names_in(s: Session, agency: str) -> dict[str, str]:
    """`unit_names` inside the caller's transaction."""
    names: dict[str, str] = {}
    agency_id = select(Agency.id).where(Agency.code == agency).scalar_subquery()
    visible = or_(ProcessVersion.agency_id.is_(None), ProcessVersion.agency_id == agency_id)  # shared or its own
    latest = select(ProcessVersion.key, func.max(ProcessVersion.version).label("version")) \
        .where(visible).group_by(ProcessVersion.key).subquery()
    newest = select(ProcessVersion.resources).join(latest, (latest.c.key == ProcessVersion.key)
                                                   & (latest.c.version == ProcessVersion.version))
    seen: set[str] = set()
    for resources in s.execute(newest.order_by(ProcessVersion.key)).scalars():
        for file_name, text in (resources or {}).items():
            if file_name in seen or not file_name.endswith(".form.json"):
                continue
            seen.add(file_name)
            names.update(_form_units(text))
    bodies = s.execute(select(Plan.body).join(Agency, Agency.id == Plan.agency_id)
                       .where(Agency.code == agency).order_by(Plan.year, Plan.id)).scalars()
    for body in bodies:
        for unit in (body or {}).get("units") or []:
            if isinstance(unit, dict) and unit.get("code") and unit.get("name"):
                names[str(unit["code"])] = str(unit["name"])
    return names


def _form_units(text: str) -> dict[str, str]:
    try:
        form = json.loads(text)
    except ValueError:
        return {}
    found: dict[str, str] = {}
    for component in form.get("components") or [] if isinstance(form, dict) else []:
        if isinstance(component, dict) and component.get("key") in UNIT_FIELDS:
            for choice in component.get("values") or []:
                if isinstance(choice, dict) and choice.get("value") and choice.get("label"):
                    found.setdefault(str(choice["value"]), str(choice["label"]))
    return found
