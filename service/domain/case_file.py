"""A petition's case file: the thread of what each person decided and wrote, and the documents so far.

Read from the instance's audit trail (every completed task with the data submitted, every message
caught), labelled by the forms that asked for the data, plus the comments staff wrote without
completing a task (`comments`). A task page shows it beside its form, so whoever acts next sees the
consolidation note, the proposed unit, the director's instruction, why a draft came back, the
conference's note, and the very document they decide on, with what changed since its last version.
"""

from __future__ import annotations

import difflib
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import plan_rules
from ..store.petition_tables import Petition, PetitionComment
from ..store.tables import AuditEvent, HumanTask, ProcessInstance, ProcessVersion
from ..usecases import access
from ..usecases.context import Actor, Context
from ..usecases.errors import NotFound
from . import identity, plan_queries

TEXT_KINDS = ("textarea",)
"""Form components whose values are documents (drafts, letters, minutes, notes)."""
_CHOICE_KINDS = ("select", "radio")
_SKIPPED = {"petition_id", "petition_code", "plan_draft_days", "plan_reply_days", "office_sources", "remote_area",
            "conditions_met", "duplicate_of", "duplicate_of_code"}  # intake's findings: the record shows them
WITHDRAWAL = "petition_withdrawn"
"""The message recording a petitioner's withdrawal (`registers.WITHDRAW_MESSAGE`): no form asks for its
reason (the petition page's withdrawal form does), so the thread labels it here."""
_MESSAGE_LABELS: Mapping[str, Mapping[str, Mapping[str, Any]]] = {WITHDRAWAL: {"reason": {
    "type": "textarea", "label": "Lý do rút đơn", "properties": {"label_en": "Reason for the withdrawal"}}}}


@dataclass(frozen=True)
class Value:
    """One labelled value: the form's label (Vietnamese, English), the value and, for a choice, its label."""

    key: str
    label: str
    label_en: str
    value: Any
    choice: str | None = None
    kind: str = "text"


@dataclass(frozen=True)
class Step:
    """One entry of the thread: a completed task, a message caught, or a comment."""

    kind: str
    """`task`, `message` or `comment`."""
    at: datetime
    actor: str
    title: str
    """The task's name (bilingual) or the message's name; empty for a comment."""
    task_id: str | None = None
    element_id: str | None = None
    choices: list[Value] = field(default_factory=list)
    notes: list[Value] = field(default_factory=list)


@dataclass(frozen=True)
class Document:
    """The latest version of a text a step wrote, who wrote it, and how it differs from the one before."""

    key: str
    label: str
    label_en: str
    text: str
    by_task: str
    actor: str
    at: datetime
    version: int
    changes: list[str] | None
    """Lines of a unified diff against the previous version (None for a first version)."""
    decided: list[tuple[str, Value]] | None
    """(task name, choice) of the decisions taken on it since it was written (approve, return, sign);
    None for a note written beside a decision (a reviewer's comment), which nobody decides on."""


@dataclass(frozen=True)
class CaseFile:
    """The thread (oldest first) and the documents (newest first); `latest` are those of the last step."""

    steps: list[Step]
    documents: list[Document]
    latest: list[Document]


def _components(form: Mapping[str, Any] | None) -> dict[str, Mapping[str, Any]]:
    found: dict[str, Mapping[str, Any]] = {}

    def walk(items: Any) -> None:
        for c in items or []:
            if isinstance(c, Mapping):
                if c.get("key"):
                    found[str(c["key"])] = c
                walk(c.get("components"))

    walk((form or {}).get("components"))
    return found


