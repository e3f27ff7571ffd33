"""Notifications to petitioners and staff, queued in the transaction of the step that causes them.

What is queued, and when:
- **The petitioner** who left an e-mail address in their contact gets every document of their petition as it
  is issued (`document_issued`, called by `documents` for each document it stores): the receipt from the
  moment the petition is recorded, the acceptance or forwarding notice, the dialogue invitation, the reply and
  the notice of results, with the document's PDF. The kind decides only the template (`document_<kind>.txt`,
  else `document.txt`), so a kind another module adds is sent without a change here; the kinds in
  `PETITIONFLOW_NOTIFY_SKIP_KINDS` are not sent. A phone number in the contact gets the same on SMS and Zalo
  when an operator configured those adapters.
- **Staff** hear of new tasks in their lanes (`tasks_created`, called by `projection.persist`), and of tasks
  due soon and overdue (`notify_digest`). Each user chooses (`set_preference`): `immediate`, `digest` (one
  daily digest, the default) or `none`. A task of the petition's most urgent level (the first value of the
  form's `urgency` select, "Rất cấp thiết") is sent at once to digest users too.
- **Anything else** (a reminder, an escalation another module decides) goes through `notify_user`.

The rows are sent by the worker (`notify_delivery`). Texts are the template files of
`bpmn/notifications/` (see its README), filled when queued.
"""

from __future__ import annotations

import json
import re
import string
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from ..config import Settings
from ..documents.layout import number_text
from ..roles import UNIT_PREFIX
from ..store.document_tables import Document
from ..store.notification_tables import Notification, NotificationPreference
from ..store.petition_tables import Dialogue, Petition
from ..store.tables import Agency, HumanTask, ProcessInstance, ProcessVersion, RoleGrant, User

MODES = ("immediate", "digest", "none")
"""How a user hears of tasks; `digest` when they chose nothing."""
DEFAULT_MODE = "digest"
PENDING, SENDING, SENT, FAILED, HELD, DIGESTED = "pending", "sending", "sent", "failed", "digest", "digested"
"""Statuses: queued, claimed by a worker, sent, given up; held for the user's digest, folded into one."""

EMAIL = re.compile(r"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})*"
                   r"\.[A-Za-z]{2,24}(?![\w-])")
"""An e-mail address inside free text: a local part, '@', a domain with a dot and a letters-only last label."""
PHONE = re.compile(r"(?<!\d)(?:\+84|0)(?:[ .-]?\d){9,10}(?!\d)")
"""A Vietnamese phone number (0… or +84…, 10-11 digits, spaces, dots or dashes between)."""


@dataclass(frozen=True)
class Config:
    """What queueing reads from the settings (set by `configure` when the app or a command starts)."""

    templates_dir: Path
    skip_kinds: frozenset[str]
    public_url: str
    zone: str
    phone_channels: tuple[str, ...]

    @classmethod
    def of(cls, settings: Settings) -> Config:
        """The configuration of `settings`."""
        folder = Path(settings.notify_templates_dir or Path(settings.bpmn_dir) / "notifications")
        phone = tuple(c for c, spec in (("sms", settings.sms_adapter), ("zalo", settings.zalo_adapter)) if spec)
        return cls(folder, frozenset(k.strip() for k in settings.notify_skip_kinds.split(",") if k.strip()),
                   settings.public_url.rstrip("/"), settings.timezone, phone)


_config = Config.of(Settings())


def configure(settings: Settings) -> None:
    """Take the templates folder, skipped kinds, links and phone channels from `settings`."""
    global _config
    _config = Config.of(settings)


def config() -> Config:
    """The configuration in force."""
    return _config


def email_in(contact: str | None) -> str | None:
    """The first e-mail address written in a contact text ("0912 345 678, an@example.vn"), if any."""
    found = EMAIL.search(contact or "")
    return found.group(0)[:200] if found else None


def phone_in(contact: str | None) -> str | None:
    """The first phone number written in a contact text, digits only (with + for +84), if any."""
    found = PHONE.search(contact or "")
    return re.sub(r"[ .-]", "", found.group(0)) if found else None


def is_email(text: str) -> bool:
    """Whether `text` is exactly one e-mail address."""
    found = EMAIL.fullmatch(text.strip())
    return found is not None and len(text.strip()) <= 200


