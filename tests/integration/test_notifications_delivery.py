"""Issue 14 point 5, delivery: retried with a doubling delay, an incident when undeliverable, each attempt on the
audit trail; nothing sent and nothing lost while e-mail is not configured; two workers never take the same one.

Against a real SMTP server on 127.0.0.1 (aiosmtpd) that the test tells to refuse or accept.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError

from service import notifiers
from service.domain import documents, petitions
from service.store.notification_tables import Notification
from service.store.tables import AuditEvent, Incident
from service.usecases import audit, clock, incidents, notification_admin, notifications, notify_delivery
from service.usecases.context import Actor, Context
from tests.conftest import ADMIN, deploy_sample
from tests.integration.mailserver import Recorder, mail_server

PACK = ("petition.bpmn", "dialogue.bpmn", "periodic_report.bpmn")
RECEPTION = Actor("tiepnhan", "demo", frozenset({"reception"}))


def _petition(contact: str) -> dict[str, object]:
    return {"source": "citizen", "channel": "reception", "field": "other", "title": "Đề nghị cấp nước sạch",
            "content": "Đề nghị Sở xem xét.", "petitioner_name": "Trần Văn Bình", "petitioner_contact": contact}


@pytest.fixture
def mail() -> Iterator[tuple[Recorder, int]]:
    with mail_server() as server:
        yield server


def _configured(ctx: Context, port: int, **more: object) -> Context:
    ctx.settings = dataclasses.replace(ctx.settings, smtp_host="127.0.0.1", smtp_port=port, **more)  # type: ignore[arg-type]
    return ctx


def _row(ctx: Context, row_id: int) -> Notification:
    with ctx.uow(write=False) as uow:
        return uow.session.get_one(Notification, row_id)


def _events(ctx: Context, kind: str) -> list[AuditEvent]:
    with ctx.uow(write=False) as uow:
        return list(uow.session.execute(select(AuditEvent).where(AuditEvent.event_type == kind)
                                        .order_by(AuditEvent.id)).scalars())


def test_a_refused_notification_is_retried_then_an_incident_the_admin_retries(
        ctx: Context, mail: tuple[Recorder, int]) -> None:
    server, port = mail
    for diagram in PACK:
        deploy_sample(ctx, diagram)
    _configured(ctx, port, notify_max_attempts=3, notify_backoff_ms=1000)
    channels = notifiers.configured(ctx.settings)
    info = petitions.submit(ctx, RECEPTION, _petition("binh.tran@example.vn"))
    server.refuse_with = "451 4.7.1 mailbox busy, try later"
    now = clock.now()

    first = notify_delivery.send_next(ctx, channels, "w1", now)
    assert first is not None and first.kind == "undeliverable"
    row = _row(ctx, first.row_id or 0)
    assert (row.status, row.attempts, row.next_attempt_at) == ("pending", 1, now + timedelta(seconds=1))
    assert "451" in (row.last_error or "")
    assert notify_delivery.send_next(ctx, channels, "w1", now) is None  # not before its retry time
    second = notify_delivery.send_next(ctx, channels, "w1", now + timedelta(seconds=1))
    assert second is not None and _row(ctx, row.id).next_attempt_at == now + timedelta(seconds=3)  # doubled
    third = notify_delivery.send_next(ctx, channels, "w1", now + timedelta(seconds=3))
    assert third is not None and third.kind == "incident"
    assert (_row(ctx, row.id).status, _row(ctx, row.id).attempts) == ("failed", 3)
    assert notify_delivery.send_next(ctx, channels, "w1", now + timedelta(days=2)) is None  # given up
    with ctx.uow(write=False) as uow:
        [incident] = uow.session.execute(select(Incident)).scalars().all()
    assert (incident.kind, incident.instance_id, incident.status) == ("notification", info.instance_id, "open")
    failed = _events(ctx, "notification_failed")
    assert [e.data["attempt"] for e in failed] == [1, 2, 3] and failed[-1].data["given_up"] is True
    assert server.messages() == []

    server.refuse_with = None  # the mailbox works again: the admin retries the incident
    assert incidents.retry_incident(ctx, ADMIN, incident.id).status == "resolved"
    assert _row(ctx, row.id).status == "pending"
    sent = notify_delivery.send_next(ctx, channels, "w1", clock.now())
    assert sent is not None and sent.kind == "sent"
    [message] = server.messages()
    assert message["To"] == "binh.tran@example.vn" and message["Message-ID"] == row.message_id
    assert len(_events(ctx, "notification_sent")) == 1
    assert audit.verify_trail(ctx).ok


def test_a_refused_address_is_given_up_at_once(ctx: Context, mail: tuple[Recorder, int]) -> None:
    server, port = mail
    for diagram in PACK:
        deploy_sample(ctx, diagram)
    _configured(ctx, port)
    petitions.submit(ctx, RECEPTION, _petition("khong.ton.tai@example.vn"))
    server.refuse_with = "550 5.1.1 no such mailbox"
    outcome = notify_delivery.send_next(ctx, notifiers.configured(ctx.settings), "w1", clock.now())
    assert outcome is not None and outcome.kind == "incident"
    assert _row(ctx, outcome.row_id or 0).status == "failed" and _row(ctx, outcome.row_id or 0).attempts == 1


def test_without_an_smtp_host_notifications_wait_as_not_configured(ctx: Context) -> None:
    for diagram in PACK:
        deploy_sample(ctx, diagram)
    assert not ctx.settings.smtp_host
    petitions.submit(ctx, RECEPTION, _petition("binh.tran@example.vn"))
    channels = notifiers.configured(ctx.settings)
    assert channels == {}
    assert notify_delivery.send_next(ctx, channels, "w1", clock.now()) is None
    assert notify_delivery.next_due_at(ctx, "w1", clock.now(), channels.keys()) is None  # the worker sleeps on
    box = notification_admin.outbox(ctx, ADMIN)
    assert box.channels == () and box.counts == {"not_configured": 1}
    [item] = box.items
    assert (item.status, item.kind, item.recipient) == ("not_configured", "document:receipt", "binh.tran@example.vn")
    assert [i.id for i in notification_admin.outbox(ctx, ADMIN, "not_configured").items] == [item.id]


def test_two_workers_never_claim_the_same_notification(ctx: Context, mail: tuple[Recorder, int]) -> None:
    _server, port = mail
    for diagram in PACK:
        deploy_sample(ctx, diagram)
    _configured(ctx, port, notify_lease_s=300)
    for n in range(2):
        petitions.submit(ctx, RECEPTION, _petition(f"nguoi{n}@example.vn"))
    channels = notifiers.configured(ctx.settings).keys()
    now = clock.now()
    one = notify_delivery.claim(ctx, "w1", now, channels)
    assert one is not None and _row(ctx, one.id).status == "sending"
    other = notify_delivery.claim(ctx, "w2", now, channels)
    assert other is not None
    if ctx.settings.is_sqlite:  # one worker per SQLite database: a row another name holds was left by a dead one
        assert other.id == one.id and other.resent
    else:  # PostgreSQL: held rows are skipped until their lease runs out
        assert other.id != one.id and not other.resent
        assert notify_delivery.claim(ctx, "w3", now, channels) is None
        late = notify_delivery.claim(ctx, "w3", now + timedelta(seconds=301), channels)
        assert late is not None and late.resent and late.attempt == 2


def test_every_document_of_the_petition_goes_to_the_petitioner_unless_its_kind_is_skipped(
        ctx: Context, mail: tuple[Recorder, int]) -> None:
    server, port = mail
    for diagram in PACK:
        deploy_sample(ctx, diagram)
    _configured(ctx, port)
    info = petitions.submit(ctx, RECEPTION, _petition("Trần Văn Bình <binh.tran@example.vn>"))
    office = Actor("vanphong", "demo", frozenset({"office"}))
    # forwarding has a template of its own; refusal has none (as a kind another branch adds): the general one
    documents.request(ctx, office, info.id, "forwarding", {"forward_to": "UBND huyện Mai Sơn"})
    documents.request(ctx, office, info.id, "refusal", {"reason": "Đơn không đủ điều kiện thụ lý"})
    documents.request(ctx, office, info.id, "minutes", {})  # an internal record: not sent (skip list)
    with ctx.uow(write=False) as uow:
        rows = list(uow.session.execute(select(Notification).order_by(Notification.id)).scalars())
    assert [r.kind for r in rows] == ["document:receipt", "document:forwarding", "document:refusal"]
    assert all(r.document_id is not None and r.recipient == "binh.tran@example.vn" for r in rows)
    assert "chuyển đến cơ quan có thẩm quyền" in rows[1].body
    assert rows[2].subject.startswith("[") and "đơn số " + info.code in rows[2].subject
    channels = notifiers.configured(ctx.settings)
    for _ in rows:
        assert (notify_delivery.send_next(ctx, channels, "w1", clock.now()) or None) is not None
    received = server.messages()
    assert [m["Message-ID"] for m in received] == [r.message_id for r in rows]
    names = [next(m.iter_attachments()).get_filename() for m in received]
    assert [str(n).split("-")[0] for n in names] == ["receipt", "forwarding", "refusal"]


class Collecting:
    """An operator's own SMS adapter, as `PETITIONFLOW_SMS_ADAPTER=module:Class` names it."""

    sent: list[notifiers.Outgoing] = []  # noqa: RUF012 (shared across the instances the test builds)

    def __init__(self, settings: object) -> None:
        self.settings = settings

    def send(self, message: notifiers.Outgoing) -> None:
        Collecting.sent.append(message)


