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

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from .. import plan_rules
from ..store.petition_tables import Dialogue, Petition
from ..store.tables import Agency, HumanTask, MessageWait, ProcessInstance
from ..store.uow import ConcurrentUpdate
from ..usecases import audit, clock, facts, instances, tasks
from ..usecases.context import Actor, Context
from ..usecases.errors import Conflict, Forbidden, Invalid, NotFound
from ..usecases.form_description import options
from . import plans, registers

KINDS = ("periodic", "adhoc")
READERS = ("office", "inspectorate", "director", "infocenter", "auditor", "admin")
PERIODIC_DECIDERS = ("office", "director", "admin")
"""Who plans the periodic dialogue."""
ADHOC_DECIDERS = ("director", "admin")
"""Who decides an ad-hoc dialogue."""
AGENDA_MAKERS = ("office", "admin")
"""Who puts petitions on the agenda."""
CHAIRS = ("director", "admin")
"""Who records the conference's outcomes (the director chairs it)."""
CANCELLERS = ("office", "director", "admin")
"""Who calls a dialogue off before it is held."""
AGENDA_TASK = registers.AGENDA_TASK
CONFERENCE_TASK = registers.CONFERENCE_TASK
OUTCOME_PATH = "outcomes.outcome"
"""Where the conference's form declares the outcome of an agenda item: the `outcome` select of the
`outcomes` dynamic list. Pages and the API offer these values and labels, never a copy of their own."""


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
    outcome_choices: tuple[dict[str, Any], ...] = ()
    """The outcomes an agenda item may have, `{"value", "label"}`, as the conference's form declares them."""


def _info(d: Dialogue, agenda: Sequence[uuid.UUID], choices: Sequence[dict[str, Any]] = ()) -> DialogueInfo:
    return DialogueInfo(d.id, d.kind, d.title, d.topic, d.quarter, d.planned_on, d.venue, d.status, d.instance_id,
                        d.created_at, d.held_at, tuple(agenda), tuple(choices))


def _choices(ctx: Context, s: Session, d: Dialogue) -> list[dict[str, Any]]:
    """The outcome values and labels of the conference form of the dialogue's process version."""
    if d.instance_id is None:
        return []
    version_id = s.execute(select(ProcessInstance.process_version_id)
                           .where(ProcessInstance.id == d.instance_id)).scalar_one()
    model = ctx.catalog.model_by_id(s, version_id)
    task = model.human_tasks.get(CONFERENCE_TASK)
    form = model.forms.get(task.form_key) if task and task.form_key else None
    return options(form, OUTCOME_PATH)


def create(ctx: Context, actor: Actor, kind: str, title: str, topic: str = "", quarter: int | None = None,
           planned_on: date | None = None, venue: str = "") -> DialogueInfo:
    """Decide a dialogue: periodic (the Office plans it) or ad-hoc on one urgent content (the director)."""
    if kind not in KINDS:
        raise Invalid("unknown kind of dialogue", [f"kind: one of {', '.join(KINDS)}"])
    if kind == "adhoc" and not actor.has(*ADHOC_DECIDERS):
        raise Forbidden("only the director decides an ad-hoc dialogue")
    if kind == "periodic" and not actor.has(*PERIODIC_DECIDERS):
        raise Forbidden("the Office or the director plans the periodic dialogue")
    problems = [p for p, bad in (("title: required, at most 300 characters", not title.strip() or len(title) > 300),
                                 ("topic: the urgent content is required for an ad-hoc dialogue",
                                  kind == "adhoc" and not topic.strip()),
                                 ("quarter: 1 to 4", quarter is not None and not 1 <= quarter <= 4),
                                 (f"venue: at most 300 characters; this text has {len(venue)}", len(venue) > 300))
                if bad]
    if problems:
        raise Invalid("the dialogue was not created", problems)
    facts.refuse(facts.plan_problems(quarter, planned_on, facts.today(ctx.settings.timezone)),
                 "the dialogue was not created")
    with ctx.uow() as uow:
        s = uow.session
        agency = s.execute(select(Agency).where(Agency.code == actor.agency)).scalar_one()
        plan = plans.plan_in_force(s, agency.id, clock.now().year)
        rules = (plan.body.get("dialogue") if plan else None) or {}
        if kind == "adhoc" and plan is not None and not rules.get("adhoc_allowed", False):
            raise Forbidden(f"plan {plan.code} provides for no ad-hoc dialogue")
        today = facts.today(ctx.settings.timezone)
        if kind == "periodic" and quarter is None and plan is not None:
            quarter = plan_rules.next_periodic_quarter(plan.body, today)
        held = next((p for p in plan_rules.periodic_dialogues(plan.body) if p["quarter"] == quarter), None) \
            if kind == "periodic" and plan is not None else None
        dialogue = Dialogue(id=uuid.uuid4(), agency_id=agency.id, plan_id=plan.id if plan else None, kind=kind,
                            title=title.strip(), topic=topic.strip(), quarter=quarter, planned_on=planned_on,
                            venue=venue or rules.get("venue", ""), status="planning", created_by=actor.username,
                            created_at=clock.now(), instance_id=uuid.uuid4())
        s.add(dialogue)
        s.flush()  # the first step projects onto the register row, even when the process ends there
        candidates = [str(i) for i in s.execute(select(Petition.id).where(
            Petition.agency_id == agency.id, Petition.stage == "awaiting_dialogue",
            Petition.dialogue_id.is_(None), Petition.confidential.is_(False))).scalars()]  # never a hidden one's id
        data: dict[str, Any] = {"dialogue_id": str(dialogue.id), "kind": kind, "agency": agency.name,
                                "title": dialogue.title, "candidate_petitions": candidates}
        data |= {"planned_quarter": f"Q{quarter}"} if kind == "periodic" and quarter else {}
        data |= {"planned_date": planned_on.isoformat()} if planned_on else {}
        data |= {"venue": dialogue.venue} if dialogue.venue else {}
        data |= {"urgent_content": dialogue.topic} if kind == "adhoc" else {}
        data |= {"periodic_audiences": list(held["audiences"]), "periodic_duration": held["duration"],
                 "periodic_tied_to": held["tied_to"]} if held else {}
        instances.start_in(s, ctx, actor, registers.DIALOGUE_PROCESS, data, business_key=str(dialogue.id),
                           instance_id=dialogue.instance_id)
        s.refresh(dialogue)
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
    if not actor.has(*AGENDA_MAKERS):
        raise Forbidden("the Office builds the agenda")
    task_id, _ = _task_of(ctx, actor, dialogue_id, AGENDA_TASK)
    data = {"agenda": [str(p) for p in petition_ids], "chair": chair} | ({"agenda_note": note} if note else {})
    instances.complete_task(ctx, actor, task_id, data)
    return get(ctx, actor, dialogue_id)


