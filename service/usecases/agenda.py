"""The agenda rule: a petition sits on the agenda of one open dialogue only, and only when it waits for one."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..store.petition_tables import Dialogue, Petition
from .errors import Conflict, Invalid


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
    open_dialogues = set(session.execute(select(Dialogue.id).where(Dialogue.status != "closed")).scalars())
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
