"""Official documents of a petition: numbered when the step that issues them completes, rendered on demand.

A document's number (số) is given once, from a counter row per agency, year and kind of document (its
series, the symbol after the number: TB-SKHCN for every notice, GM-SKHCN for invitations) incremented by an
atomic upsert in the issuing step's own transaction: a rolled-back step gives its number back, so the
numbers have no gaps, and the row lock keeps parallel signings from sharing one. The values the template
is filled with are kept on the document, so rendering it again (or after a template is replaced) shows
the same number, date and content; the template version each rendering used is recorded on the row.

Which documents a step issues follows from what the petition's data holds after it (`due_kinds`):
the receipt from the first step, the handling decision's notice once it is decided, the
invitation when the petition sits on a dialogue's agenda with a date, the minutes when the dialogue's
outcome for it arrives, the written reply when the director signs it, the notice of results when it ends.
The handling decision's notice is the one the pack's decision table names (`notice_kind`: the acceptance
notice, for a complaint also sent to the Inspectorate; the forwarding slip; the guidance letter). The pack
has no step deciding a refusal; `issue` makes it on request.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Row, bindparam, func, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from ..documents import docx_render, layout, pdf_render, templates
from ..store.document_tables import Document, DocumentCounter
from ..store.petition_tables import Dialogue, Petition, Plan
from ..store.tables import Agency, AuditEvent, RoleGrant, User
from ..usecases import clock, notifications
from ..usecases.context import Actor, Context
from ..usecases.errors import Conflict, Forbidden, Invalid, NotFound
from . import identity, petitions, plans

DEFAULT_ZONE = "Asia/Ho_Chi_Minh"
FORMATS = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
           "pdf": "application/pdf"}
OUTCOMES = {"answered": "đã trả lời tại hội nghị đối thoại", "written_reply": "trả lời bằng văn bản",
            "dialogue_failed": "đối thoại không thành", "escalated": "chuyển cơ quan có thẩm quyền",
            "unfounded": "nội dung đơn không có cơ sở", "withdrawn": "người gửi đã rút đơn",
            "completed": "đã kết thúc xử lý", "terminated": "dừng xử lý", "failed": "đối thoại không thành",
            "beyond_competence": "vượt thẩm quyền, chuyển cấp có thẩm quyền",
            "filed": "lưu đơn, không xử lý", "forwarded": "đã chuyển đơn đến cơ quan có thẩm quyền",
            "guided": "đã hướng dẫn người gửi đơn đến cơ quan có thẩm quyền"}
"""The words a document uses for each final outcome the petition process records, and for each outcome
the conference records for an agenda item (`failed`, `beyond_competence`)."""
HANDLING_NOTICES = ("thu_ly", "chuyen_don", "huong_dan")
"""Handling decisions that send the petitioner a notice (a filed petition gets none: anonymous, duplicate...)."""
SENT_ON = {"chuyen_don": "forwarded", "huong_dan": "guided"}
"""A forwarding slip or a guidance letter is issued when its step is done (`final_outcome`), not at the handling
decision: the Office chooses the competent agency (on the deployment or not) at that step."""
UNSIGNED = "……………………"
"""The signer's name when neither the plan nor the issuing user gives one: a line to write it on."""
REPORTERS = ("office", "inspectorate", "director", "admin")


@dataclass(frozen=True)
class DocumentInfo:
    """An issued document as lists show it."""

    id: uuid.UUID
    petition_id: uuid.UUID | None
    kind: str
    number: str
    title: str
    issued_at: datetime
    template_version: str


def _info(d: Document, hidden: list[str] | None = None) -> DocumentInfo:
    symbol_number = layout.number_text(d.number, d.symbol)
    title = d.title if hidden is None else identity.redact_text(d.title, hidden)
    return DocumentInfo(d.id, d.petition_id, d.kind, symbol_number, title, d.issued_at, d.template_hash)


def _hidden(actor: Actor, p: Petition) -> list[str] | None:
    """A denunciation's identity values to take out of its documents for `actor`, or None (nothing hidden)."""
    return None if identity.may_see_identity(actor, p, p.submitted_by) else identity.secrets_of(p)


def _counter_upsert(insert: Any) -> Any:
    statement = insert(DocumentCounter).values(agency_id=bindparam("agency_id"), year=bindparam("year"),
                                               kind=bindparam("kind"), last_number=1)
    return statement.on_conflict_do_update(
        index_elements=[DocumentCounter.agency_id, DocumentCounter.year, DocumentCounter.kind],
        set_={"last_number": DocumentCounter.last_number + 1}).returning(DocumentCounter.last_number)


