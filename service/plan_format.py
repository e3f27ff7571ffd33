"""The plan file: one department's year of petitions and dialogues, written in TOML.

A plan names its agency and year, the audiences it hears (citizens, organisations, staff), when the
periodic dialogue is held and whether ad-hoc dialogues are allowed, the default deadlines, the
department's units and the fields they answer for, and the reports it owes upward with their
dates and recipients. `parse_plan` reads and checks one; `bpmn/plans/` holds the five seed plans.
"""

from __future__ import annotations

import tomllib
from datetime import date
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

AUDIENCES = ("citizen", "organisation", "staff")
DRAFTERS = ("office", "inspectorate", "units")
"""Who drafts a report: the Office or the Inspectorate (the department's report upward), or each of the
plan's units (its own report to the department, sent through the Office: plan 003)."""
LANES = ("office", "inspectorate")
"""Who consolidates an audience's items (`[routing]`)."""
DEFAULT_ROUTING = {"staff": "office", "citizen": "inspectorate", "organisation": "inspectorate"}
"""Staff items through the Office, citizens' and organisations' through the Inspectorate (plan 002 §III)."""
MAX_PLAN_BYTES = 256 * 1024
CODE = validate.Regexp(r"^[a-z0-9][a-z0-9_-]{0,31}$", error="use lowercase letters, digits, '-' and '_' (at most 32)")


class _Strict(Schema):
    class Meta:
        unknown = RAISE


class AgencySchema(_Strict):
    code = fields.String(required=True, validate=CODE)
    name = fields.String(required=True, validate=validate.Length(1, 200))
    province = fields.String(required=True, validate=validate.Length(1, 100))
    # What official documents print (optional): the superior body ("UBND TỈNH SƠN LA" by default), the
    # symbol's abbreviation (initials of the name by default), the director's and deputy's names.
    superior = fields.String(validate=validate.Length(1, 200))
    abbreviation = fields.String(validate=validate.Length(1, 20))
    director = fields.String(validate=validate.Length(1, 200))
    deputy_director = fields.String(validate=validate.Length(1, 200))


class UnitSchema(_Strict):
    code = fields.String(required=True, validate=CODE)
    name = fields.String(required=True, validate=validate.Length(1, 200))
    fields_ = fields.List(fields.String(validate=validate.Length(1, 50)), data_key="fields", load_default=list)
    # A unit that does not answer petitions (plan 004's research centre does outreach) is never offered
    # as the drafting unit; it still has its people and takes part in reports.
    answers_petitions = fields.Boolean(load_default=True)
    duty = fields.String(load_default="", validate=validate.Length(0, 300))
    assumed = fields.Boolean(load_default=False)
    note = fields.String(load_default="", validate=validate.Length(0, 500))


class FieldSchema(_Strict):
    """A field (lĩnh vực) of the department's state management: its code and its Vietnamese name."""

    code = fields.String(required=True, validate=CODE)
    name = fields.String(required=True, validate=validate.Length(1, 200))
    assumed = fields.Boolean(load_default=False)


class PeriodicSchema(_Strict):
    """One periodic dialogue of the year: its quarter, the audiences it hears, what it is tied to."""

    quarter = fields.Integer(required=True, validate=validate.Range(1, 4))
    audiences = fields.List(fields.String(validate=validate.OneOf(AUDIENCES)), load_default=list)
    duration = fields.String(load_default="PT4H", validate=validate.Regexp(r"^PT?\d+[HMD]$"))
    tied_to = fields.String(load_default="", validate=validate.Length(0, 300))
    assumed = fields.Boolean(load_default=False)
    note = fields.String(load_default="", validate=validate.Length(0, 500))