# -- templates ---------------------------------------------------------------------------------

_TEMPLATES: dict[Path, tuple[float, string.Template]] = {}


def _template(path: Path) -> string.Template | None:
    """The template file at `path` (read again when an admin replaced it), None when there is none."""
    try:
        changed = path.stat().st_mtime
    except OSError:
        return None
    cached = _TEMPLATES.get(path)
    if cached is None or cached[0] != changed:
        cached = (changed, string.Template(path.read_text(encoding="utf-8")))
        _TEMPLATES[path] = cached
    return cached[1]


SHIPPED_TEMPLATES = Path(Settings().bpmn_dir) / "notifications"
"""The templates that come with petitionflow, used for any file the configured folder lacks."""


def render(names: Sequence[str], values: Mapping[str, Any]) -> tuple[str, str]:
    """(subject, body) of the first template of `names` that exists, filled with `values`.

    The configured folder first, then the shipped one; with neither (a broken installation) the values
    themselves, so that a step is never refused for want of a message text.
    """
    plain = {k: "" if v is None else str(v) for k, v in values.items()}
    for folder in dict.fromkeys((_config.templates_dir, SHIPPED_TEMPLATES)):
        for name in names:
            template = _template(folder / f"{name}.txt")
            if template is not None:
                subject, _, body = template.safe_substitute(plain).partition("\n")
                return " ".join(subject.split())[:300], body.strip("\n") + "\n"
    return names[0], "".join(f"{k}: {v}\n" for k, v in plain.items())


def link(path: str) -> str:
    """An address of the service for a message: absolute when `PETITIONFLOW_PUBLIC_URL` is set."""
    return f"{_config.public_url}{path}" if _config.public_url else path


# -- queueing ----------------------------------------------------------------------------------

def _message_id(agency_code: str) -> str:
    return f"<{uuid.uuid4().hex}.{agency_code.lower()}@petitionflow.notifications>"


def enqueue(
    s: Session, *, agency_id: int, channel: str, recipient: str, kind: str, subject: str, body: str, at: datetime,
    username: str | None = None, petition_id: uuid.UUID | None = None, instance_id: uuid.UUID | None = None,
    document_id: uuid.UUID | None = None, urgent: bool = False, dedupe_key: str | None = None,
    status: str = PENDING,
) -> Notification | None:
    """Queue one notification in the caller's transaction; None when `dedupe_key` was queued already."""
    if dedupe_key is not None and s.execute(select(Notification.id).where(
            Notification.dedupe_key == dedupe_key[:200])).first() is not None:
        return None
    code = s.execute(select(Agency.code).where(Agency.id == agency_id)).scalar_one()
    row = Notification(agency_id=agency_id, channel=channel, recipient=recipient[:200], username=username,
                       kind=kind[:64], petition_id=petition_id, instance_id=instance_id, document_id=document_id,
                       subject=subject[:300], body=body, urgent=urgent,
                       dedupe_key=dedupe_key[:200] if dedupe_key else None, message_id=_message_id(code),
                       status=status, attempts=0, created_at=at)
    s.add(row)
    s.flush()
    return row


def document_issued(s: Session, document: Document) -> None:
    """A document was stored: queue it to the petitioner, on every channel their contact reaches."""
    if document.petition_id is None or document.kind in _config.skip_kinds:
        return
    p = s.get(Petition, document.petition_id)
    if p is None:
        return
    routes = [("email", email_in(p.petitioner_contact))]
    routes += [(channel, phone_in(p.petitioner_contact)) for channel in _config.phone_channels]
    if not any(address for _channel, address in routes):
        return
    agency = s.get_one(Agency, p.agency_id)
    zone = ZoneInfo(_config.zone)
    values: dict[str, Any] = {
        "petitioner_name": p.petitioner_name or "", "petition_code": p.code, "tracking_code": p.tracking_code,
        "title": p.title, "document_title": document.title,
        "document_number": number_text(document.number, document.symbol),
        "issued_on": document.issued_at.astimezone(zone).strftime("%d/%m/%Y"), "agency_name": agency.name,
        "track_url": link("/public/track") if _config.public_url else "trang Tra cứu đơn của cơ quan",
    }
    if p.dialogue_id is not None:
        dialogue = s.get(Dialogue, p.dialogue_id)
        if dialogue is not None:
            values |= {"dialogue_title": dialogue.title, "dialogue_venue": dialogue.venue or "",
                       "dialogue_date": dialogue.planned_on.strftime("%d/%m/%Y") if dialogue.planned_on else ""}
    subject, body = render([f"document_{document.kind}", "document"], values)
    for channel, address in routes:
        if address:
            enqueue(s, agency_id=p.agency_id, channel=channel, recipient=address, kind=f"document:{document.kind}",
                    subject=subject, body=body, at=document.issued_at, petition_id=p.id, instance_id=p.instance_id,
                    document_id=document.id if channel == "email" else None,
                    dedupe_key=f"document:{document.id}:{channel}")