_COUNTER_UPSERTS = {"postgresql": _counter_upsert(postgresql_insert), "sqlite": _counter_upsert(sqlite_insert)}
"""Built once per dialect: every document issued takes its number with it."""


def _next_number(s: Session, agency_id: int, year: int, kind: str) -> int:
    statement = _COUNTER_UPSERTS["postgresql" if s.get_bind().dialect.name == "postgresql" else "sqlite"]
    return int(s.connection().execute(statement, {"agency_id": agency_id, "year": year, "kind": kind}).scalar_one())


def _agency_values(s: Session, agency: Agency, plan: Plan | None) -> dict[str, Any]:
    body: Mapping[str, Any] = (plan.body.get("agency") if plan else None) or {}
    name = layout.plain_name(str(body.get("name") or agency.name))
    province = str(body.get("province") or layout.province_of(name))  # no plan: the province its name gives
    issuer = layout.issuer_of(name, province)
    return {"issuer": issuer, "issuer_name": name,
            "superior": str(body.get("superior") or layout.superior_of(province)),
            "agency_abbr": str(body.get("abbreviation") or layout.abbreviation(issuer)), "place": province,
            "director_name": str(body.get("director", "")), "deputy_name": str(body.get("deputy_director", "")),
            "report_recipients": "\n".join(str(r) for r in ((plan.body.get("superiors") if plan else None) or []))}


def _petition_values(s: Session, p: Petition, zone: ZoneInfo, data: Mapping[str, Any],
                     template: templates.Template | None = None) -> dict[str, Any]:
    """What a petition's document is filled with. The values that cost reads (the reply's text from the
    petition's trail, the unit's name from the forms and plans) only when `template` prints them."""
    def wanted(*names: str) -> bool:
        return template is None or any(template.uses(name) for name in names)

    unit = ""
    if p.assigned_unit and wanted("unit_name", "drafting_unit_abbr"):
        agency_code = s.execute(select(Agency.code).where(Agency.id == p.agency_id)).scalar_one()
        unit = plans.unit_names_in(s, agency_code).get(p.assigned_unit, "").split(" / ")[0].strip()
    values: dict[str, Any] = {
        "petition_code": p.code, "tracking_code": p.tracking_code, "petitioner_name": p.petitioner_name or "(ẩn danh)",
        "petitioner_contact": p.petitioner_contact or "không ghi", "title": p.title,
        "submitted_on": p.submitted_at.astimezone(zone).strftime("%d/%m/%Y"), "answer": p.answer or "",
        "outcome_text": OUTCOMES.get(p.outcome or "", p.outcome or ""),
        "unit_name": unit or "đơn vị chuyên môn",
        "drafting_unit_abbr": layout.unit_abbreviation(unit) if unit else "VP",  # else the Office drafted it
        "forward_to": str(data.get("forward_to") or "cơ quan có thẩm quyền"), "reason": str(data.get("reason") or ""),
        "reply_text": _reply_text(s, p, data) if wanted("reply_text") else "",
        "resolution_days": "".join(ch for ch in str(data.get("resolution_deadline") or "") if ch.isdigit()) or "……",
    }
    dialogue = s.get(Dialogue, p.dialogue_id, populate_existing=True) if p.dialogue_id else None
    if dialogue is not None:
        values |= {"dialogue_title": dialogue.title, "dialogue_venue": dialogue.venue or "(chưa xác định)",
                   "dialogue_date": (dialogue.planned_on.strftime("%d/%m/%Y") if dialogue.planned_on
                                     else "(chưa xác định)"),
                   "dialogue_held_on": (dialogue.held_at.astimezone(zone).strftime("ngày %d/%m/%Y")
                                        if dialogue.held_at else "")}
    result = data.get("dialogue_result")
    if isinstance(result, Mapping):
        values["dialogue_outcome"] = OUTCOMES.get(str(result.get("outcome", "")), str(result.get("outcome", "")))
        values["dialogue_note"] = str(result.get("note") or "")
    return values


REPLY_KEYS = ("written_reply", "draft_answer")
"""Where the petition's data holds the text of the reply: the letter the director signed, else the unit's
draft the review approved."""


