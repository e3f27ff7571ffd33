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
DRAFTERS = ("office", "inspectorate")
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


class DialogueSchema(_Strict):
    periodic_quarter = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(1, 4))
    periodic_duration = fields.String(load_default="PT4H", validate=validate.Regexp(r"^PT?\d+[HMD]$"))
    periodic_tied_to = fields.String(load_default="", validate=validate.Length(0, 300))
    adhoc_allowed = fields.Boolean(required=True)
    venue = fields.String(load_default="", validate=validate.Length(0, 300))


class DeadlinesSchema(_Strict):
    draft_days = fields.Integer(load_default=10, validate=validate.Range(1, 120))
    reply_days = fields.Integer(load_default=15, validate=validate.Range(1, 120))
    working_days = fields.Boolean(load_default=True)


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
    reports = fields.List(fields.Nested(ReportSchema), load_default=list)
    superiors = fields.List(fields.String(validate=validate.Length(1, 200)), load_default=list)
    statistics = fields.Nested(StatisticsSchema, load_default=lambda: StatisticsSchema().load({}))

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
    return plan


def plan_as_json(plan: dict[str, Any]) -> dict[str, Any]:
    """A parsed plan with its dates as ISO text, for storage."""
    result: dict[str, Any] = PlanSchema().dump(plan | {"units": [{**u, "fields_": u["fields"]} for u in plan["units"]]})
    return result