class ReceptionSchema(_Strict):
    """The director's periodic citizen reception (Luật Tiếp công dân 2013 art. 18; TT 04/2021/TT-TTCP):
    a fixed day of each month (moved to the next working day when it falls on a day off)."""

    day_of_month = fields.Integer(required=True, validate=validate.Range(1, 28))
    receiver = fields.String(load_default="Giám đốc Sở", validate=validate.Length(1, 200))
    venue = fields.String(load_default="", validate=validate.Length(0, 300))
    session = fields.String(load_default="", validate=validate.Length(0, 100))
    assumed = fields.Boolean(load_default=False)
    note = fields.String(load_default="", validate=validate.Length(0, 500))


class DialogueSchema(_Strict):
    periodic_quarter = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(1, 4))
    periodic_duration = fields.String(load_default="PT4H", validate=validate.Regexp(r"^PT?\d+[HMD]$"))
    periodic_tied_to = fields.String(load_default="", validate=validate.Length(0, 300))
    adhoc_allowed = fields.Boolean(required=True)
    venue = fields.String(load_default="", validate=validate.Length(0, 300))
    periodic = fields.List(fields.Nested(PeriodicSchema), load_default=list)
    assumed = fields.Boolean(load_default=False)
    note = fields.String(load_default="", validate=validate.Length(0, 500))


class DeadlinesSchema(_Strict):
    draft_days = fields.Integer(load_default=10, validate=validate.Range(1, 120))
    reply_days = fields.Integer(load_default=15, validate=validate.Range(1, 120))
    working_days = fields.Boolean(load_default=True)
    # Optional: the handling decision (xử lý đơn, TT 05/2021: 10 working days) and recommendations or
    # reflections (kiến nghị, phản ánh: "per the plan").
    handling_days = fields.Integer(validate=validate.Range(1, 120))
    recommendation_days = fields.Integer(validate=validate.Range(1, 120))
    # An agency in a remote area where travel is hard (vùng sâu, vùng xa đi lại khó khăn): complaints are
    # resolved within 45 days, 60 when complex (Luật Khiếu nại 2011 art. 28), in the decision table.
    remote_area = fields.Boolean(load_default=False)
    assumed = fields.Boolean(load_default=False)
    note = fields.String(load_default="", validate=validate.Length(0, 500))


class ReportSchema(_Strict):
    name = fields.String(required=True, validate=validate.Length(1, 100))
    period_start = fields.Date(required=True)
    period_end = fields.Date(required=True)
    due = fields.Date(required=True)
    drafter = fields.String(required=True, validate=validate.OneOf(DRAFTERS))
    recipients = fields.List(fields.String(validate=validate.Length(1, 200)), required=True,
                             validate=validate.Length(min=1))
    assumed = fields.Boolean(load_default=False)
    note = fields.String(load_default="", validate=validate.Length(0, 500))

    @validates_schema
    def _dates_in_order(self, data: dict[str, Any], **_: Any) -> None:
        if data["period_start"] > data["period_end"]:
            raise ValidationError("period_start is after period_end", "period_start")


class StatisticsSchema(_Strict):
    """The statistics' periods (Thông tư 02/2021/TT-TTCP): figures are cut off on `cutoff_day` of a period's
    closing month (March, June, September, December) and a period starts the day after the previous one's
    cut-off, so the year runs from the day after the cut-off in December of the year before; and how many
    days a complaint or a denunciation has, from its receipt, to be resolved in time."""

    cutoff_day = fields.Integer(load_default=14, validate=validate.Range(1, 28))
    complaint_days = fields.Integer(load_default=40, validate=validate.Range(1, 365))
    denunciation_days = fields.Integer(load_default=40, validate=validate.Range(1, 365))
    assumed = fields.Boolean(load_default=False)
    note = fields.String(load_default="", validate=validate.Length(0, 500))