def _reply_text(s: Session, p: Petition, data: Mapping[str, Any]) -> str:
    """The approved reply text: from the step's data, else as recorded when its task was completed (a reply
    issued on request), never the petition's title or the notice of results in its place."""
    for key in REPLY_KEYS:
        if str(data.get(key) or "").strip():
            return str(data[key]).strip()
    if p.instance_id is None:
        return ""
    recorded: dict[str, Any] = {}
    for event_data in s.execute(select(AuditEvent.data).where(
            AuditEvent.instance_id == p.instance_id, AuditEvent.event_type == "task_completed")
            .order_by(AuditEvent.seq)).scalars():
        submitted = (event_data or {}).get("submitted")
        if isinstance(submitted, Mapping):
            recorded.update({k: v for k, v in submitted.items() if k in REPLY_KEYS and str(v or "").strip()})
    return next((str(recorded[k]).strip() for k in REPLY_KEYS if k in recorded), "")


def due_kinds(closed: bool, data: Mapping[str, Any], dialogue_dated: bool) -> list[str]:
    """The kinds a petition's data calls for after a step (see the module's doc): `closed` when the petition
    is, `dialogue_dated` when it is on the agenda of a dialogue that has its date."""
    kinds = ["receipt"]
    notice = data.get("notice_kind")  # the handling decision's notice, as the pack's decision table names it
    decided = data.get("handling_result")
    if isinstance(notice, str) and notice and decided in HANDLING_NOTICES and (
            decided == "thu_ly" or data.get("final_outcome") == SENT_ON.get(str(decided))):
        kinds.append(notice)
    if dialogue_dated:
        kinds.append("invitation")
    if isinstance(data.get("dialogue_result"), Mapping):
        kinds.append("minutes")
    if data.get("written_reply") and data.get("sign_decision") == "sign":  # once the director signed it
        kinds.append("written_reply")
    if closed:
        kinds.append("notice_of_results")
    return kinds


def issue(s: Session, p: Petition, kind: str, actor: str, at: datetime, zone: str | None = None,
          data: Mapping[str, Any] | None = None, directory: Path | str | None = None) -> Document:
    """The petition's document of `kind`, issued now with the next number if it has none yet."""
    existing = s.execute(select(Document).where(Document.petition_id == p.id, Document.kind == kind)
                         ).scalar_one_or_none()
    if existing is not None:
        return existing
    tz = ZoneInfo(zone or DEFAULT_ZONE)
    agency = s.get_one(Agency, p.agency_id)
    plan = s.get(Plan, p.plan_id) if p.plan_id else None
    values = _agency_values(s, agency, plan) | _petition_values(s, p, tz, data or {}, templates.load(kind, directory))
    return _store(s, agency.id, kind, values, p.id, actor, at, tz, directory)


def _display_name(name: str) -> str:
    """A person's name as a document prints it: without a trailing role hint such as '(director)'."""
    return re.sub(r"\s*\([A-Za-z_: ]+\)\s*$", "", name).strip()


def _director(s: Session, agency_id: int, actor: str) -> str:
    """The director's name when the plan gives none: the issuing user when they hold the director's role
    in the agency (they are signing), else the agency's one active director; '' when unknown."""
    directors = s.execute(select(User.username, User.display_name).join(RoleGrant, RoleGrant.user_id == User.id)
                          .where(RoleGrant.agency_id == agency_id, RoleGrant.role == "director",
                                 User.active.is_(True)).order_by(User.id)).all()
    signing = next((name for username, name in directors if username == actor), None)
    if signing is None and len(directors) == 1:
        signing = directors[0][1]
    return _display_name(signing or "")


def _fill_signers(s: Session, agency_id: int, actor: str, values: dict[str, Any]) -> None:
    """The signer's name of each kind of signature: the plan's, else the director who is known; the deputy
    and the conference's chair print as a line to write on only when nobody is known."""
    director = str(values.get("director_name") or "") or _director(s, agency_id, actor)
    values["director_name"] = director or UNSIGNED
    values["chair_name"] = values.get("chair_name") or director or UNSIGNED
    values["deputy_name"] = values.get("deputy_name") or UNSIGNED


