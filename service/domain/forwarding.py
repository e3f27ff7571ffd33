"""Forwarding a petition to another agency on the same deployment (chuyển đơn, Thông tư 05/2021/TT-TTCP).

A province runs one deployment for its departments. When the forwarding step names one of them
(`plan_rules.AGENCY_KEYS`, the form's select of the deployment's other agencies), the step's own
transaction receives the petition there: its own number in the receiving agency's series, its own
instance of that agency's petition process, the original's content, petitioner, type and files, the
channel "chuyển từ cơ quan khác". The two petitions are linked both ways (`forwarded_to_id`,
`forwarded_from_id`) and each agency's audit chain records the event, naming the other's number.

The receiving agency handles the denunciation now, so it gets the denouncer's identity; the sending
side's reads keep their rules (`identity`), and each side sees only the other's status (`forward_links`).
An agency outside the deployment is named in free text (`forward_to`) and gets the forwarding slip only.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..plan_rules import AGENCY_KEYS, with_agencies
from ..store.attachment_tables import Attachment
from ..store.petition_tables import Petition
from ..store.tables import Agency, ProcessInstance
from ..usecases import audit, clock, models
from ..usecases.context import Actor, Context
from ..usecases.errors import Invalid
from . import intake_checks, petitions, registers

FORWARD_TASK = "forward_petition"
"""The petition process's step that forwards a petition to the competent agency."""
AGENCY_KEY = AGENCY_KEYS[0]
CHANNEL = "from_agency"
"""The channel a forwarded petition arrives through, as the intake form names it."""
SENDER = "forwarded:"
"""Who records a forwarded petition in the receiving agency: this prefix and the sending agency's code."""


def other_agencies(s: Session, agency_id: int) -> list[tuple[str, str]]:
    """(code, name) of every agency on the deployment but `agency_id`, by name."""
    return [(code, name) for code, name in s.execute(
        select(Agency.code, Agency.name).where(Agency.id != agency_id).order_by(Agency.name, Agency.code)).all()]


def shape_form(s: Session, agency_id: int, form: dict[str, Any]) -> dict[str, Any]:
    """The form with its agency choices filled from the deployment (unchanged when it has none)."""
    if not _has_agency_choice(form.get("components")):
        return form
    return with_agencies(form, other_agencies(s, agency_id))


def _has_agency_choice(components: Any) -> bool:
    return any(isinstance(c, Mapping) and (c.get("key") in AGENCY_KEYS or _has_agency_choice(c.get("components")))
               for c in components or [])


def _target(s: Session, code: Any, agency_id: int) -> Agency:
    found = s.execute(select(Agency).where(Agency.code == str(code))).scalar_one_or_none() if code else None
    if found is None or found.id == agency_id:
        raise Invalid("the petition was not forwarded", [f"{AGENCY_KEY}: not another agency on this deployment"])
    return found


def check(s: Session, inst: ProcessInstance, data: Mapping[str, Any]) -> dict[str, Any]:
    """Before the forwarding step completes: an agency on the deployment, or one named in free text; the slip
    is addressed to the chosen agency by its name."""
    code = data.get(AGENCY_KEY)
    if code in (None, ""):
        if not str(data.get("forward_to") or "").strip():
            raise Invalid("the petition was not forwarded", ["forward_to: required"])
        return {}
    target = _target(s, code, inst.agency_id)
    if models.resolve(s, target.id, registers.PETITION_PROCESS, None) is None:
        raise Invalid("the petition was not forwarded", [
            f"{AGENCY_KEY}: {target.name} has no petition process on this deployment; name it in forward_to"])
    return {"forward_to": target.name}


def forward(ctx: Context, s: Session, actor: Actor, inst: ProcessInstance, data: Mapping[str, Any]) -> None:
    """After the forwarding step completed naming an agency on the deployment: receive the petition there (see the
    module's doc), in the step's transaction. Nothing happens twice: a petition forwarded once stays linked."""
    code = data.get(AGENCY_KEY)
    if code in (None, ""):
        return
    original = s.execute(select(Petition).where(Petition.instance_id == inst.id)
                         .execution_options(populate_existing=True)).scalar_one_or_none()
    if original is None or original.forwarded_to_id is not None:
        return
    target = _target(s, code, original.agency_id)
    sender = s.get_one(Agency, original.agency_id)
    receiver = Actor(f"{SENDER}{sender.code}"[:64], target.code, frozenset(), system=True)
    received = petitions.receive_in(s, ctx, receiver, _fields(original, sender))
    s.execute(update(Petition).where(Petition.id == original.id).values(forwarded_to_id=received.id),
              execution_options={"synchronize_session": False})
    s.execute(update(Petition).where(Petition.id == received.id).values(forwarded_from_id=original.id),
              execution_options={"synchronize_session": False})
    _copy_files(s, original, received, receiver.username)
    at = clock.now()
    audit.append_to_agency(s, sender.id, audit.agency_chain(sender.code), actor.username, at, audit.Entry(
        "petition_forwarded", {"petition_id": str(original.id), "petition_code": original.code,
                               "to_agency": target.code, "to_petition_code": received.code}))
    audit.append_to_agency(s, target.id, audit.agency_chain(target.code), receiver.username, at, audit.Entry(
        "forwarded_petition_received", {"petition_id": str(received.id), "petition_code": received.code,
                                        "from_agency": sender.code, "from_petition_code": original.code,
                                        "forwarded_by": actor.username}))


def _fields(p: Petition, sender: Agency) -> dict[str, Any]:
    """The forwarded petition's submission: the original's content, petitioner and type, the intake's findings
    that travel with the letter, and where it came from."""
    intake = {k: (v.isoformat() if isinstance(v, date) else v)
              for k in intake_checks.FIELDS if (v := getattr(p, k, None)) not in (None, "")}
    return intake | {
        "source": p.source, "channel": CHANNEL, "field": p.field, "title": p.title, "content": p.content,
        "petitioner_name": p.petitioner_name or "", "petitioner_contact": p.petitioner_contact or "",
        "confidential": bool(p.confidential), "forwarded_from_agency": sender.name,
        "forwarded_from_code": p.code}


def _copy_files(s: Session, original: Petition, received: Petition, actor: str) -> None:
    """The petitioner's files (the letter, evidence) go with the petition; the sender's own documents do not."""
    for row in s.execute(select(Attachment).where(Attachment.petition_id == original.id,
                                                  Attachment.document_id.is_(None))
                         .order_by(Attachment.uploaded_at)).scalars():
        s.add(Attachment(agency_id=received.agency_id, petition_id=received.id, name=row.name,
                         content_type=row.content_type, size=row.size, sha256=row.sha256, content=row.content,
                         uploaded_by=actor, uploaded_at=row.uploaded_at))
    s.flush()