def record_outcomes(ctx: Context, actor: Actor, dialogue_id: uuid.UUID, outcomes: Sequence[Mapping[str, str]],
                    held_on: date, minutes: str) -> DialogueInfo:
    """The chair records the outcome of each agenda item; each petition receives its outcome as a message."""
    if not actor.has(*CHAIRS):
        raise Forbidden("the director, who chairs the conference, records its outcomes")
    task_id, _ = _task_of(ctx, actor, dialogue_id, CONFERENCE_TASK)
    items = [{"petition_id": str(o["petition_id"]), "outcome": o["outcome"], "note": o.get("note", "")}
             for o in outcomes]
    tasks.complete(ctx, actor, task_id, {"held_on": held_on.isoformat(), "outcomes": items,
                                         "conference_minutes": minutes})
    return get(ctx, actor, dialogue_id)


def cancel(ctx: Context, actor: Actor, dialogue_id: uuid.UUID, reason: str) -> DialogueInfo:
    """Call off a dialogue not yet held (Office, director), with a reason: its process ends, its open tasks
    are withdrawn, the petitions on its agenda wait for another dialogue, and `dialogue_cancelled` (with
    the reason and the petitions released) goes onto the dialogue's audit chain."""
    if not actor.has(*CANCELLERS):
        raise Forbidden("the Office or the director calls a dialogue off")
    why = reason.strip()
    if not why or len(why) > 2000:
        raise Invalid("a reason is required", ["reason: required, at most 2000 characters"],
                      fields={"reason": ["Missing data for required field." if not why
                                         else "Longer than maximum length 2000."]})
    try:
        with ctx.uow() as uow:
            s = uow.session
            dialogue = s.execute(select(Dialogue).join(Agency, Agency.id == Dialogue.agency_id).where(
                Dialogue.id == dialogue_id, Agency.code == actor.agency)).scalar_one_or_none()
            if dialogue is None:
                raise NotFound(f"dialogue {dialogue_id} does not exist")
            if dialogue.status != "planning":
                raise Conflict(f"dialogue '{dialogue.title}' is {dialogue.status}; only one not yet held is called off")
            at = clock.now()
            released = [str(p) for p in s.execute(select(Petition.id).where(Petition.dialogue_id == dialogue.id))
                        .scalars()]
            s.execute(update(Petition).where(Petition.dialogue_id == dialogue.id).values(dialogue_id=None),
                      execution_options={"synchronize_session": False})
            dialogue.status = "cancelled"
            inst = s.get(ProcessInstance, dialogue.instance_id) if dialogue.instance_id else None
            if inst is not None and inst.status in ("running", "suspended"):
                withdrawn = [str(i) for i in s.execute(select(HumanTask.id).where(
                    HumanTask.instance_id == inst.id, HumanTask.status == "ready")).scalars()]
                s.execute(update(HumanTask).where(HumanTask.instance_id == inst.id, HumanTask.status == "ready")
                          .values(status="cancelled", completed_at=at),
                          execution_options={"synchronize_session": False})
                s.execute(delete(MessageWait).where(MessageWait.instance_id == inst.id))
                inst.status, inst.next_timer_at, inst.updated_at = "terminated", None, at
                s.add_all(audit.chain_onto_instance(inst, actor.username, at, [audit.Entry(
                    "dialogue_cancelled", {"dialogue_id": str(dialogue.id), "reason": why,
                                           "released_petitions": released, "cancelled_tasks": withdrawn})]))
            uow.commit()
    except ConcurrentUpdate:
        raise Conflict(f"dialogue {dialogue_id} was changed by someone else; reload and try again") from None
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
        return _info(dialogue, agenda, _choices(ctx, s, dialogue))


def list_dialogues(ctx: Context, actor: Actor, status: str | None = None) -> list[DialogueInfo]:
    """The agency's dialogues, newest first."""
    _require_reader(actor)
    with ctx.uow(write=False) as uow:
        query = select(Dialogue).join(Agency, Agency.id == Dialogue.agency_id).where(Agency.code == actor.agency)
        if status:
            query = query.where(Dialogue.status == status)
        rows = list(uow.session.execute(query.order_by(Dialogue.created_at.desc())).scalars())
        return [_info(d, ()) for d in rows]
