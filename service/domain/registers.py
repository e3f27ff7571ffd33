"""Keeping the petition and dialogue registers in step with their process instances.

After every step of a `petition` or `dialogue` instance, its register row is updated in the same
transaction from the instance's current data: where it stands, and how it ended.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import Row, Table, Update, bindparam, func, update
from sqlalchemy.orm import Session

from workflows import events as ev

from ..roles import UNIT_KEY
from ..store.petition_tables import Dialogue, Petition
from ..store.tables import ProcessInstance
from ..usecases import facts
from . import agenda, identity, intake_checks, petition_deadlines, staffing

PETITION_PROCESS = "petition"
DIALOGUE_PROCESS = "dialogue"
DIALOGUE_MESSAGE = "dialogue_outcome"
WITHDRAW_MESSAGE = "petition_withdrawn"
AGENDA_TASK = "build_agenda"
CONFERENCE_TASK = "hold_conference"
INTAKE_TASK = "intake"
REPORT_PROCESS = "periodic_report"
REPORT_DRAFT_TASKS = ("draft_report_office", "draft_report_inspectorate")
ENDED = "completed"
"""The outcome of a petition whose process ended without naming one."""
TERMINATED = "terminated"
"""The outcome of a petition whose instance was terminated."""
ANSWER_KEYS = {"written_reply": "written_reply", "notice_text": None}
"""Data keys that carry what the petitioner is sent (the signed written reply, else the notice of results
after a dialogue), the substance first, each with the outcome that must be recorded before it counts
(None: as soon as it is written): the unit writes the reply before the director signs it, and an unsigned
reply is not an answer. Drafts and internal notes are never among them."""


def before_completion(session: Session, process_key: str, element_id: str, inst: ProcessInstance,
                      data: Mapping[str, Any], current: Callable[[], Mapping[str, Any]],
                      form: Mapping[str, Any] | None = None, zone: str = "Asia/Ho_Chi_Minh") -> dict[str, Any]:
    """Domain rules checked before a task of a register's process completes (in the same transaction).

    `current()` gives the task's data before the submission, `form` the task's form definition.
    Returns data the service adds to the submission: a report's drafter gets the figures counted
    from the petition register at that moment, so no one types them by hand. Dates and links that
    cannot be true are refused (`facts`: nothing after today, nothing before the petition was
    received, web links only).
    """
    facts.check_event_data(data, current(), zone)
    if process_key == DIALOGUE_PROCESS and element_id == AGENDA_TASK:
        agenda.check_agenda(session, inst.id, inst.agency_id, data)
    if UNIT_KEY in data:
        staffing.check_unit(session, inst.agency_id, data[UNIT_KEY])
    if process_key == DIALOGUE_PROCESS and element_id == CONFERENCE_TASK:
        agenda.check_outcomes(form, current(), data)
    if process_key == PETITION_PROCESS and element_id == INTAKE_TASK:  # the conditions of the petition
        return intake_checks.at_intake(session, inst.id, data, current(), facts.today(zone))
    if process_key == REPORT_PROCESS and element_id in REPORT_DRAFT_TASKS:
        from . import reports  # reports reads the register; imported here to keep the layers acyclic

        return {"figures": reports.figures_for_report(session, inst.agency_id, current(), zone).as_dict()}
    return {}


def petition_stage(snapshot: ev.Snapshot) -> str:
    """Where a petition stands: `closed`, the element of its waiting task, or what it waits for."""
    if snapshot.completed:
        return "closed"
    if snapshot.ready_tasks:
        return snapshot.ready_tasks[0].element_id
    if any(w.name == DIALOGUE_MESSAGE for w in snapshot.waiting_messages):
        return "awaiting_dialogue"
    return "in_progress"


def _text(data: dict[str, Any], key: str, limit: int) -> str | None:
    value = data.get(key)
    return str(value)[:limit] if value not in (None, "") else None


def _petition_values(snapshot: ev.Snapshot, at: datetime) -> dict[str, Any]:
    data = snapshot.data
    values: dict[str, Any] = {"stage": petition_stage(snapshot)}
    if isinstance(data.get("confidential"), bool):
        values["confidential"] = data["confidential"]
    for column, key, limit in (("urgency", "urgency", 16), ("competence", "competence", 16),
                               ("petition_type", "petition_type", 20),
                               ("assigned_unit", "assigned_unit", 32), ("outcome", "final_outcome", 32)):
        text = _text(data, key, limit)
        if text is not None:
            values[column] = text
    if "handling_result" in data:  # set by the consolidation, cleared when a decision is taken back (empty)
        values["handling_result"] = _text(data, "handling_result", 20)
    values |= intake_checks.columns_of(data)  # the type, the conditions found at intake, the earlier petition
    answer = next((str(data[k]) for k, after in ANSWER_KEYS.items()
                   if data.get(k) not in (None, "") and after in (None, data.get("final_outcome"))), None)
    if answer is not None:
        values["answer"] = answer
    if snapshot.completed:
        values["closed_at"] = at
        values.setdefault("outcome", ENDED)
        if data.get("final_outcome") in ("answered", "written_reply"):
            values["answered_at"] = at
    return values


def _dialogue_details(data: dict[str, Any]) -> dict[str, Any]:
    """The date, quarter and venue the dialogue's steps settled, for its register row (typed once)."""
    values: dict[str, Any] = {}
    planned = data.get("planned_date")
    if isinstance(planned, str) and len(planned) >= 10:
        with contextlib.suppress(ValueError):
            values["planned_on"] = date.fromisoformat(planned[:10])
    quarter = str(data.get("planned_quarter") or "")
    if len(quarter) == 2 and quarter[0] == "Q" and quarter[1] in "1234":
        values["quarter"] = int(quarter[1])
    venue = data.get("venue")
    if isinstance(venue, str) and venue.strip() and len(venue) <= 300:
        values["venue"] = venue.strip()
    return values


