"""Publication on an agency's public pages: what the information centre's steps publish (issue 14 point 6).

Which steps publish, and what, is read from the process: a step whose form has the property
`publish` (`plan` or `results`) publishes when it completes; its `publish_text` property names the
data key whose text (the notice of results) goes out. The content is taken from the register row of
the step's dialogue or petition, in the step's own transaction, with personal data removed: names
and contacts of the petitioners concerned, telephone numbers, e-mail addresses and identity numbers.
A confidential petition is never published, nor anything of it in a dialogue's results.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflows import events as ev
from workflows.models import ProcessModel

from ..store.petition_tables import Dialogue, Petition, Plan
from ..store.publication_tables import Publication
from ..store.tables import Agency, ProcessInstance
from ..usecases import facts
from ..usecases.context import Context
from ..usecases.errors import NotFound

PUBLISH_PROPERTY = "publish"
"""Form (or task) property naming what a step publishes: `plan` or `results`."""
TEXT_PROPERTY = "publish_text"
"""Form (or task) property naming the data key whose text a results step publishes."""
KINDS = ("plan", "results")
REMOVED = "[đã lược bỏ]"
"""What stands where personal data was removed from a published text."""
PLAN_FACTS = ("title", "year")
DIALOGUE_FACTS = ("periodic_quarter", "periodic_duration", "adhoc_allowed", "venue")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<!\w)(?:\+?84|0)(?:[\s.-]?\d){8,10}(?!\w)")
_ID_NUMBER = re.compile(r"(?<!\w)\d{9}(?:\d{3})?(?!\w)")
_WORD = re.compile(r"[^\W\d_]+")
HONORIFICS = frozenset({"ông", "bà", "anh", "chị", "cô", "chú", "bác", "cụ", "em", "đồng chí", "công dân",
                        "người dân", "hộ", "hộ ông", "hộ bà", "gia đình ông", "gia đình bà"})
"""Words before a person's name in Vietnamese ('bà Nguyễn Thị Hoà'): the capitalised words after them go."""
SURNAMES = frozenset({"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
                      "Hồ", "Ngô", "Dương", "Đinh", "Lò", "Lường", "Cầm", "Trịnh", "Đào"})
"""Common family names (and those of the north-west's Thái people): with a capitalised word after them, a name,
removed even without an honorific. Those that begin many place names (Hà, Mai, Lý) are left out; place names
built on one of these are kept (`KEPT_NAMES`)."""
KEPT_NAMES = ("Hồ Chí Minh",)


@dataclass(frozen=True)
class Item:
    """One published item as the public pages, the feed and the export show it."""

    id: uuid.UUID
    kind: str
    subject: str
    title: str
    year: int
    published_at: datetime
    content: Mapping[str, Any]

    @property
    def planned_on(self) -> date | None:
        """The dialogue's date, when the item is about a dialogue that has one."""
        text = self.content.get("planned_on")
        return date.fromisoformat(text) if isinstance(text, str) and len(text) == 10 else None


@dataclass(frozen=True)
class Listing:
    """An agency's public pages: its published plans, dialogues (upcoming and past) and notices."""

    agency_code: str
    agency_name: str
    plans: tuple[Mapping[str, Any], ...]
    upcoming: tuple[Item, ...]
    past: tuple[Item, ...]
    notices: tuple[Item, ...]
    items: tuple[Item, ...]
    """Every published item, newest first (the feed's and the export's entries)."""
    updated_at: datetime | None


def publishing_steps(model: ProcessModel) -> dict[str, tuple[str, str | None]]:
    """The human tasks of `model` that publish: element id → (kind, data key of the published text)."""
    found: dict[str, tuple[str, str | None]] = {}
    for element_id, info in model.human_tasks.items():
        form = model.forms.get(info.form_key or "")
        props = dict(form.get("properties") or {}) if isinstance(form, dict) else {}
        props |= {k: v for k, v in info.properties.items() if k in (PUBLISH_PROPERTY, TEXT_PROPERTY)}
        kind = props.get(PUBLISH_PROPERTY)
        if kind in KINDS:
            text = props.get(TEXT_PROPERTY)
            found[element_id] = (str(kind), str(text) if text else None)
    return found