def test_sms_goes_through_the_adapter_the_operator_configures(ctx: Context, caplog: pytest.LogCaptureFixture) -> None:
    for diagram in PACK:
        deploy_sample(ctx, diagram)
    ctx.settings = dataclasses.replace(ctx.settings, sms_adapter=f"{__name__}:Collecting", zalo_adapter="log")
    notifications.configure(ctx.settings)
    try:
        petitions.submit(ctx, RECEPTION, _petition("Bản Củ; ĐT 0912 345 678"))
    finally:
        notifications.configure(dataclasses.replace(ctx.settings, sms_adapter="", zalo_adapter=""))
    channels = notifiers.configured(ctx.settings)
    assert set(channels) == {"sms", "zalo"}  # no SMTP host: e-mail stays unconfigured
    caplog.set_level("INFO", logger="petitionflow.notify")
    Collecting.sent.clear()
    for _ in range(2):
        outcome = notify_delivery.send_next(ctx, channels, "w1", clock.now())
        assert outcome is not None and outcome.kind == "sent"
    [sms] = Collecting.sent
    assert sms.recipient == "0912345678" and "Giấy biên nhận" in sms.subject and sms.attachment is None
    assert any("zalo to 0912345678" in r.getMessage() for r in caplog.records)


def test_a_send_the_lost_database_missed_is_recorded_when_it_is_back(
        ctx: Context, mail: tuple[Recorder, int], monkeypatch: pytest.MonkeyPatch) -> None:
    server, port = mail
    for diagram in PACK:
        deploy_sample(ctx, diagram)
    _configured(ctx, port)
    petitions.submit(ctx, RECEPTION, _petition("binh.tran@example.vn"))
    record = notify_delivery.record_sent

    def lost(*args: object) -> None:
        raise DBAPIError("UPDATE notifications", {}, ConnectionError("server closed the connection"))

    monkeypatch.setattr(notify_delivery, "record_sent", lost)
    unrecorded: list[tuple[notify_delivery.Claimed, datetime]] = []
    with pytest.raises(DBAPIError):
        notify_delivery.send_next(ctx, notifiers.configured(ctx.settings), "w1", clock.now(), (), unrecorded)
    [(claimed, _at)] = unrecorded
    assert _row(ctx, claimed.id).status == "sending" and len(server.messages()) == 1
    monkeypatch.setattr(notify_delivery, "record_sent", record)
    notify_delivery.record_unrecorded(ctx, "w1", unrecorded)
    assert unrecorded == [] and _row(ctx, claimed.id).status == "sent"
    assert notify_delivery.send_next(ctx, notifiers.configured(ctx.settings), "w1", clock.now()) is None
    assert len(server.messages()) == 1