class PlanSchema(_Strict):
    code = fields.String(required=True, validate=CODE)
    title = fields.String(required=True, validate=validate.Length(1, 500))
    year = fields.Integer(required=True, validate=validate.Range(2000, 2100))
    source = fields.String(load_default="", validate=validate.Length(0, 200))
    agency = fields.Nested(AgencySchema, required=True)
    audiences = fields.List(fields.String(validate=validate.OneOf(AUDIENCES)), required=True,
                            validate=validate.Length(min=1))
    dialogue = fields.Nested(DialogueSchema, required=True)
    deadlines = fields.Nested(DeadlinesSchema, load_default=lambda: DeadlinesSchema().load({}))
    units = fields.List(fields.Nested(UnitSchema), required=True, validate=validate.Length(min=1))
    fields_ = fields.List(fields.Nested(FieldSchema), data_key="fields", load_default=list)
    routing = fields.Dict(keys=fields.String(validate=validate.OneOf(AUDIENCES)),
                          values=fields.String(validate=validate.OneOf(LANES)), load_default=dict)
    reception = fields.Nested(ReceptionSchema, load_default=None, allow_none=True)
    reports = fields.List(fields.Nested(ReportSchema), load_default=list)
    superiors = fields.List(fields.String(validate=validate.Length(1, 200)), load_default=list)
    statistics = fields.Nested(StatisticsSchema, load_default=lambda: StatisticsSchema().load({}))

    @validates_schema
    def _fields_declared(self, data: dict[str, Any], **_: Any) -> None:
        declared = {f["code"] for f in data.get("fields_") or []}
        if not declared:
            return
        for unit in data.get("units") or []:
            unknown = [f for f in unit["fields_"] if f not in declared]
            if unknown:
                raise ValidationError(f"unit '{unit['code']}' answers for undeclared fields {', '.join(unknown)}",
                                      "units")

    @validates_schema
    def _someone_answers(self, data: dict[str, Any], **_: Any) -> None:
        if not any(u["answers_petitions"] for u in data.get("units") or []):
            raise ValidationError("no unit answers petitions", "units")

    @validates_schema
    def _reports_in_year(self, data: dict[str, Any], **_: Any) -> None:
        for report in data.get("reports", []):
            due: date = report["due"]
            if due.year != data["year"]:
                raise ValidationError(f"report '{report['name']}' is due in {due.year}, not in {data['year']}",
                                      "reports")


class PlanError(ValueError):
    """A plan file was refused; the message lists every problem with its place in the file."""


def _flatten(messages: Any, prefix: str = "") -> list[str]:
    if isinstance(messages, dict):
        return [line for key, value in messages.items() for line in _flatten(value, f"{prefix}{key}.")]
    if isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        return [f"{prefix.rstrip('.')}: {m}" for m in messages]
    if isinstance(messages, list):
        return [line for m in messages for line in _flatten(m, prefix)]
    return [f"{prefix.rstrip('.')}: {messages}"]


def parse_plan(data: bytes, file_name: str = "plan.toml") -> dict[str, Any]:
    """Read and check a plan file; `PlanError` names every problem."""
    if len(data) > MAX_PLAN_BYTES:
        raise PlanError(f"{file_name}: the file is {len(data)} bytes; the limit is {MAX_PLAN_BYTES}")
    try:
        raw = tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise PlanError(f"{file_name}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise PlanError(f"{file_name}: not valid TOML: {exc}") from None
    try:
        plan: dict[str, Any] = PlanSchema().load(raw)
    except ValidationError as exc:
        raise PlanError(f"{file_name}: " + "; ".join(_flatten(exc.messages))) from None
    plan["units"] = [{**u, "fields": u.pop("fields_")} for u in plan["units"]]
    plan["fields"] = plan.pop("fields_")
    return plan


def plan_as_json(plan: dict[str, Any]) -> dict[str, Any]:
    """A parsed plan with its dates as ISO text, for storage."""
    units = [{**u, "fields_": u["fields"]} for u in plan["units"]]
    result: dict[str, Any] = PlanSchema().dump(plan | {"units": units, "fields_": plan.get("fields") or []})
    return result