def _value(key: str, value: Any, component: Mapping[str, Any] | None) -> Value:
    c = component or {}
    label, label_en = str(c.get("label") or key), str((c.get("properties") or {}).get("label_en") or "")
    kind = str(c.get("type") or "")
    choice = None
    if kind in _CHOICE_KINDS:
        choice = next((str(v.get("label")) for v in c.get("values") or []
                       if isinstance(v, Mapping) and v.get("value") == value), None)
    shown = ("text" if kind in TEXT_KINDS else "choice" if kind in _CHOICE_KINDS else
             "flag" if kind == "checkbox" else "date" if kind == "datetime" else "short")
    return Value(key, label, label_en, value, choice, shown)


def _task_step(event: AuditEvent, task: HumanTask | None, forms: Mapping[str, Any]) -> Step:
    components = _components(forms.get(task.form_key) if task and task.form_key else None)
    submitted = (event.data or {}).get("submitted") or {}
    choices: list[Value] = []
    notes: list[Value] = []
    for key, value in submitted.items():
        if key in _SKIPPED or value in (None, "", []) or isinstance(value, Mapping | list):
            continue
        shown = _value(key, value, components.get(key))
        (notes if shown.kind == "text" else choices).append(shown)
    return Step("task", event.at, event.actor, task.name if task else (event.element_id or ""),
                event.task_id, event.element_id, choices, notes)


def _message_step(event: AuditEvent, labels: Mapping[str, Mapping[str, Any]]) -> Step:
    """A message caught (a conference's outcome for this item): its values under the labels of the form
    of the sending process that asked for them (`labels`); a value no form names is left out."""
    payload = (event.data or {}).get("payload") or {}
    labels = {**labels, **_MESSAGE_LABELS.get(str((event.data or {}).get("name") or ""), {})}
    choices: list[Value] = []
    notes: list[Value] = []
    for key, value in payload.items():
        component = labels.get(key)
        if component is None or key in _SKIPPED or value in (None, "") or isinstance(value, Mapping | list):
            continue
        shown = _value(key, value, component)
        (notes if shown.kind == "text" else choices).append(shown)
    return Step("message", event.at, event.actor, str((event.data or {}).get("name") or ""), None,
                event.element_id, choices, notes)


def _deployed_components(session: Session, ctx: Context) -> dict[str, Mapping[str, Any]]:
    """Form components by key over the latest version of every deployed process (messages carry values
    another process's form asked for)."""
    latest = session.execute(select(ProcessVersion.id).where(ProcessVersion.id.in_(
        select(func.max(ProcessVersion.id)).group_by(ProcessVersion.key)))).scalars().all()
    found: dict[str, Mapping[str, Any]] = {}
    for version_id in sorted(latest):
        for form in ctx.catalog.model_by_id(session, version_id).forms.values():
            for key, component in _components(form if isinstance(form, Mapping) else None).items():
                found.setdefault(key, component)
    return found


def _documents(steps: list[Step]) -> list[Document]:
    versions: dict[str, list[tuple[int, Step, Value]]] = {}
    for index, step in enumerate(steps):
        for note in step.notes:
            if step.kind == "task":
                versions.setdefault(note.key, []).append((index, step, note))
    documents = []
    for key, written in versions.items():
        index, step, note = written[-1]
        changes = None
        if len(written) > 1:
            before = str(written[-2][2].value).splitlines()
            changes = list(difflib.unified_diff(before, str(note.value).splitlines(), lineterm="", n=1))[2:]
        decided: list[tuple[str, Value]] | None = None  # a note beside a decision is decided on by no one
        if not any(c.kind == "choice" for c in step.choices):
            decider = next((later for later in steps[index + 1:] if later.kind == "task"
                            and any(c.kind == "choice" for c in later.choices)), None)
            decided = [(decider.title, c) for c in decider.choices if c.kind == "choice"] if decider else []
        documents.append(Document(key, note.label, note.label_en, str(note.value), step.title, step.actor,
                                  step.at, len(written), changes, decided))
    documents.sort(key=lambda d: d.at, reverse=True)
    return documents


