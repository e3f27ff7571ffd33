"""Bodies of the petition, public tracking, dialogue and report endpoints."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from ...domain.comments import MAX_LENGTH as COMMENT_LENGTH
from ...domain.dialogues import KINDS
from ...domain.documents import OUTCOMES
from ...domain.forward_links import ForwardLink
from ...domain.petitions import CHANNELS, LIMITS, MAX_KEY, SOURCES, WITHDRAWAL_REASON_LENGTH
from .common import PageArgs


class SubmitSchema(Schema):
    """A petition as it is received."""

    source = fields.String(required=True, validate=validate.OneOf(SOURCES))
    channel = fields.String(load_default="electronic", validate=validate.OneOf(CHANNELS))
    field = fields.String(required=True, validate=validate.Length(min=1, max=LIMITS["field"]))
    title = fields.String(required=True, validate=validate.Length(min=1, max=LIMITS["title"]))
    content = fields.String(required=True, validate=validate.Length(min=1, max=LIMITS["content"]))
    petitioner_name = fields.String(load_default="", validate=validate.Length(max=LIMITS["petitioner_name"]))
    petitioner_contact = fields.String(load_default="", validate=validate.Length(max=LIMITS["petitioner_contact"]))
    confidential = fields.Boolean(load_default=False)
    agency = fields.String(validate=validate.Length(min=1, max=32),
                           metadata={"description": "the department addressed (public submissions only)"})
    petition_type = fields.String(validate=validate.Length(min=1, max=20), metadata={
        "description": "khieu_nai, to_cao, kien_nghi or phan_anh (the intake form's choices); a denunciation "
                       "(to_cao) keeps its denouncer's identity from everyone not handling it"})
    petition_date = fields.Date(metadata={"description": "the date written on the petition"})
    signed = fields.Boolean(metadata={"description": "signed or fingerprinted by the petitioner"})
    identity_document = fields.String(validate=validate.Length(max=100))
    signer_count = fields.Integer(validate=validate.Range(min=1, max=100000),
                                  metadata={"description": "how many people signed it"})
    representatives = fields.String(validate=validate.Length(max=500),
                                    metadata={"description": "the representatives' names, when several signed"})
    evidence_clear = fields.Boolean(metadata={"description": "an anonymous denunciation with clear content "
                                                             "and evidence (Luật Tố cáo art. 25)"})


class IdempotencySchema(Schema):
    """The submission's idempotency key, sent as a header."""

    idempotency_key = fields.String(
        data_key="Idempotency-Key", validate=validate.Length(min=1, max=MAX_KEY),
        metadata={"description": "a key the client makes up for this submission (a UUID, say) and sends again "
                                 "when it retries: a retry with the same key returns the petition the first "
                                 "submission made (same id, code and tracking code) and receives nothing new. "
                                 "Keys are kept per department and submitter."})


class ReceiptSchema(Schema):
    """What the submitter keeps: the petition's number and its tracking code."""

    id = fields.UUID(required=True)
    code = fields.String(required=True)
    tracking_code = fields.String(required=True)


class CommentBodySchema(Schema):
    """A comment as it is written (longer ones are refused with their length, never cut)."""

    body = fields.String(required=True, metadata={"description": f"at most {COMMENT_LENGTH} characters"})


class CommentSchema(Schema):
    """A comment on a petition."""

    id = fields.UUID(required=True)
    petition_id = fields.UUID(required=True)
    author = fields.String(required=True)
    body = fields.String(required=True)
    created_at = fields.DateTime(required=True)


class PetitionListArgs(PageArgs):
    """Filters of the petition list."""

    status = fields.String(validate=validate.Length(max=40), metadata={
        "description": "where the petition stands: the element of its waiting task, `awaiting_dialogue` or `closed`"})
    field = fields.String(validate=validate.Length(max=50))
    urgency = fields.String(validate=validate.OneOf(("urgent", "high", "normal", "low")))
    source = fields.String(validate=validate.OneOf(SOURCES))
    outcome = fields.String(validate=validate.Length(max=32))
    dialogue = fields.UUID()
    text = fields.String(validate=validate.Length(max=200))
    overdue = fields.Boolean()