# -- staff -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Recipient:
    """A staff member notifications reach: account, address and chosen mode."""

    user_id: int
    username: str
    display_name: str
    email: str
    mode: str


def _reachable(where: Any) -> Any:
    return (select(User.id, User.username, User.display_name, User.email, NotificationPreference.mode)
            .outerjoin(NotificationPreference, NotificationPreference.user_id == User.id)
            .where(User.active.is_(True), User.email.is_not(None), User.email != "", where)
            .order_by(User.username))


_BY_USERNAME = _reachable(User.username == bindparam("username"))
_BY_ROLE = _reachable(User.id.in_(select(RoleGrant.user_id).where(RoleGrant.agency_id == bindparam("agency_id"),
                                                                  RoleGrant.role == bindparam("role"))))
"""Built once: every step that opens a task asks who works it."""


def _recipients(s: Session, where: Any) -> list[Recipient]:
    return _read_recipients(s, _reachable(where), {})


def _read_recipients(s: Session, query: Any, params: dict[str, Any]) -> list[Recipient]:
    rows = s.connection().execute(query, params).all()  # users only: nothing pending needs flushing first
    return [Recipient(r[0], r[1], r[2] or r[1], r[3] or "", r[4] or DEFAULT_MODE) for r in rows]


def task_recipients(s: Session, task: HumanTask) -> list[Recipient]:
    """Who works a task: its assignee, else everyone holding its lane's role (its unit's, for a unit lane)."""
    if task.assignee:
        return _read_recipients(s, _BY_USERNAME, {"username": task.assignee})
    role = f"{UNIT_PREFIX}{task.unit_code}" if task.candidate_role == "unit" and task.unit_code else task.candidate_role
    if not role or role == "unit":
        return []
    return _read_recipients(s, _BY_ROLE, {"agency_id": task.agency_id, "role": role})


def notify_role(s: Session, agency_id: int, role: str, kind: str, subject: str, body: str, urgent: bool = False,
                *, petition_id: uuid.UUID | None = None, dedupe_key: str = "") -> int:
    """Queue `subject` to everyone holding `role` in the agency (`unit:<code>` for a unit's staff), each as their
    preference says; how many were queued. `dedupe_key` (with the username added) keeps a repeat from queueing twice."""
    granted = f"{UNIT_PREFIX}{role.removeprefix('unit:')}" if role.startswith("unit:") else role
    holders = select(RoleGrant.user_id).where(RoleGrant.agency_id == agency_id, RoleGrant.role == granted)
    queued = 0
    for who in _recipients(s, User.id.in_(holders)):
        made = notify_user(s, agency_id, who.username, kind, subject, body, urgent, petition_id=petition_id,
                           dedupe_key=f"{dedupe_key}:{who.username}" if dedupe_key else None)
        queued += made is not None
    return queued


_CHOICES_CACHE: dict[str, list[tuple[str, str]]] = {}


def urgency_choices(s: Session, process_version_id: int) -> list[tuple[str, str]]:
    """(value, label) of the `urgency` select in the process version's forms, most urgent first."""
    version = s.get(ProcessVersion, process_version_id)
    if version is None:
        return []
    if version.sha256 not in _CHOICES_CACHE:
        _CHOICES_CACHE[version.sha256] = _choices(version.resources or {}, "urgency")
    return _CHOICES_CACHE[version.sha256]


def most_urgent_level(s: Session, process_version_id: int) -> str | None:
    """The most urgent urgency value ("Rất cấp thiết"): the first the form lists."""
    choices = urgency_choices(s, process_version_id)
    return choices[0][0] if choices else None


