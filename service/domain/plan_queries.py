"""Reading the agency's plan in force, for code that must not import the plan loader (forms, deadlines).

`deadlines_for` is the one place the plan's `[deadlines]` are read: other code asks it for the days of
a kind of deadline (draft, reply, handling, recommendation) instead of reading the plan itself.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Text, bindparam, cast, select
from sqlalchemy.orm import Session

from .. import plan_rules
from ..store.petition_tables import Plan
from ..store.tables import Agency

_PLAN_BODY = (
    select(Plan.body).where(Plan.agency_id == bindparam("agency_id"))
    .order_by((Plan.year == bindparam("year")).desc(), Plan.year.desc(), Plan.id.desc()).limit(1)
)
"""Built once: every completion with a form reads it (the form's choices come from the plan)."""


_PLAN_TEXT = (
    select(cast(Plan.body, Text)).where(Plan.agency_id == bindparam("agency_id"))
    .order_by((Plan.year == bindparam("year")).desc(), Plan.year.desc(), Plan.id.desc()).limit(1)
)


def plan_text_for(session: Session, agency_id: int, year: int) -> str | None:
    """The stored text of the plan `plan_body_for` reads: what a cache of what the plan shapes is keyed by."""
    text = session.execute(_PLAN_TEXT, {"agency_id": agency_id, "year": year}).scalar_one_or_none()
    return str(text) if text is not None else None


def plan_body_for(session: Session, agency_id: int, year: int) -> dict[str, Any] | None:
    """The body of the agency's plan for `year`, else of its newest plan; None when it has none."""
    body = session.execute(_PLAN_BODY, {"agency_id": agency_id, "year": year}).scalar_one_or_none()
    return dict(body) if body is not None else None


def deadlines_for(session: Session, agency: int | str, kind: str,
                  year: int | None = None) -> plan_rules.Deadline | None:
    """The plan's deadline of `kind` (`draft`, `reply`, `handling`, `recommendation`) for an agency (its id
    or code), from its plan for `year` (else its newest plan): days and whether they are working days.
    None when the agency has no plan or its plan sets no such deadline."""
    agency_id = agency if isinstance(agency, int) else session.execute(
        select(Agency.id).where(Agency.code == agency)).scalar_one_or_none()
    if agency_id is None:
        return None
    body = plan_body_for(session, agency_id, year or 0)
    return plan_rules.deadline(body, kind)