def _names(text: str) -> list[tuple[int, int]]:
    """Spans of what reads as a person's name: capitalised words after an honorific or a common family name."""
    words = list(_WORD.finditer(text))
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(words):
        word = words[i].group()
        pair = f"{word} {words[i + 1].group()}".lower() if i + 1 < len(words) else ""
        lead = 2 if pair in HONORIFICS else 1 if word.lower() in HONORIFICS else 0
        start = i + lead if lead else i if word in SURNAMES else -1
        j = start
        while 0 <= j < len(words) and j - start < 4 and words[j].group()[0].isupper() and (
                j == start or text[words[j - 1].end():words[j].start()] == " "):
            j += 1
        if start >= 0 and j - start >= (1 if lead else 2):
            name = text[words[start].start():words[j - 1].end()]
            if not any(name.startswith(k) for k in KEPT_NAMES):
                spans.append((words[start].start(), words[j - 1].end()))
            i = j
        else:
            i += 1
    return spans


def redact(text: str, personal: Iterable[str]) -> str:
    """`text` without the given names and contacts, e-mail addresses, telephone and identity numbers, nor
    anything that reads as a person's name (see `_names`)."""
    for value in sorted({p.strip() for p in personal if p and len(p.strip()) >= 3}, key=len, reverse=True):
        text = re.sub(re.escape(value), REMOVED, text, flags=re.IGNORECASE)
    text = _EMAIL.sub(REMOVED, text)
    text = _PHONE.sub(REMOVED, text)
    text = _ID_NUMBER.sub(REMOVED, text)
    for start, end in reversed(_names(text)):
        text = text[:start] + REMOVED + text[end:]
    return text


def _personal(petitions: Sequence[Petition]) -> list[str]:
    values: list[str] = []
    for p in petitions:
        values += [p.petitioner_name, p.petitioner_contact]
        if p.confidential:
            values += [p.title, p.code]
    return values


def _plan_facts(session: Session, plan_id: int | None) -> dict[str, Any]:
    plan = session.get(Plan, plan_id) if plan_id is not None else None
    if plan is None:
        return {}
    body = plan.body if isinstance(plan.body, dict) else {}
    found = body.get("dialogue")
    dialogue: dict[str, Any] = found if isinstance(found, dict) else {}
    return {"plan": {"code": plan.code, "title": plan.title, "year": plan.year,
                     **{k: dialogue[k] for k in DIALOGUE_FACTS if k in dialogue}}}


def _dialogue_content(session: Session, dialogue: Dialogue, kind: str, text: str | None) -> dict[str, Any]:
    content: dict[str, Any] = {
        "dialogue_kind": dialogue.kind, "quarter": dialogue.quarter, "venue": dialogue.venue,
        "planned_on": dialogue.planned_on.isoformat() if dialogue.planned_on else None,
    }
    agenda = list(session.execute(select(Petition).where(Petition.dialogue_id == dialogue.id)).scalars())
    personal = _personal(agenda)
    content["topic"] = redact(dialogue.topic, personal) if dialogue.topic else ""
    if kind == "results" and text:
        content["text"] = redact(text, personal)
    return content | _plan_facts(session, dialogue.plan_id)


def _record_dialogue(session: Session, inst: ProcessInstance, kind: str, text: str | None) -> tuple[str, int,
                                                                                                   dict[str, Any]]:
    dialogue = session.execute(select(Dialogue).where(Dialogue.instance_id == inst.id)
                               .execution_options(populate_existing=True)).scalar_one_or_none()
    if dialogue is None:
        return "", 0, {}
    year = dialogue.planned_on.year if dialogue.planned_on else inst.created_at.year
    title = redact(dialogue.title, _personal(list(session.execute(
        select(Petition).where(Petition.dialogue_id == dialogue.id)).scalars())))
    return title, year, {"subject": "dialogue", "subject_id": str(dialogue.id)} | _dialogue_content(
        session, dialogue, kind, text)