def _store(s: Session, agency_id: int, kind: str, values: dict[str, Any], petition_id: uuid.UUID | None,
           actor: str, at: datetime, tz: ZoneInfo, directory: Path | str | None) -> Document:
    template = templates.load(kind, directory)
    _fill_signers(s, agency_id, actor, values)
    local = at.astimezone(tz)
    values["issued_on"] = local.date().isoformat()
    # Numbered per series as the decree counts them: acceptance, refusal and notice of results are all
    # notices (TB-…) and share one series, so no two documents of an agency's year show the same number;
    # letters (công văn) share the department's series whichever unit drafted them (`series`).
    number = _next_number(s, agency_id, local.year, layout.fill(template.series, values)[:32])
    filled = layout.build(template, values, number, local.date())
    document = Document(id=uuid.uuid4(), agency_id=agency_id, petition_id=petition_id, kind=kind, year=local.year,
                        number=number, symbol=filled.number_line.split("/", 1)[1][:60],
                        title=(f"{filled.name} {filled.summary}".strip() if filled.name else filled.summary)[:300],
                        template_hash=template.version, data=values, issued_by=actor[:64], issued_at=at)
    s.add(document)
    s.flush()
    notifications.document_issued(s, document)  # every kind: the notifier's templates decide the words
    return document


_DIALOGUE_DATE = select(Dialogue.planned_on).where(Dialogue.id == bindparam("dialogue_id"))
_ISSUED_KINDS = select(Document.kind).where(Document.petition_id == bindparam("petition_id"))
"""Built once: every step of a petition asks them."""


def issue_due(s: Session, petition: Row[Any], data: Mapping[str, Any], actor: str, at: datetime,
              zone: str | None = None) -> None:
    """After a step of a petition's process: issue the documents its data now calls for (same transaction).
    `petition` is its register row as the step left it (`id`, `closed_at`, `dialogue_id`)."""
    connection = s.connection()
    dated = petition.dialogue_id is not None and connection.execute(
        _DIALOGUE_DATE, {"dialogue_id": petition.dialogue_id}).scalar() is not None
    due = due_kinds(petition.closed_at is not None, data, dated)
    have = set(connection.execute(_ISSUED_KINDS, {"petition_id": petition.id}).scalars())
    if not set(due) - have:
        return
    p = s.execute(select(Petition).where(Petition.id == petition.id)
                  .execution_options(populate_existing=True)).scalar_one()
    for kind in due:
        if kind not in have:
            issue(s, p, kind, actor, at, zone, data)


def issue_invitations(s: Session, dialogue_instance_id: uuid.UUID, actor: str, at: datetime,
                      zone: str | None = None) -> None:
    """After a dialogue's step: invitations for the petitions on its agenda, once it has a date."""
    dialogue = s.execute(select(Dialogue).where(Dialogue.instance_id == dialogue_instance_id)
                         .execution_options(populate_existing=True)).scalar_one_or_none()
    if dialogue is None or dialogue.planned_on is None:
        return
    invited = select(Document.petition_id).where(Document.kind == "invitation", Document.petition_id.is_not(None))
    for p in s.execute(select(Petition).where(Petition.dialogue_id == dialogue.id, Petition.id.not_in(invited))
                       .execution_options(populate_existing=True)).scalars():
        issue(s, p, "invitation", actor, at, zone)


def request(ctx: Context, actor: Actor, petition_id: uuid.UUID, kind: str, data: Mapping[str, Any]) -> DocumentInfo:
    """Issue a kind no step of the pack issues (refusal, guidance, forwarding) for a petition the actor sees."""
    if not (actor.system or actor.has("reception", "office", "inspectorate", "director", "admin")):
        raise Forbidden("documents are issued by reception, the Office, the Inspectorate and the director")
    if kind not in templates.KINDS or kind == "periodic_report":
        raise Invalid("the document was not issued", [f"kind: one of {', '.join(templates.KINDS[:-1])}"])
    with ctx.uow() as uow:
        s = uow.session
        p = _visible(s, actor, petition_id)
        document = issue(s, p, kind, actor.username, clock.now(), ctx.settings.timezone, data,
                         Path(ctx.settings.bpmn_dir) / "documents")
        uow.commit()
        return _info(document, _hidden(actor, p))


