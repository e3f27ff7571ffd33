"""Dialogue conferences: deciding one, putting petitions on its agenda, recording the outcomes.

A dialogue is a `dialogue` process instance plus its register row. Its agenda and its outcomes
are data of two of its tasks (`build_agenda`, `hold_conference`); the rule that a petition sits on
the agenda of one open dialogue only is checked whenever `build_agenda` is completed, through
these commands or the generic task API alike (`agenda.check_agenda`, through `registers`).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from ..store.petition_tables import Dialogue, Petition
from ..store.tables import Agency, HumanTask
from . import clock, instances, plans, registers
from .context import Actor, Context
from .errors import Conflict, Forbidden, Invalid, NotFound

KINDS = ("periodic", "adhoc")
READERS = ("office", "inspectorate", "director", "infocenter", "auditor", "admin")
AGENDA_TASK = registers.AGENDA_TASK
CONFERENCE_TASK = "hold_conference"


@dataclass(frozen=True)
class DialogueInfo:
    """A dialogue as lists and pages show it, with the petitions on its agenda."""

    id: uuid.UUID
    kind: str
    title: str
    topic: str
    quarter: int | None
    planned_on: date | None
    venue: str
    status: str
    instance_id: uuid.UUID | None
    created_at: datetime
    held_at: datetime | None
    agenda: tuple[uuid.UUID, ...]


def _info(d: Dialogue, agenda: Sequence[uuid.UUID]) -> DialogueInfo:
    return DialogueInfo(d.id, d.kind, d.title, d.topic, d.quarter, d.planned_on, d.venue, d.status, d.instance_id,
                        d.created_at, d.held_at, tuple(agenda))


def create(ctx: Context, actor: Actor, kind: str, title: str, topic: str = "", quarter: int | None = None,
           planned_on: date | None = None, venue: str = "") -> DialogueInfo:
    """Decide a dialogue: periodic (the Office plans it) or ad-hoc on one urgent content (the director)."""
    if kind not in KINDS:
        raise Invalid("unknown kind of dialogue", [f"kind: one of {', '.join(KINDS)}"])
    if kind == "adhoc" and not actor.has("director", "admin"):
        raise Forbidden("only the director decides an ad-hoc dialogue")
    if kind == "periodic" and not actor.has("office", "director", "admin"):
        raise Forbidden("the Office or the director plans the periodic dialogue")
    problems = [p for p, bad in (("title: required, at most 300 characters", not title.strip() or len(title) > 300),
                                 ("topic: the urgent content is required for an ad-hoc dialogue",
                                  kind == "adhoc" and not topic.strip()),
                                 ("quarter: 1 to 4", quarter is not None and not 1 <= quarter <= 4),
                                 (f"venue: at most 300 characters; this text has {len(venue)}", len(venue) > 300))
                if bad]
    if problems:
        raise Invalid("the dialogue was not created", problems)
    with ctx.uow() as uow:
        s = uow.session
        agency = s.execute(select(Agency).where(Agency.code == actor.agency)).scalar_one()
        plan = plans.plan_in_force(s, agency.id, clock.now().year)
        rules = (plan.body.get("dialogue") if plan else None) or {}
        if kind == "adhoc" and plan is not None and not rules.get("adhoc_allowed", False):
            raise Forbidden(f"plan {plan.code} provides for no ad-hoc dialogue")
        quarter = quarter if quarter is not None else rules.get("periodic_quarter") if kind == "periodic" else None
        dialogue = Dialogue(id=uuid.uuid4(), agency_id=agency.id, plan_id=plan.id if plan else None, kind=kind,
                            title=title.strip(), topic=topic.strip(), quarter=quarter, planned_on=planned_on,
                            venue=venue or rules.get("venue", ""), status="planning", created_by=actor.username,
                            created_at=clock.now())
        s.add(dialogue)
        candidates = [str(i) for i in s.execute(select(Petition.id).where(
            Petition.agency_id == agency.id, Petition.stage == "awaiting_dialogue",
            Petition.dialogue_id.is_(None))).scalars()]
        data: dict[str, Any] = {"dialogue_id": str(dialogue.id), "kind": kind, "agency": agency.name,
                                "title": dialogue.title, "candidate_petitions": candidates}
        data |= {"planned_quarter": f"Q{quarter}"} if kind == "periodic" and quarter else {}
        data |= {"planned_date": planned_on.isoformat()} if planned_on else {}
        data |= {"venue": dialogue.venue} if dialogue.venue else {}
        data |= {"urgent_content": dialogue.topic} if kind == "adhoc" else {}
        started = instances.start_in(s, ctx, actor, registers.DIALOGUE_PROCESS, data, business_key=str(dialogue.id))
        dialogue.instance_id = started.id
        uow.commit()
        return _info(dialogue, [])


def _require_reader(actor: Actor) -> None:
    if not actor.has(*READERS):
        raise Forbidden("dialogues are followed by the Office, the Inspectorate, the director and auditors")


def _task_of(ctx: Context, actor: Actor, dialogue_id: uuid.UUID, element: str) -> tuple[uuid.UUID, Dialogue]:
    with ctx.uow(write=False) as uow:
        s = uow.session
        dialogue = s.execute(select(Dialogue).join(Agency, Agency.id == Dialogue.agency_id).where(
            Dialogue.id == dialogue_id, Agency.code == actor.agency)).scalar_one_or_none()
        if dialogue is None or dialogue.instance_id is None:
            raise NotFound(f"dialogue {dialogue_id} does not exist")
        task_id = s.execute(select(HumanTask.id).where(HumanTask.instance_id == dialogue.instance_id,
                                                        HumanTask.element_id == element,
                                                        HumanTask.status == "ready")).scalar_one_or_none()
    if task_id is None:
        raise Conflict(f"dialogue '{dialogue.title}' is not at the step '{element}' now")
    return task_id, dialogue


def set_agenda(ctx: Context, actor: Actor, dialogue_id: uuid.UUID, petition_ids: Sequence[uuid.UUID],
               chair: str, note: str = "") -> DialogueInfo:
    """The Office puts consolidated petitions on the agenda (completing the agenda step)."""
    if not actor.has("office", "admin"):
        raise Forbidden("the Office builds the agenda")
    task_id, _ = _task_of(ctx, actor, dialogue_id, AGENDA_TASK)
    data = {"agenda": [str(p) for p in petition_ids], "chair": chair} | ({"agenda_note": note} if note else {})
    instances.complete_task(ctx, actor, task_id, data)
    return get(ctx, actor, dialogue_id)


def record_outcomes(ctx: Context, actor: Actor, dialogue_id: uuid.UUID, outcomes: Sequence[Mapping[str, str]],
                    held_on: date, minutes: str) -> DialogueInfo:
    """The chair records the outcome of each agenda item; each petition receives its outcome as a message."""
    if not actor.has("director", "admin"):
        raise Forbidden("the director, who chairs the conference, records its outcomes")
    task_id, _ = _task_of(ctx, actor, dialogue_id, CONFERENCE_TASK)
    items = [{"petition_id": str(o["petition_id"]), "outcome": o["outcome"], "note": o.get("note", "")}
             for o in outcomes]
    instances.complete_task(ctx, actor, task_id, {"held_on": held_on.isoformat(), "outcomes": items,
                                                  "conference_minutes": minutes})
    return get(ctx, actor, dialogue_id)


def get(ctx: Context, actor: Actor, dialogue_id: uuid.UUID) -> DialogueInfo:
    """One dialogue of the actor's agency with its agenda."""
    _require_reader(actor)
    with ctx.uow(write=False) as uow:
        s = uow.session
        dialogue = s.execute(select(Dialogue).join(Agency, Agency.id == Dialogue.agency_id).where(
            Dialogue.id == dialogue_id, Agency.code == actor.agency)).scalar_one_or_none()
        if dialogue is None:
            raise NotFound(f"dialogue {dialogue_id} does not exist")
        agenda = list(s.execute(select(Petition.id).where(Petition.dialogue_id == dialogue.id)
                                .order_by(Petition.code)).scalars())
        return _info(dialogue, agenda)


def list_dialogues(ctx: Context, actor: Actor, status: str | None = None) -> list[DialogueInfo]:
    """The agency's dialogues, newest first."""
    _require_reader(actor)
    with ctx.uow(write=False) as uow:
        query = select(Dialogue).join(Agency, Agency.id == Dialogue.agency_id).where(Agency.code == actor.agency)
        if status:
            query = query.where(Dialogue.status == status)
        rows = list(uow.session.execute(query.order_by(Dialogue.created_at.desc())).scalars())
        return [_info(d, ()) for d in rows]