STEP_COLUMNS = (Petition.id, Petition.agency_id, Petition.submitted_at, Petition.closed_at, Petition.dialogue_id,
                Petition.deadline_at, Petition.deadline_rule)
"""What the rest of a step's work needs of the petition row, returned by its one UPDATE (read once per step)."""


_PETITIONS = cast(Table, Petition.__table__)
_STEP_UPDATES: dict[tuple[str, ...], Update] = {}


def _step_update(columns: tuple[str, ...]) -> Update:
    """The step's UPDATE … RETURNING of a petition row for this set of columns, built once per set (a step
    writes one of a dozen sets: building the statement cost more than sending it)."""
    found = _STEP_UPDATES.get(columns)
    if found is None:
        found = (update(_PETITIONS).where(_PETITIONS.c.instance_id == bindparam("step_instance"))
                 .values({key: bindparam(key, type_=_PETITIONS.c[key].type) for key in columns})
                 .returning(*(_PETITIONS.c[column.key] for column in STEP_COLUMNS)))
        if len(_STEP_UPDATES) >= 256:
            _STEP_UPDATES.clear()
        _STEP_UPDATES[columns] = found
    return found


def project_petition(session: Session, inst: ProcessInstance, snapshot: ev.Snapshot, at: datetime,
                     zone: str | None = None) -> Row[Any] | None:
    """Update the petition row of `inst` after a step (its deadline counts days in `zone`); returns the row's
    `STEP_COLUMNS` as they now stand, or None when the instance is no petition of the register."""
    values = _petition_values(snapshot, at)
    row = session.connection().execute(_step_update(tuple(sorted(values))),
                                       {**values, "step_instance": inst.id}).first()
    if row is None:
        return None
    if identity.protected(snapshot.data.get("petition_type")):  # a denouncer is not found by name
        identity.protect_search(session, inst.id)
    petition_deadlines.project(session, row, snapshot, at, zone)
    return row


def project(session: Session, inst: ProcessInstance, process_key: str, snapshot: ev.Snapshot, at: datetime,
            zone: str | None = None) -> None:
    """Update the register row of `inst`, if its process has one (a petition's deadline counts days in `zone`)."""
    if process_key == PETITION_PROCESS:
        project_petition(session, inst, snapshot, at, zone)
    elif process_key == DIALOGUE_PROCESS:
        held = bool(snapshot.data.get("held_on"))
        status = "closed" if snapshot.completed else "held" if held else "planning"
        values: dict[str, Any] = {"status": status}
        if held:
            values["held_at"] = func.coalesce(Dialogue.held_at, at)
        values |= _dialogue_details(snapshot.data)
        session.execute(update(Dialogue).where(Dialogue.instance_id == inst.id).values(**values),
                        execution_options={"synchronize_session": False})


def close_terminated(session: Session, inst: ProcessInstance, at: datetime) -> None:
    """Close the register row of a terminated instance: a petition gets the outcome `terminated`."""
    session.execute(update(Petition).where(Petition.instance_id == inst.id, Petition.closed_at.is_(None))
                    .values(stage="closed", outcome=TERMINATED, closed_at=at),
                    execution_options={"synchronize_session": False})
    session.execute(update(Dialogue).where(Dialogue.instance_id == inst.id).values(status="closed"),
                    execution_options={"synchronize_session": False})