def _record_petition(session: Session, inst: ProcessInstance, kind: str, text: str | None) -> tuple[str, int,
                                                                                                   dict[str, Any]]:
    petition = session.execute(select(Petition).where(Petition.instance_id == inst.id)
                               .execution_options(populate_existing=True)).scalar_one_or_none()
    if petition is None or petition.confidential or inst.confidential:
        return "", 0, {}
    personal = _personal([petition])
    content: dict[str, Any] = {"subject": "petition", "subject_id": str(petition.id), "code": petition.code,
                               "field": petition.field, "outcome": petition.outcome}
    if kind == "results" and text:
        content["text"] = redact(text, personal)
    return redact(petition.title, personal), petition.submitted_at.year, content


def record(session: Session, inst: ProcessInstance, model: ProcessModel, result: ev.StepResult, actor: str,
           at: datetime) -> None:
    """Publish what the step's completed publishing tasks publish (called in the step's transaction)."""
    steps = publishing_steps(model) if any(e.kind == ev.TASK_COMPLETED for e in result.events) else {}
    for event in result.events:
        if event.kind != ev.TASK_COMPLETED or event.element_id not in steps:
            continue
        kind, text_key = steps[event.element_id]
        raw = result.snapshot.data.get(text_key) if text_key else None
        text = str(raw) if raw not in (None, "") else None
        title, year, content = (_record_dialogue if session.execute(
            select(Dialogue.id).where(Dialogue.instance_id == inst.id)).first() else _record_petition)(
            session, inst, kind, text)
        if not content:
            continue
        session.add(Publication(agency_id=inst.agency_id, kind=kind, instance_id=inst.id,
                                element_id=str(event.element_id)[:200], year=year, title=title[:300] or kind,
                                content=content, published_by=actor[:64], published_at=at))


def _item(row: Publication) -> Item:
    content = dict(row.content)
    return Item(row.id, row.kind, str(content.get("subject", "")), row.title, row.year, row.published_at, content)


def listing(ctx: Context, agency_code: str) -> Listing:
    """An agency's published items for anyone (no sign-in): NotFound for an unknown agency.

    A dialogue is upcoming until its day has passed in the deployment's time zone.
    """
    today = facts.today(ctx.settings.timezone)
    with ctx.uow(write=False) as uow:
        s = uow.session
        agency = s.execute(select(Agency).where(Agency.code == agency_code[:32])).scalar_one_or_none()
        if agency is None:
            raise NotFound(f"no agency {agency_code}")
        rows = list(s.execute(select(Publication).where(Publication.agency_id == agency.id)
                              .order_by(Publication.published_at.desc()).limit(500)).scalars())
        name = agency.name
    items = [_item(r) for r in rows]
    plans = tuple(i for i in items if i.kind == "plan")
    # A dialogue's schedule is its latest plan publication.
    latest: dict[str, Item] = {}
    for item in plans:
        latest.setdefault(str(item.content.get("subject_id")), item)
    scheduled = sorted(latest.values(), key=lambda i: (i.planned_on or date.min, i.published_at))
    upcoming = tuple(i for i in scheduled if i.planned_on is None or i.planned_on >= today)
    past = tuple(reversed([i for i in scheduled if i.planned_on is not None and i.planned_on < today]))
    notices = tuple(i for i in items if i.kind == "results")
    yearly: dict[str, Mapping[str, Any]] = {}
    for item in plans:
        plan = item.content.get("plan")
        if isinstance(plan, dict):
            yearly.setdefault(str(plan.get("code")), plan)
    return Listing(agency_code, name, tuple(yearly.values()), upcoming, past, notices, tuple(items),
                   max((i.published_at for i in items), default=None))
