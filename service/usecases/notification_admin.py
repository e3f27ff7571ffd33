"""What people do with notifications: each user's preference and address, and the admin's view of the outbox."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from .. import notifiers
from ..store.notification_tables import Notification, NotificationPreference
from ..store.tables import Agency, RoleGrant, User
from . import audit, clock
from .context import Actor, Context
from .errors import Conflict, Forbidden, Invalid, NotFound
from .notifications import DEFAULT_MODE, FAILED, MODES, PENDING, is_email

NOT_CONFIGURED = "not_configured"
"""The state shown for a pending notification of a channel this deployment has no settings for."""


@dataclass(frozen=True)
class PreferenceInfo:
    """How a user hears of tasks, and where."""

    username: str
    email: str | None
    mode: str


@dataclass(frozen=True)
class NotificationInfo:
    """One notification as the admin's outbox page shows it."""

    id: int
    kind: str
    channel: str
    recipient: str
    username: str | None
    subject: str
    status: str
    """The row's status, or `not_configured` for a pending one no channel can send."""
    attempts: int
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None
    next_attempt_at: datetime | None
    urgent: bool


@dataclass(frozen=True)
class Outbox:
    """The agency's outbox: channels configured, counts by state, the newest notifications."""

    channels: tuple[str, ...]
    counts: dict[str, int]
    items: list[NotificationInfo]


def _user(ctx: Context, username: str) -> User:
    with ctx.uow(write=False) as uow:
        found = uow.session.execute(select(User).where(User.username == username)).scalar_one_or_none()
        if found is None:
            raise NotFound(f"user {username} does not exist")
        return found


def get_preference(ctx: Context, actor: Actor) -> PreferenceInfo:
    """The signed-in user's preference (`digest` when they chose none) and e-mail address."""
    with ctx.uow(write=False) as uow:
        s = uow.session
        user = s.execute(select(User).where(User.username == actor.username)).scalar_one_or_none()
        if user is None:
            raise NotFound(f"user {actor.username} does not exist")
        pref = s.get(NotificationPreference, user.id)
        return PreferenceInfo(user.username, user.email, pref.mode if pref else DEFAULT_MODE)


def set_preference(ctx: Context, actor: Actor, mode: str) -> PreferenceInfo:
    """Choose how the signed-in user hears of tasks: `immediate`, `digest` or `none`."""
    if mode not in MODES:
        raise Invalid("the preference was not saved", [f"mode: one of {', '.join(MODES)}"])
    with ctx.uow() as uow:
        s = uow.session
        user = s.execute(select(User).where(User.username == actor.username)).scalar_one_or_none()
        agency = s.execute(select(Agency).where(Agency.code == actor.agency)).scalar_one_or_none()
        if user is None or agency is None:
            raise NotFound(f"user {actor.username} does not exist")
        now = clock.now()
        pref = s.get(NotificationPreference, user.id, with_for_update=True)
        if pref is None:
            pref = NotificationPreference(user_id=user.id, mode=mode, updated_at=now)
            s.add(pref)
        pref.mode, pref.updated_at = mode, now
        audit.append_to_agency(s, agency.id, audit.agency_chain(agency.code), actor.username, now,
                               audit.Entry("notification_preference_set", {"username": user.username, "mode": mode}))
        uow.commit()
        return PreferenceInfo(user.username, user.email, mode)


def check_email(email: str) -> str | None:
    """The address cleaned, None when empty; `Invalid` when it is not one e-mail address."""
    email = email.strip()
    if not email:
        return None
    if not is_email(email):
        raise Invalid("the e-mail address was refused", ["email: one address such as ten.ho@sokhcn.gov.vn"])
    return email