def issue_report(ctx: Context, actor: Actor, plan_code: str | None = None, index: int = 0) -> DocumentInfo:
    """The periodic report `index` of the agency's plan, with the petitions and dialogues of its period."""
    if not (actor.system or actor.has(*REPORTERS)):
        raise Forbidden("periodic reports are issued by the Office, the Inspectorate and the director")
    with ctx.uow() as uow:
        s = uow.session
        agency = s.execute(select(Agency).where(Agency.code == actor.agency)).scalar_one()
        now = clock.now()
        plan = plans.plan_in_force(s, agency.id, now.year, plan_code)
        reports = (plan.body.get("reports") if plan else None) or []
        if not 0 <= index < len(reports):
            raise NotFound(f"the plan has no report {index}")
        report = reports[index]
        tz = ZoneInfo(ctx.settings.timezone or DEFAULT_ZONE)
        start, end = str(report["period_start"]), str(report["period_end"])
        first = datetime.fromisoformat(start).replace(tzinfo=tz)
        last = datetime.fromisoformat(end).replace(tzinfo=tz, hour=23, minute=59, second=59)
        in_period = (Petition.agency_id == agency.id, Petition.submitted_at >= first, Petition.submitted_at <= last)
        received = s.scalar(select(func.count()).select_from(Petition).where(*in_period)) or 0
        closed = s.scalar(select(func.count()).select_from(Petition).where(*in_period, Petition.closed_at.is_not(None)))
        held = s.scalar(select(func.count()).select_from(Dialogue).where(
            Dialogue.agency_id == agency.id, Dialogue.held_at >= first, Dialogue.held_at <= last)) or 0
        values = _agency_values(s, agency, plan) | {
            "report_name": str(report.get("name", "")), "year": plan.year if plan else now.year,
            "period_start": datetime.fromisoformat(start).strftime("%d/%m/%Y"),
            "period_end": datetime.fromisoformat(end).strftime("%d/%m/%Y"), "received": received,
            "closed": closed or 0, "open": received - (closed or 0), "dialogues": held}
        if report.get("recipients"):
            values["report_recipients"] = "\n".join(str(r) for r in report["recipients"])
        document = _store(s, agency.id, "periodic_report", values, None, actor.username, now, tz,
                          Path(ctx.settings.bpmn_dir) / "documents")
        uow.commit()
        return _info(document)


def _visible(s: Session, actor: Actor, petition_id: uuid.UUID) -> Petition:
    found: Petition | None = s.execute(petitions.visible(s, actor, select(Petition)).where(Petition.id == petition_id)
                      ).scalar_one_or_none()
    if found is None:
        raise NotFound(f"petition {petition_id} does not exist")
    return found


def list_for_petition(ctx: Context, actor: Actor, petition_id: uuid.UUID) -> list[DocumentInfo]:
    """The documents of a petition the actor may see, in the order they were issued."""
    petitions.require_reader(actor)
    with ctx.uow(write=False) as uow:
        s = uow.session
        p = _visible(s, actor, petition_id)
        rows = s.execute(select(Document).where(Document.petition_id == p.id)
                         .order_by(Document.issued_at, Document.kind)).scalars()
        hidden = _hidden(actor, p)
        return [_info(d, hidden) for d in rows]


def render(ctx: Context, actor: Actor, document_id: uuid.UUID, fmt: str,
           petition_id: uuid.UUID | None = None) -> tuple[str, str, bytes]:
    """(file name, content type, bytes) of a document in `fmt` (docx or pdf), for those who see its petition;
    a periodic report for its agency's readers. Records the template version this rendering used."""
    if fmt not in FORMATS:
        raise NotFound(f"no {fmt} rendering")
    petitions.require_reader(actor)
    with ctx.uow() as uow:
        s = uow.session
        document = s.get(Document, document_id)
        agency = s.execute(select(Agency).where(Agency.code == actor.agency)).scalar_one_or_none()
        if document is None or agency is None or document.agency_id != agency.id or (
                petition_id is not None and document.petition_id != petition_id):
            raise NotFound(f"document {document_id} does not exist")
        values = dict(document.data)
        if document.petition_id is not None:
            p = _visible(s, actor, document.petition_id)
            hidden = _hidden(actor, p)
            if hidden is not None:  # a denunciation's document, for someone not handling it
                values = identity.redact(values, hidden)
            elif identity.protected(p.petition_type) and not actor.system:
                identity.record_read(s, actor, p.agency_id, [(str(p.id), p.code)], f"document {document.kind}")
        template = templates.load(document.kind, Path(ctx.settings.bpmn_dir) / "documents")
        issued = document.issued_at.astimezone(ZoneInfo(ctx.settings.timezone or DEFAULT_ZONE)).date()
        filled = layout.build(template, values, document.number, issued)
        try:
            content = docx_render.render(filled) if fmt == "docx" else pdf_render.render(filled)
        except pdf_render.FontMissing as exc:  # the deployment lacks fonts-liberation2: say so, not a 500
            raise Conflict(f"the PDF cannot be made here: {exc}") from exc
        if document.template_hash != template.version:
            document.template_hash = template.version
        uow.commit()
        name = f"{document.kind}-{document.year}-{document.number:04d}.{fmt}"
        return name, FORMATS[fmt], content