class PetitionSchema(Schema):
    """A petition as staff see it."""

    id = fields.UUID(required=True)
    code = fields.String(required=True)
    instance_id = fields.UUID(allow_none=True)
    source = fields.String(required=True)
    channel = fields.String(required=True)
    field = fields.String(required=True)
    title = fields.String(required=True)
    content = fields.String(required=True)
    petitioner_name = fields.String(required=True)
    petitioner_contact = fields.String(metadata={"description": "address, telephone or e-mail, to reach them"})
    confidential = fields.Boolean(required=True)
    stage = fields.String(required=True)
    urgency = fields.String(allow_none=True)
    competence = fields.String(allow_none=True)
    assigned_unit = fields.String(allow_none=True)
    outcome = fields.String(allow_none=True)
    answer = fields.String(allow_none=True)
    dialogue_id = fields.UUID(allow_none=True)
    submitted_at = fields.DateTime(required=True)
    answered_at = fields.DateTime(allow_none=True)
    closed_at = fields.DateTime(allow_none=True)
    due_at = fields.DateTime(allow_none=True, metadata={"description": "the earliest due date of its open tasks"})
    petition_type = fields.String(allow_none=True, metadata={"description": "khieu_nai, to_cao, kien_nghi or phan_anh"})
    handling_result = fields.String(allow_none=True, metadata={
        "description": "the 10-day handling decision: thu_ly, chuyen_don, huong_dan or luu_don"})
    deadline_at = fields.DateTime(allow_none=True, metadata={
        "description": "the statutory deadline in working days: the handling decision's, then the resolution's"})
    deadline_extensions = fields.Integer(metadata={"description": "extensions decided so far"})
    redacted = fields.Boolean(metadata={"description": "a confidential petition the caller may not see: only its "
                                                       "number and date are given"})
    petition_type = fields.String(allow_none=True)
    restriction = fields.String(metadata={"description": "none, confidential (its content), identity_protected "
                                                         "(its denouncer's identity) or "
                                                         "confidential_identity_protected"})
    identity_hidden = fields.Boolean(metadata={"description": "the denouncer's identity is withheld from the "
                                                              "caller: the identity fields read a placeholder"})
    petition_date = fields.Date(allow_none=True)
    signed = fields.Boolean(allow_none=True)
    identity_document = fields.String(allow_none=True)
    signer_count = fields.Integer(allow_none=True)
    representatives = fields.String(allow_none=True)
    evidence_clear = fields.Boolean(allow_none=True)
    intake_flags = fields.List(fields.String(), metadata={"description": "the conditions intake found unmet"})
    duplicate_of = fields.Method("_duplicate_of", metadata={
        "description": "the earlier petition this one repeats: {id, code}, or null"})
    duplicates = fields.Method("_duplicates", metadata={
        "description": "the later petitions that repeat this one: [{id, code}] (on one petition's read)"})

    forwarded_to = fields.Method("_forwarded_to", metadata={
        "description": "the petition it became in the agency on this deployment it was forwarded to: "
                       "{agency_code, agency_name, code, stage, step, outcome, closed, summary}, its status only, "
                       "or null"})
    forwarded_from = fields.Method("_forwarded_from", metadata={
        "description": "the petition of another agency on this deployment it was forwarded from, as "
                       "`forwarded_to`, or null"})

    def _forwarded_to(self, p: Any) -> dict[str, Any] | None:
        link: ForwardLink | None = p.forwarded_to
        if link is None:
            return None
        return _link(link, f"Đã chuyển đến {link.agency_name}: số {link.code}, {_status(link)}")

    def _forwarded_from(self, p: Any) -> dict[str, Any] | None:
        link: ForwardLink | None = p.forwarded_from
        if link is None:
            return None
        return _link(link, f"Chuyển từ {link.agency_name}: số {link.code}")

    def _duplicate_of(self, p: Any) -> dict[str, str] | None:
        return {"id": str(p.duplicate_of[0]), "code": p.duplicate_of[1]} if p.duplicate_of else None

    def _duplicates(self, p: Any) -> list[dict[str, str]]:
        return [{"id": str(i), "code": c} for i, c in p.duplicates]


def _status(link: ForwardLink) -> str:
    """Where the other side's petition stands, in the process's own (Vietnamese) words."""
    if link.closed:
        return f"đã kết thúc: {OUTCOMES.get(link.outcome or '', link.outcome or '')}".rstrip(": ")
    return link.step.split(" / ", 1)[0] if link.step else link.stage