def set_email(ctx: Context, actor: Actor, username: str, email: str) -> PreferenceInfo:
    """An admin sets (or clears, with "") the e-mail address of an account of their agency."""
    if not actor.has("admin"):
        raise Forbidden("only admins set the e-mail addresses of accounts")
    address = check_email(email)
    with ctx.uow() as uow:
        s = uow.session
        agency = s.execute(select(Agency).where(Agency.code == actor.agency)).scalar_one_or_none()
        user = s.execute(select(User).where(User.username == username)).scalar_one_or_none()
        if agency is None or user is None or (not actor.system and not s.execute(select(RoleGrant.id).where(
                RoleGrant.user_id == user.id, RoleGrant.agency_id == agency.id)).first()):
            raise NotFound(f"user {username} does not exist")
        user.email = address
        now = clock.now()
        audit.append_to_agency(s, agency.id, audit.agency_chain(agency.code), actor.username, now,
                               audit.Entry("user_email_set", {"username": username, "email_set": address is not None}))
        pref = s.get(NotificationPreference, user.id)
        uow.commit()
        return PreferenceInfo(username, address, pref.mode if pref else DEFAULT_MODE)


def _info(row: Notification, channels: tuple[str, ...]) -> NotificationInfo:
    status = NOT_CONFIGURED if row.status == PENDING and row.channel not in channels else row.status
    return NotificationInfo(row.id, row.kind, row.channel, row.recipient, row.username, row.subject, status,
                            row.attempts, row.last_error, row.created_at, row.sent_at, row.next_attempt_at, row.urgent)


def _admin_agency(ctx: Context, actor: Actor) -> int:
    if not actor.has("admin"):
        raise Forbidden("only admins see the outbox of notifications")
    with ctx.uow(write=False) as uow:
        found = uow.session.execute(select(Agency.id).where(Agency.code == actor.agency)).scalar_one_or_none()
    if found is None:
        raise NotFound(f"agency '{actor.agency}' does not exist")
    return int(found)


def outbox(ctx: Context, actor: Actor, status: str | None = None, limit: int = 200) -> Outbox:
    """The agency's notifications, newest first (only `status` when given; `not_configured` too)."""
    agency_id = _admin_agency(ctx, actor)
    channels = tuple(notifiers.configured(ctx.settings))
    with ctx.uow(write=False) as uow:
        s = uow.session
        counts: Counter[str] = Counter()
        for channel, row_status, count in s.execute(
                select(Notification.channel, Notification.status, func.count()).where(
                    Notification.agency_id == agency_id).group_by(Notification.channel, Notification.status)):
            shown = NOT_CONFIGURED if row_status == PENDING and channel not in channels else row_status
            counts[shown] += int(count)
        query = select(Notification).where(Notification.agency_id == agency_id)
        if status == NOT_CONFIGURED:
            query = query.where(Notification.status == PENDING, Notification.channel.not_in(list(channels)))
        elif status:
            query = query.where(Notification.status == status)
        rows = s.execute(query.order_by(Notification.id.desc()).limit(max(1, min(limit, 1000)))).scalars()
        return Outbox(channels, dict(counts), [_info(r, channels) for r in rows])


def retry(ctx: Context, actor: Actor, notification_id: int) -> NotificationInfo:
    """An admin queues a given-up notification again (its attempts start afresh)."""
    agency_id = _admin_agency(ctx, actor)
    with ctx.uow() as uow:
        s = uow.session
        row = s.get(Notification, notification_id, with_for_update=True)
        if row is None or row.agency_id != agency_id:
            raise NotFound(f"notification {notification_id} does not exist")
        if row.status != FAILED:
            raise Conflict(f"notification {notification_id} is {row.status}, not failed")
        now = clock.now()
        row.status, row.attempts, row.next_attempt_at = PENDING, 0, now
        audit.append_to_agency(s, agency_id, audit.agency_chain(actor.agency), actor.username, now,
                               audit.Entry("notification_requeued", {"notification": row.id, "kind": row.kind}))
        uow.commit()
        return _info(row, tuple(notifiers.configured(ctx.settings)))