def _hide(step: Step, secrets: list[str]) -> Step:
    def value(v: Value) -> Value:
        shown = identity.HIDDEN if v.key in identity.IDENTITY_KEYS and v.value else identity.redact(v.value, secrets)
        return replace(v, value=shown)

    return replace(step, choices=[value(v) for v in step.choices], notes=[value(v) for v in step.notes])


def read(session: Session, ctx: Context, inst: ProcessInstance, hidden: list[str] | None = None) -> CaseFile:
    """The case file of an instance the caller has already been allowed to see; with `hidden`, a denunciation's
    identity fields and values (`identity.hidden_for`) are taken out of it."""
    plan = plan_queries.plan_body_for(session, inst.agency_id, inst.created_at.year)
    forms = {key: plan_rules.form_for_plan(form, plan) if isinstance(form, Mapping) else form
             for key, form in ctx.catalog.model_by_id(session, inst.process_version_id).forms.items()}
    events = session.execute(select(AuditEvent).where(
        AuditEvent.instance_id == inst.id, AuditEvent.event_type.in_(("task_completed", "message_delivered")))
        .order_by(AuditEvent.seq)).scalars().all()
    tasks = {str(t.id): t for t in session.execute(select(HumanTask).where(
        HumanTask.instance_id == inst.id)).scalars()}
    labels = _deployed_components(session, ctx) if any(e.event_type == "message_delivered" for e in events) else {}
    steps = [_task_step(e, tasks.get(e.task_id or ""), forms) if e.event_type == "task_completed"
             else _message_step(e, labels) for e in events]
    petition_id = session.execute(select(Petition.id).where(Petition.instance_id == inst.id)).scalar()
    if petition_id is not None:
        steps += [Step("comment", c.created_at, c.author, "", notes=[Value("comment", "", "", c.body)])
                  for c in session.execute(select(PetitionComment).where(PetitionComment.petition_id == petition_id)
                                           .order_by(PetitionComment.created_at)).scalars()]
        steps.sort(key=lambda s: s.at)
    if hidden is not None:
        steps = [_hide(step, hidden) for step in steps]
    documents = _documents(steps)
    recent = _since_last_decision([s for s in steps if s.kind == "task"])
    latest = [d for d in documents if any(d.at == r.at and d.actor == r.actor for r in recent)]
    return CaseFile(steps, documents, latest)


LATEST_STEPS = 3
"""At most this many recent steps give the documents a task decides on."""


def _since_last_decision(done: list[Step]) -> list[Step]:
    """The last completed step, and the ones before it that wrote texts without deciding anything:
    the draft a review decides on, the notice and the report a signature covers, the reason a
    returned draft came back with."""
    recent: list[Step] = []
    for step in reversed(done):
        deciding = any(c.kind == "choice" for c in step.choices)
        if recent and (deciding or not step.notes):
            break
        recent.append(step)
        if deciding or len(recent) == LATEST_STEPS:  # a decision comes with its reason, alone
            break
    return recent


def stale_keys(case: CaseFile, element_id: str) -> set[str]:
    """Keys a form of `element_id` should not start with: what an earlier round of the same step decided
    (a returned draft's review comes back without the last decision and its comment), while a drafter
    keeps the text they wrote, to correct it rather than retype it."""
    stale: set[str] = set()
    for step in case.steps:
        if step.kind == "task" and step.element_id == element_id and any(c.kind == "choice" for c in step.choices):
            stale |= {v.key for v in (*step.choices, *step.notes)}
    return stale


def of_instance(ctx: Context, actor: Actor, instance_id: uuid.UUID) -> CaseFile:
    """The case file of an instance the actor may see (agency, confidentiality)."""
    with ctx.uow(write=False) as uow:
        inst = uow.session.get(ProcessInstance, instance_id)
        if inst is None:
            raise NotFound(f"instance {instance_id} does not exist")
        access.check_visible(uow.session, actor, inst)
        return read(uow.session, ctx, inst, identity.hidden_for(uow.session, actor, inst.id))