def urgency_label(s: Session, process_version_id: int, value: str | None) -> str:
    """The Vietnamese label the form gives an urgency value (the value itself when the form has none)."""
    labels = dict(urgency_choices(s, process_version_id))
    return labels.get(value or "", value or "").split(" / ")[0] or "Bình thường"


def _choices(resources: Mapping[str, Any], key: str) -> list[tuple[str, str]]:
    for name, text in sorted(resources.items()):
        if not name.endswith(".form.json") or f'"{key}"' not in str(text):
            continue
        try:
            form = json.loads(text)
        except (TypeError, ValueError):
            continue
        stack = list(form.get("components") or []) if isinstance(form, dict) else []
        while stack:
            component = stack.pop(0)
            if not isinstance(component, dict):
                continue
            values = component.get("values")
            if component.get("key") == key and isinstance(values, list):
                return [(str(v["value"]), str(v.get("label") or v["value"])) for v in values
                        if isinstance(v, dict) and "value" in v]
            stack.extend(component.get("components") or [])
    return []


def vietnamese(text: str) -> str:
    """The Vietnamese half of a diagram's 'Vietnamese / English' name."""
    return text.split(" / ")[0].strip() or text


def task_values(s: Session, task: HumanTask, who: Recipient, petition: Petition | None,
                version_id: int | None) -> dict[str, Any]:
    """What a task's templates are filled with."""
    zone = ZoneInfo(_config.zone)
    agency = s.get_one(Agency, task.agency_id)
    confidential = petition is not None and petition.confidential
    return {"display_name": who.display_name, "task_name": vietnamese(task.name), "agency_name": agency.name,
            "petition_code": petition.code if petition else "", "task_url": link(f"/tasks/{task.id}"),
            "petition_title": "(nội dung mật)" if confidential else (petition.title if petition else ""),
            "due": task.due_at.astimezone(zone).strftime("%H:%M ngày %d/%m/%Y") if task.due_at else "không có hạn",
            "urgency": urgency_label(s, version_id, petition.urgency) if petition and version_id else "Bình thường"}


def tasks_created(s: Session, inst: ProcessInstance, tasks: Iterable[HumanTask], at: datetime) -> None:
    """New tasks of a step: queue `task_new` to those who work them (held for the digest, unless urgent)."""
    reached = [(task, who) for task in tasks for who in task_recipients(s, task) if who.mode != "none"]
    if not reached:  # nobody with an address works them: nothing more to read
        return
    petition = s.execute(select(Petition).where(Petition.instance_id == inst.id)).scalar_one_or_none()
    urgent_level = most_urgent_level(s, inst.process_version_id)
    urgent = petition is not None and urgent_level is not None and petition.urgency == urgent_level
    for task, who in reached:
        subject, body = render(["task_new"], task_values(s, task, who, petition, inst.process_version_id))
        held = who.mode == "digest" and not urgent
        enqueue(s, agency_id=task.agency_id, channel="email", recipient=who.email, kind="task_new",
                subject=subject, body=body, at=at, username=who.username,
                petition_id=petition.id if petition else None, instance_id=inst.id, urgent=urgent,
                dedupe_key=f"task:{task.id}:new:{who.username}", status=HELD if held else PENDING)


def notify_user(s: Session, agency_id: int, username: str, kind: str, subject: str, body: str, urgent: bool = False,
                *, at: datetime | None = None, instance_id: uuid.UUID | None = None,
                petition_id: uuid.UUID | None = None, dedupe_key: str | None = None) -> Notification | None:
    """Queue a message to one staff member in the caller's transaction, as their preference says.

    Immediate users get it at once, digest users in their next daily digest (at once when `urgent`),
    users who chose `none` or have no e-mail address not at all (None is returned then).
    For reminders and escalations other modules decide (a BPMN step's handler, say).
    """
    from . import clock

    found = _recipients(s, User.username == username)
    if not found or found[0].mode == "none":
        return None
    who = found[0]
    held = who.mode == "digest" and not urgent
    return enqueue(s, agency_id=agency_id, channel="email", recipient=who.email, kind=kind, subject=subject,
                   body=body, at=at or clock.now(), username=username, instance_id=instance_id,
                   petition_id=petition_id, urgent=urgent, dedupe_key=dedupe_key, status=HELD if held else PENDING)
