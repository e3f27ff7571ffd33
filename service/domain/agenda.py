"""The agenda rule: a petition sits on the agenda of one open dialogue only, and only when it waits for one."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..store.petition_tables import Dialogue, Petition
from ..usecases.errors import Conflict, Invalid
from ..usecases.form_description import options


def check_agenda(session: Session, instance_id: uuid.UUID, agency_id: int, data: Mapping[str, Any]) -> None:
    """Before `build_agenda` completes: every petition exists here, awaits a dialogue, and is on no other
    open dialogue's agenda; then bind them to this dialogue (in the caller's transaction)."""
    dialogue = session.execute(select(Dialogue).where(Dialogue.instance_id == instance_id)).scalar_one_or_none()
    if dialogue is None:
        return
    raw = data.get("agenda")
    if not isinstance(raw, list):
        raise Invalid("the agenda must list petitions", ["agenda: a list of petition ids"])
    try:
        ids = [uuid.UUID(str(x)) for x in raw]
    except ValueError:
        raise Invalid("the agenda names something that is not a petition id", ["agenda: petition ids"]) from None
    found = {p.id: p for p in session.execute(select(Petition).where(
        Petition.id.in_(ids), Petition.agency_id == agency_id)).scalars()}
    open_dialogues = set(session.execute(select(Dialogue.id).where(
        Dialogue.status.not_in(("closed", "cancelled")))).scalars())
    problems = []
    for pid in ids:
        petition = found.get(pid)
        if petition is None:
            problems.append(f"agenda: petition {pid} does not exist")
        elif petition.dialogue_id not in (None, dialogue.id) and petition.dialogue_id in open_dialogues:
            problems.append(f"agenda: petition {petition.code} is already on the agenda of another open dialogue")
        elif petition.stage != "awaiting_dialogue":
            problems.append(f"agenda: petition {petition.code} is not waiting for a dialogue ({petition.stage})")
    if problems:
        raise Conflict("; ".join(problems))
    session.execute(update(Petition).where(Petition.dialogue_id == dialogue.id, Petition.id.not_in(ids))
                    .values(dialogue_id=None), execution_options={"synchronize_session": False})
    if ids:
        session.execute(update(Petition).where(Petition.id.in_(ids)).values(dialogue_id=dialogue.id),
                        execution_options={"synchronize_session": False})


def check_outcomes(form: Mapping[str, Any] | None, current: Mapping[str, Any], data: Mapping[str, Any]) -> None:
    """Before `hold_conference` completes: exactly one outcome for every agenda item, each one of the values
    the conference's form declares (`outcomes.outcome`), and none for a petition not on the agenda. The
    diagram checks this too and sends the chair back; refusing here says why instead of looping."""
    agenda = [str(p) for p in current.get("agenda") or []]
    rows = data.get("outcomes", current.get("outcomes"))
    if not isinstance(rows, list) or not all(isinstance(r, Mapping) for r in rows):
        raise Invalid("the outcome of each agenda item is missing", ["outcomes: one entry per agenda item"],
                      fields={"outcomes": ["One entry per agenda item."]})
    allowed = [str(c["value"]) for c in options(form, "outcomes.outcome")]
    named = [str(r.get("petition_id", "")) for r in rows]
    problems: dict[str, list[str]] = {}
    for index, row in enumerate(rows):
        pid = named[index]
        if pid not in agenda:
            problems[f"outcomes.{index}.petition_id"] = [f"petition {pid} is not on the agenda"]
        elif named.count(pid) > 1:
            problems[f"outcomes.{index}.petition_id"] = [f"petition {pid} has more than one outcome"]
        value = row.get("outcome")
        if value in (None, ""):
            problems[f"outcomes.{index}.outcome"] = ["Missing data for required field."]
        elif allowed and str(value) not in allowed:
            problems[f"outcomes.{index}.outcome"] = [f"Must be one of: {', '.join(allowed)}."]
    missing = [p for p in agenda if p not in named]
    if missing:
        problems["outcomes"] = [f"no outcome for petition {p}" for p in missing]
    if problems:
        listed = [f"{name}: {' '.join(msgs)}" for name, msgs in sorted(problems.items())]
        raise Invalid(f"the conference's outcomes were refused: {'; '.join(listed)}", listed, fields=problems)
