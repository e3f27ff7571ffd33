"""The worker's side of notifications: claim one, send it, record the outcome, each send on the audit trail.

**What "exactly once" means here, honestly.** Sending an e-mail and committing a database row cannot be one
atomic act. Each notification goes through three steps:

1. *claim* (one transaction): the row is locked (`FOR UPDATE SKIP LOCKED` on PostgreSQL), its status set to
   `sending` with the worker's name and time, its attempt counted, and committed;
2. *send*, outside any transaction, carrying the row's stable `Message-ID`;
3. *record* (one transaction): `sent`, or back to `pending` with a later retry time, or `failed` with an
   incident once the attempts are spent; an audit event either way.

A notification is therefore never sent by two workers at once, and never sent again once it is recorded
as sent. The one gap is a crash (or a lost database) between the provider accepting the message and
step 3: the row stays `sending`, and it is sent once more when it is taken as lost: at once by the next
worker on SQLite (one worker at a time holds the database, so a `sending` row of another worker's name
is one that died), after `PETITIONFLOW_NOTIFY_LEASE_S` on PostgreSQL. Only what was in flight is resent,
at most once per crash, and with the same Message-ID, so mail programs and the audit trail show it as
the same message. A crash before the provider accepted it (the usual case: the send takes the time)
loses nothing and duplicates nothing. A database lost between the send and step 3 while the worker lives
is not such a crash: the worker keeps the send in memory and records it as soon as the database is back.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from ..documents import layout, pdf_render, templates
from ..notifiers import Notifier, Outgoing, SendFailed
from ..store.document_tables import Document
from ..store.notification_tables import Notification
from ..store.tables import Agency, ProcessInstance
from . import audit, incidents
from .context import Context
from .notifications import FAILED, PENDING, SENDING, SENT
from .timers import Outcome

log = logging.getLogger("petitionflow.notify")


@dataclass(frozen=True)
class Claimed:
    """A notification a worker claimed, as it sends it."""

    id: int
    channel: str
    recipient: str
    subject: str
    body: str
    message_id: str
    document_id: object
    attempt: int
    resent: bool
    """It was `sending` before: a worker died with it in flight, so this may be a second copy."""


def _abandoned(ctx: Context, worker: str, now: datetime) -> ColumnElement[bool]:
    """A `sending` row no live worker holds (see the module's doc)."""
    if ctx.settings.is_sqlite:
        return and_(Notification.status == SENDING, Notification.claimed_by != worker)
    return and_(Notification.status == SENDING,
                Notification.claimed_at <= now - timedelta(seconds=ctx.settings.notify_lease_s))


def _due(ctx: Context, worker: str, now: datetime, channels: Collection[str]) -> ColumnElement[bool]:
    return and_(Notification.channel.in_(list(channels)), or_(
        and_(Notification.status == PENDING,
             or_(Notification.next_attempt_at.is_(None), Notification.next_attempt_at <= now)),
        _abandoned(ctx, worker, now)))


def next_due_at(ctx: Context, worker: str, now: datetime, channels: Collection[str]) -> datetime | None:
    """The earliest moment a notification of a configured channel can be sent (None: nothing waits)."""
    if not channels:
        return None
    with ctx.uow(write=False) as uow:
        s = uow.session
        pending = s.execute(select(func.min(func.coalesce(Notification.next_attempt_at, Notification.created_at)))
                            .where(Notification.channel.in_(list(channels)), Notification.status == PENDING)
                            ).scalar_one_or_none()
        lost = s.execute(select(func.min(Notification.claimed_at)).where(
            Notification.channel.in_(list(channels)), Notification.status == SENDING)).scalar_one_or_none()
    if lost is not None:
        lost = now if ctx.settings.is_sqlite else lost + timedelta(seconds=ctx.settings.notify_lease_s)
    found = [m for m in (pending, lost) if m is not None]
    return min(found) if found else None


def claim(ctx: Context, worker: str, now: datetime, channels: Collection[str],
          skip: Collection[int] = ()) -> Claimed | None:
    """Step 1: claim the oldest due notification of a configured channel and commit the claim."""
    if not channels:
        return None
    with ctx.uow() as uow:
        s = uow.session
        query = (select(Notification).where(_due(ctx, worker, now, channels)).order_by(Notification.id).limit(1)
                 .with_for_update(skip_locked=True))
        if skip:
            query = query.where(Notification.id.not_in(list(skip)))
        row = s.execute(query).scalar_one_or_none()
        if row is None:
            return None
        resent = row.status == SENDING
        row.status, row.claimed_by, row.claimed_at, row.attempts = SENDING, worker[:100], now, row.attempts + 1
        claimed = Claimed(row.id, row.channel, row.recipient, row.subject, row.body, row.message_id,
                          row.document_id, row.attempts, resent)
        uow.commit()
        return claimed


def attachment(ctx: Context, claimed: Claimed) -> tuple[str, str, bytes] | None:
    """The PDF of the notification's document, rendered as the petition page renders it (None without one)."""
    if claimed.document_id is None:
        return None
    with ctx.uow(write=False) as uow:
        document = uow.session.get(Document, claimed.document_id)
        if document is None:
            return None
        template = templates.load(document.kind, Path(ctx.settings.bpmn_dir) / "documents")
        issued = document.issued_at.astimezone(ZoneInfo(ctx.settings.timezone)).date()
        filled = layout.build(template, dict(document.data), document.number, issued)
        name = f"{document.kind}-{document.year}-{document.number:04d}.pdf"
    try:
        return name, "application/pdf", pdf_render.render(filled)
    except pdf_render.FontMissing as exc:  # the message still goes; the petition page offers the document
        log.warning("notification %s goes without its PDF: %s", claimed.id, exc)
        return None


def _mask(address: str) -> str:
    """An address as the audit trail keeps it: enough to tell which, not the whole of it."""
    name, at, domain = address.partition("@")
    if at:
        return f"{name[:1]}***@{domain}"
    return f"{address[:3]}***{address[-2:]}" if len(address) > 5 else "***"


def _trail(s: Session, row: Notification, event: str, at: datetime, data: Mapping[str, object]) -> None:
    code = s.execute(select(Agency.code).where(Agency.id == row.agency_id)).scalar_one()
    audit.append_to_agency(s, row.agency_id, audit.agency_chain(code), "system", at, audit.Entry(event, {
        "notification": row.id, "kind": row.kind, "channel": row.channel, "to": _mask(row.recipient),
        "username": row.username, "petition_id": str(row.petition_id) if row.petition_id else None,
        "instance_id": str(row.instance_id) if row.instance_id else None, "message_id": row.message_id,
        "attempt": row.attempts, **data}))


def record_sent(ctx: Context, claimed: Claimed, worker: str, at: datetime) -> None:
    """Step 3 after a send the provider accepted: `sent`, and `notification_sent` on the agency's trail."""
    with ctx.uow() as uow:
        s = uow.session
        row = s.get_one(Notification, claimed.id, with_for_update=True, populate_existing=True)
        if row.status == SENT:  # a slow worker whose lease ran out: the other one recorded it already
            uow.commit()
            return
        row.status, row.sent_at, row.last_error, row.next_attempt_at = SENT, at, None, None
        _trail(s, row, "notification_sent", at, {"worker": worker, "resent_after_crash": claimed.resent})
        uow.commit()


def record_failure(ctx: Context, claimed: Claimed, error: SendFailed, at: datetime) -> Notification:
    """Step 3 after a failed send: retry later with a doubling delay, or give up (`failed`) with an incident
    on the petition's instance once `PETITIONFLOW_NOTIFY_MAX_ATTEMPTS` are spent or the failure is permanent."""
    settings = ctx.settings
    with ctx.uow() as uow:
        s = uow.session
        row = s.get_one(Notification, claimed.id, with_for_update=True, populate_existing=True)
        if row.status == SENT:
            uow.commit()
            return row
        row.last_error = str(error)[:4000]
        give_up = error.permanent or row.attempts >= settings.notify_max_attempts
        if not give_up:
            delay = timedelta(milliseconds=settings.notify_backoff_ms) * (1 << min(row.attempts - 1, 30))
            row.status, row.next_attempt_at = PENDING, at + min(delay, incidents.MAX_BACKOFF)
        else:
            row.status, row.next_attempt_at = FAILED, None
        _trail(s, row, "notification_failed", at, {"error": row.last_error, "given_up": give_up,
                                                   "next_attempt_at": row.next_attempt_at})
        if give_up and row.instance_id is not None:
            inst = s.get(ProcessInstance, row.instance_id, with_for_update=True)
            if inst is not None:
                incidents.record_failure(s, settings, inst, f"notification {row.id} ({row.kind}) to "
                                         f"{_mask(row.recipient)} undeliverable after {row.attempts} attempts: "
                                         f"{row.last_error}", at, kind="notification")
        uow.commit()
        return row


def send_next(ctx: Context, notifiers: Mapping[str, Notifier], worker: str, now: datetime,
              skip: Collection[int] = (), unrecorded: list[tuple[Claimed, datetime]] | None = None) -> Outcome | None:
    """Claim, send and record one notification; None when none is due on a configured channel.

    When the database is lost between the send and its record, the send is kept in `unrecorded` (the
    worker's memory) so that `record_unrecorded` writes it once the database is back, before another
    worker could take the row as lost and send it again.
    """
    claimed = claim(ctx, worker, now, notifiers.keys(), skip)
    if claimed is None:
        return None
    try:
        message = Outgoing(claimed.recipient, claimed.subject, claimed.body, claimed.message_id,
                           attachment(ctx, claimed) if claimed.channel == "email" else None)
        notifiers[claimed.channel].send(message)
    except SendFailed as exc:
        row = record_failure(ctx, claimed, exc, now)
        kind = "incident" if row.status == FAILED else "undeliverable"
        return Outcome(kind, row.instance_id, f"notification {claimed.id} to {_mask(claimed.recipient)} attempt "
                       f"{claimed.attempt} failed: {exc} -> {row.status}", row_id=claimed.id)
    try:
        record_sent(ctx, claimed, worker, now)
    except DBAPIError:
        if unrecorded is not None:
            unrecorded.append((claimed, now))
        raise
    return Outcome("sent", None, f"notification sent: {claimed.id} ({claimed.channel}) to "
                   f"{_mask(claimed.recipient)} {claimed.message_id}", row_id=claimed.id)


def record_unrecorded(ctx: Context, worker: str, unrecorded: list[tuple[Claimed, datetime]]) -> None:
    """Record the sends the database missed (see `send_next`), oldest first."""
    while unrecorded:
        claimed, at = unrecorded[0]
        record_sent(ctx, claimed, worker, at)
        unrecorded.pop(0)


def requeue_failed(s: Session, instance_id: object, at: datetime) -> int:
    """Queue again the notifications of an instance that were given up (an admin retries its incident)."""
    result = s.execute(update(Notification).where(Notification.instance_id == instance_id,
                                                  Notification.status == FAILED)
                       .values(status=PENDING, attempts=0, next_attempt_at=at, last_error=None)
                       .execution_options(synchronize_session=False))
    return int(getattr(result, "rowcount", 0) or 0)