def _link(link: ForwardLink, summary: str) -> dict[str, Any]:
    return {"agency_code": link.agency_code, "agency_name": link.agency_name, "code": link.code,
            "stage": link.stage, "step": link.step, "outcome": link.outcome, "closed": link.closed,
            "summary": summary}


class PetitionPageSchema(Schema):
    """A page of petitions."""

    items = fields.List(fields.Nested(PetitionSchema), required=True)
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)


class WithdrawSchema(Schema):
    """The petitioner's withdrawal."""

    reason = fields.String(required=True, validate=validate.Length(min=1, max=WITHDRAWAL_REASON_LENGTH))


class PublicStatusSchema(Schema):
    """What the holder of a tracking code sees."""

    code = fields.String(required=True)
    stage = fields.String(required=True)
    submitted_at = fields.DateTime(required=True)
    closed_at = fields.DateTime(allow_none=True)
    outcome = fields.String(allow_none=True)
    answer = fields.String(allow_none=True)
    forwarded_to = fields.String(allow_none=True, metadata={
        "description": "The agency on this deployment the petition was forwarded to, with its number there"})


class DialogueCreateSchema(Schema):
    """A dialogue to decide."""

    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    title = fields.String(required=True, validate=validate.Length(min=1, max=300))
    topic = fields.String(load_default="", validate=validate.Length(max=5000))
    quarter = fields.Integer(validate=validate.Range(min=1, max=4))
    planned_on = fields.Date()
    venue = fields.String(load_default="", validate=validate.Length(max=300))


class AgendaSchema(Schema):
    """The petitions put on the agenda."""

    petition_ids = fields.List(fields.UUID(), required=True, validate=validate.Length(max=500))
    chair = fields.String(required=True, validate=validate.Length(min=1, max=200))
    note = fields.String(load_default="", validate=validate.Length(max=5000))


class OutcomeItemSchema(Schema):
    """The outcome of one agenda item."""

    petition_id = fields.UUID(required=True)
    outcome = fields.String(required=True, validate=validate.Length(min=1, max=64), metadata={
        "description": "one of the dialogue's `outcome_choices` (the values the conference's form declares)"})
    note = fields.String(load_default="", validate=validate.Length(max=2000))


class OutcomesSchema(Schema):
    """The conference's outcomes, one per agenda item."""

    held_on = fields.Date(required=True)
    minutes = fields.String(required=True, validate=validate.Length(min=1, max=20000))
    outcomes = fields.List(fields.Nested(OutcomeItemSchema), required=True, validate=validate.Length(max=500))


class CancelSchema(Schema):
    """Why a dialogue is called off (kept on the audit trail)."""

    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class DialogueSchema(Schema):
    """A dialogue with its agenda."""

    id = fields.UUID(required=True)
    kind = fields.String(required=True)
    title = fields.String(required=True)
    topic = fields.String(required=True)
    quarter = fields.Integer(allow_none=True)
    planned_on = fields.Date(allow_none=True)
    venue = fields.String(required=True)
    status = fields.String(required=True)
    instance_id = fields.UUID(allow_none=True)
    created_at = fields.DateTime(required=True)
    held_at = fields.DateTime(allow_none=True)
    agenda = fields.List(fields.UUID(), required=True)
    outcome_choices = fields.List(fields.Dict(), required=True, metadata={
        "description": "the outcomes an agenda item may have, each {value, label}, from the conference's form "
                       "(empty in the list of dialogues)"})


class DialogueListArgs(Schema):
    """Filters of the dialogue list."""

    status = fields.String(validate=validate.OneOf(("planning", "held", "closed", "cancelled")))


class ReportArgs(Schema):
    """The reporting period."""

    from_ = fields.Date(required=True, data_key="from")
    to = fields.Date(required=True)


class FiguresSchema(Schema):
    """The periodic report's figures."""

    period_start = fields.String(required=True)
    period_end = fields.String(required=True)
    received = fields.Integer(required=True)
    closed = fields.Integer(required=True)
    open = fields.Integer(required=True)
    by_source = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    by_field = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    by_urgency = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    by_outcome = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    overdue_tasks = fields.Integer(required=True)
    median_days_to_answer = fields.Float(allow_none=True)
    confidential_hidden = fields.Integer(
        required=True, metadata={"description": "confidential petitions of the period the reader may not see; "
                                                "counted in no other figure"})
