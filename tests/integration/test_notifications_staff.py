"""Issue 14 point 5, staff side: new tasks, tasks due soon and overdue ones reach the people who work them, as
each chose (immediate, one daily digest by default, none); items of the most urgent level go at once.

Time is a `ManualClock` the test moves; the service's clock reads it (`service.usecases.clock.now`).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from service.config import Settings
from service.domain import petitions
from service.store.notification_tables import Notification
from service.store.tables import HumanTask
from service.usecases import accounts, clock, instances, notification_admin, notifications, notify_digest
from service.usecases.context import Actor, Context
from service.usecases.errors import Forbidden, Invalid
from tests.conftest import ADMIN, AGENCY, deploy_sample
from workflows.clock import ManualClock

PACK = ("petition.bpmn", "dialogue.bpmn", "periodic_report.bpmn")
PASSWORD = "petitionflow"
STAFF = {  # username: (role, e-mail, preference)
    "tiepnhan": ("reception", "tiepnhan@so.example.vn", None),  # chose nothing: the daily digest
    "tiepnhan2": ("reception", "tiepnhan2@so.example.vn", "immediate"),
    "tiepnhan3": ("reception", "tiepnhan3@so.example.vn", "none"),
    "tiepnhan4": ("reception", "", None),  # no address: nothing is queued
    "thanhtra": ("inspectorate", "thanhtra@so.example.vn", None),
    "giamdoc": ("director", "giamdoc@so.example.vn", None),
}
PETITION = {"source": "citizen", "channel": "reception", "field": "other", "title": "Đường liên xã bị sạt lở",
            "content": "Đề nghị sửa chữa.", "petitioner_name": "Lò Văn Pọm", "petitioner_contact": "0912 345 678"}
START = datetime(2026, 11, 29, 20, 0, tzinfo=UTC)  # 03:00 on 30/11 in Hà Nội, before the digest hour (07:00)


def _staff(ctx: Context) -> None:
    for username, (role, email, mode) in STAFF.items():
        accounts.add_user(ctx, ADMIN, username, PASSWORD, [role], AGENCY, username, email)
        if mode:
            notification_admin.set_preference(ctx, Actor(username, AGENCY, frozenset({role})), mode)


def _rows(ctx: Context, **where: object) -> list[Notification]:
    with ctx.uow(write=False) as uow:
        query = select(Notification).order_by(Notification.id)
        for key, value in where.items():
            query = query.where(getattr(Notification, key) == value)
        return list(uow.session.execute(query).scalars())


def _ready(ctx: Context, instance_id: object) -> list[HumanTask]:
    with ctx.uow(write=False) as uow:
        return list(uow.session.execute(select(HumanTask).where(HumanTask.instance_id == instance_id,
                                                                HumanTask.status == "ready")).scalars())


@pytest.fixture
def held_clock(monkeypatch: pytest.MonkeyPatch) -> ManualClock:
    with ManualClock(START) as manual:
        monkeypatch.setattr(clock, "now", lambda: manual.now)
        yield manual


def test_new_tasks_go_as_each_user_chose_and_the_digest_comes_once_a_day(ctx: Context,
                                                                          held_clock: ManualClock) -> None:
    for diagram in PACK:
        deploy_sample(ctx, diagram)
    _staff(ctx)
    reception = Actor("tiepnhan", AGENCY, frozenset({"reception"}))
    info = petitions.submit(ctx, reception, PETITION)
    [intake] = _ready(ctx, info.instance_id)

    new = {n.username: n for n in _rows(ctx, kind="task_new")}
    assert set(new) == {"tiepnhan", "tiepnhan2"}  # `none` and no address: nothing
    assert new["tiepnhan2"].status == "pending" and new["tiepnhan"].status == "digest"  # immediate / held
    assert notifications.vietnamese(intake.name) in new["tiepnhan"].subject and info.code in new["tiepnhan2"].body
    assert _rows(ctx, channel="email", username=None) == []  # the petitioner left only a phone number

    assert notify_digest.write_digests(ctx, clock.now()) == 0  # 03:00: not the digest hour yet
    held_clock.advance(4.5 * 3600)  # 07:30
    assert notify_digest.write_digests(ctx, clock.now()) == 1
    [digest] = _rows(ctx, kind="digest")
    assert (digest.username, digest.recipient, digest.status) == ("tiepnhan", "tiepnhan@so.example.vn", "pending")
    assert new["tiepnhan"].subject in digest.body and "30/11/2026" in digest.subject
    assert [n.status for n in _rows(ctx, kind="task_new", username="tiepnhan")] == ["digested"]
    held_clock.advance(3600)
    assert notify_digest.write_digests(ctx, clock.now()) == 0  # one a day

    # The intake task falls due tomorrow at 10:00: due soon, then overdue, each noticed once to immediate users;
    # digest users read it in their digests.
    due = held_clock.now + timedelta(hours=25)
    with ctx.uow() as uow:
        uow.session.execute(update(HumanTask).where(HumanTask.id == intake.id).values(due_at=due))
        uow.commit()
    assert notify_digest.task_notices(ctx, clock.now()) == 0  # more than 24 hours away
    held_clock.advance(2 * 3600)
    assert notify_digest.task_notices(ctx, clock.now()) == 1
    assert notify_digest.task_notices(ctx, clock.now()) == 0
    [soon] = _rows(ctx, kind="task_due_soon")
    assert soon.username == "tiepnhan2" and "Sắp đến hạn" in soon.subject
    held_clock.advance(22 * 3600)  # 07:30 next day: the digest lists the task as due soon
    assert notify_digest.write_digests(ctx, clock.now()) == 1
    second = _rows(ctx, kind="digest")[-1]
    assert "[Sắp đến hạn]" in second.body and notifications.vietnamese(intake.name) in second.body
    assert "01/12/2026" in second.subject
    held_clock.advance(3 * 3600)  # past 10:00
    assert notify_digest.task_notices(ctx, clock.now()) == 1
    [late] = _rows(ctx, kind="task_overdue")
    assert late.username == "tiepnhan2" and "Cảnh báo quá hạn" in late.subject


def test_a_task_of_the_most_urgent_level_goes_at_once_to_digest_users(ctx: Context, held_clock: ManualClock) -> None:
    for diagram in PACK:
        deploy_sample(ctx, diagram)
    _staff(ctx)
    reception = Actor("tiepnhan", AGENCY, frozenset({"reception"}))
    info = petitions.submit(ctx, reception, PETITION)
    [intake] = _ready(ctx, info.instance_id)
    instances.complete_task(ctx, reception, intake.id, {**PETITION, "received_on": "2026-11-30",
                                                        "petition_type": "kien_nghi",
                                                        "confidential": False})
    [consolidate] = _ready(ctx, info.instance_id)
    [held] = _rows(ctx, kind="task_new", username="thanhtra")
    assert (held.status, held.urgent) == ("digest", False)  # urgency not decided yet
    with ctx.uow(write=False) as uow:
        level = notifications.most_urgent_level(uow.session, _version(ctx, info.instance_id))
    assert level == "urgent"  # the first value the consolidation form's urgency select lists
    inspectorate = Actor("thanhtra", AGENCY, frozenset({"inspectorate"}))
    instances.complete_task(ctx, inspectorate, consolidate.id, {"field": "other", "urgency": level,
                                                                "handling_result": "thu_ly"})
    urgent = [n for n in _rows(ctx, kind="task_new") if n.urgent]
    assert urgent and all(n.status == "pending" for n in urgent)  # digest users too, at once
    assert {n.username for n in urgent} <= {"giamdoc", "thanhtra", "tiepnhan", "tiepnhan2"}


def _version(ctx: Context, instance_id: object) -> int:
    from service.store.tables import ProcessInstance

    with ctx.uow(write=False) as uow:
        return uow.session.get_one(ProcessInstance, instance_id).process_version_id


def test_notify_user_follows_the_preference_and_only_admins_set_addresses(ctx: Context,
                                                                         held_clock: ManualClock) -> None:
    _staff(ctx)
    with ctx.uow() as uow:
        s = uow.session
        agency_id = _agency_id(s)
        assert notifications.notify_user(s, agency_id, "tiepnhan3", "reminder", "Nhắc việc", "…") is None
        assert notifications.notify_user(s, agency_id, "tiepnhan4", "reminder", "Nhắc việc", "…") is None
        held = notifications.notify_user(s, agency_id, "tiepnhan", "reminder", "Nhắc việc", "Nội dung")
        urgent = notifications.notify_user(s, agency_id, "tiepnhan", "escalation", "Vượt hạn", "…", urgent=True)
        assert held is not None and urgent is not None
        assert (held.status, urgent.status) == ("digest", "pending")
        uow.commit()
    with pytest.raises(Forbidden):
        notification_admin.set_email(ctx, Actor("tiepnhan", AGENCY, frozenset({"reception"})), "tiepnhan", "x@y.vn")
    with pytest.raises(Invalid):
        notification_admin.set_email(ctx, ADMIN, "tiepnhan4", "không phải địa chỉ")
    changed = notification_admin.set_email(ctx, ADMIN, "tiepnhan4", " le.thi@so.example.vn ")
    assert changed.email == "le.thi@so.example.vn"
    with pytest.raises(Invalid):
        notification_admin.set_preference(ctx, Actor("tiepnhan", AGENCY, frozenset({"reception"})), "weekly")


def _agency_id(s: object) -> int:
    from sqlalchemy.orm import Session

    from service.store.tables import Agency

    assert isinstance(s, Session)
    return int(s.execute(select(Agency.id).where(Agency.code == AGENCY)).scalar_one())


@pytest.mark.parametrize("contact, email, phone", [
    ("an.nguyen@example.vn", "an.nguyen@example.vn", None),
    ("Bản Củ, xã Chiềng Đông; ĐT 0912 345 678; thư: Huong.Le+don@mail.example.com.vn.",
     "Huong.Le+don@mail.example.com.vn", "0912345678"),
    ("+84 912.345.678", None, "+84912345678"),
    ("số nhà 12@ngõ 5, Hà Nội", None, None),  # an '@' in an address is not an e-mail
    ("", None, None),
])
def test_an_email_address_is_recognised_in_the_contact(contact: str, email: str | None, phone: str | None) -> None:
    assert notifications.email_in(contact) == email
    assert notifications.phone_in(contact) == phone


def test_an_admin_replaces_a_template_and_missing_ones_fall_back(tmp_path: Path) -> None:
    (tmp_path / "document_receipt.txt").write_text("Biên nhận đơn ${petition_code}\n\nMẫu của Sở: ${tracking_code}\n",
                                                   encoding="utf-8")
    notifications.configure(Settings(notify_templates_dir=str(tmp_path)))
    try:
        values = {"petition_code": "SKHCN-2026-00007", "tracking_code": "ABCD", "agency_name": "Sở KH&CN"}
        assert notifications.render(["document_receipt", "document"], values) == (
            "Biên nhận đơn SKHCN-2026-00007", "Mẫu của Sở: ABCD\n")
        subject, _body = notifications.render(["document_acceptance", "document"], values)  # not replaced: shipped
        assert subject.startswith("[Sở KH&CN] Thông báo thụ lý đơn số SKHCN-2026-00007")
        assert notifications.render(["no_such_template"], {"a": 1}) == ("no_such_template", "a: 1\n")
    finally:
        notifications.configure(Settings())
