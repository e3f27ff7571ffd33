"""Each petition type from receipt to its end, on both databases, as the law sets its path and deadlines.

Seed plan 000 (Sơn La, 2022) is loaded; Vietnam's National Day holidays of 2022 (Thursday 1 and Friday 2
September) sit inside every deadline, so each one counted in working days lands two working days (four
calendar days, across the weekend) later than without them. Expected dates are counted here by hand
(`working_day`), not with the service's calendar.
"""

from __future__ import annotations

import io
import uuid
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from docx import Document as Docx
from sqlalchemy import select

from service.domain import documents, petition_deadlines, petitions
from service.domain.petitions import PetitionInfo
from service.store.notification_tables import Notification
from service.store.tables import AuditEvent, HumanTask
from service.usecases import accounts, deadlines
from service.usecases.context import Actor, Context
from service.usecases.errors import Conflict, Forbidden
from tests.integration.department import Department, consolidate, finish_outcome, notify, prepare_for_review

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
HOLIDAYS = {date(2022, 9, 1): "Nghỉ lễ Quốc khánh", date(2022, 9, 2): "Quốc khánh"}
RECEIVED = date(2022, 8, 22)  # a Monday
ACCEPTED = date(2022, 8, 24)  # a Wednesday


def working_day(start: date, count: int) -> date:
    """The `count`-th working day after `start`: weekends and the 2022 National Day holidays skipped."""
    day = start
    while count:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in HOLIDAYS:
            count -= 1
    return day


def local_day(moment: datetime | None) -> date:
    assert moment is not None
    return moment.astimezone(ZONE).date()


@pytest.fixture
def dept(ctx: Context, monkeypatch: pytest.MonkeyPatch) -> Department:
    department = Department.from_plan(ctx, "000_sonla_khcn_2022.toml", monkeypatch)
    admin = Actor("admin", department.agency, frozenset({"admin"}))
    for day, name in HOLIDAYS.items():
        deadlines.add_holiday(ctx, admin, day, name)
    return department


def received(dept: Department, petition_type: str, title: str, **data: object) -> PetitionInfo:
    p = dept.submit(RECEIVED, petition_type=petition_type, source="citizen", field="science", title=title,
                    content=f"Nội dung đơn: {title}", petitioner_name="Nguyễn Văn An", **data)
    info = dept.petition(p)
    assert info.petition_type == petition_type and info.handling_result is None
    # the handling decision is due 10 working days after receipt (Thông tư 05/2021/TT-TTCP): across the holidays
    assert local_day(info.deadline_at) == working_day(RECEIVED, 10) == date(2022, 9, 7)
    # plan 000 (§III.1.1): every item, citizens' too, reaches the handling decision through the Office
    [task] = dept.ready(p.instance_id)
    assert task.element_id == "consolidate_office" and local_day(task.due_at) == date(2022, 9, 7)
    return p


def kinds_of(dept: Department, p: PetitionInfo) -> set[str]:
    """The kinds of the petition's documents (several share the fixed test moment, so no order is asserted)."""
    return {d.kind for d in documents.list_for_petition(dept.ctx, dept.staff("director"), p.id)}


def text_of(dept: Department, p: PetitionInfo, kind: str) -> str:
    [doc] = [d for d in documents.list_for_petition(dept.ctx, dept.staff("director"), p.id) if d.kind == kind]
    _, _, content = documents.render(dept.ctx, dept.staff("director"), doc.id, "docx")
    parsed = Docx(io.BytesIO(content))
    cells = [c.text for t in parsed.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in parsed.paragraphs] + cells)


def accept(dept: Department, p: PetitionInfo, unit: str = "science", **more: object) -> PetitionInfo:
    dept.at(ACCEPTED)
    prepare_for_review(dept, p, unit, **more)
    return dept.petition(p)


def answer(dept: Department, p: PetitionInfo, mode: str = "written") -> None:
    dept.step(p, "review_draft", {"review_decision": "approve", "answer_mode": mode})
    assert [t.element_id for t in dept.ready(p.instance_id)] == ["draft_written_reply"]
    finish_outcome(dept, p, "written_reply")


def test_complaint_accepted_notified_to_the_inspectorate_and_resolved_within_30_working_days(
        dept: Department) -> None:
    p = received(dept, "khieu_nai", "Khiếu nại quyết định thu hồi kinh phí đề tài")
    info = accept(dept, p)
    assert info.handling_result == "thu_ly" and info.competence == "within"
    assert local_day(info.deadline_at) == working_day(ACCEPTED, 30) == date(2022, 10, 7)  # Luật Khiếu nại art. 28
    assert kinds_of(dept, p) == {"receipt", "acceptance_complaint"}
    notice = text_of(dept, p, "acceptance_complaint")
    assert "thụ lý giải quyết khiếu nại" in notice and "Thanh tra Sở" in notice  # art. 27: also the inspectorate
    assert "30 ngày làm việc" in notice
    with pytest.raises(Conflict, match="may be extended 0 time"):  # a complaint has no extension by decision
        petition_deadlines.extend(dept.ctx, dept.staff("director"), p.id, "12/QĐ-SKHCN", ACCEPTED, "Phức tạp")
    answer(dept, p)  # a complaint may go to a dialogue; the director answers it in writing at once
    final = dept.petition(p)
    assert final.outcome == "written_reply" and final.closed_at is not None
    assert kinds_of(dept, p) == {"receipt", "acceptance_complaint", "written_reply", "notice_of_results"}


def test_complex_complaint_has_45_working_days(dept: Department) -> None:
    p = received(dept, "khieu_nai", "Khiếu nại phức tạp về kết quả tuyển chọn")
    info = accept(dept, p, complex_case=True)
    assert local_day(info.deadline_at) == working_day(ACCEPTED, 45)


def test_denunciation_extended_once_by_a_recorded_decision(dept: Department) -> None:
    p = received(dept, "to_cao", "Tố cáo hành vi sai phạm trong nghiệm thu", confidential=True)
    info = accept(dept, p)
    first = working_day(ACCEPTED, 30)
    assert local_day(info.deadline_at) == first  # Luật Tố cáo 2018 art. 30
    assert kinds_of(dept, p) == {"receipt", "acceptance"}
    with pytest.raises(Forbidden):
        petition_deadlines.extend(dept.ctx, dept.staff("inspectorate"), p.id, "15/QĐ-SKHCN", ACCEPTED, "Cần xác minh")
    dept.at(date(2022, 10, 3))
    moved = petition_deadlines.extend(dept.ctx, dept.staff("director"), p.id, "15/QĐ-SKHCN", date(2022, 10, 3),
                                      "Cần xác minh thêm tại cơ sở")
    assert (moved.number, moved.allowed) == (1, 1)
    assert local_day(moved.deadline_at) == working_day(first, 30) and dept.petition(p).deadline_extensions == 1
    with pytest.raises(Conflict, match="may be extended 1 time"):  # once only, unless especially complex
        petition_deadlines.extend(dept.ctx, dept.staff("director"), p.id, "16/QĐ-SKHCN", date(2022, 10, 3), "Lần 2")
    with dept.ctx.uow(write=False) as uow:
        [event] = uow.session.execute(select(AuditEvent).where(
            AuditEvent.instance_id == p.instance_id, AuditEvent.event_type == "deadline_extended")).scalars()
    assert event.actor == "director.sonla-khcn" and event.data["decision_number"] == "15/QĐ-SKHCN"
    assert event.data["reason"] == "Cần xác minh thêm tại cơ sở" and event.data["extension"] == 1
    dept.step(p, "review_draft", {"review_decision": "approve", "answer_mode": "dialogue"})
    assert [t.element_id for t in dept.ready(p.instance_id)] == ["draft_written_reply"]  # never to a dialogue
    finish_outcome(dept, p, "written_reply")
    assert dept.petition(p).outcome == "written_reply"


def test_especially_complex_denunciation_may_be_extended_twice(dept: Department) -> None:
    p = received(dept, "to_cao", "Tố cáo đặc biệt phức tạp")
    accept(dept, p, complex_case=True)
    director = dept.staff("director")
    for number in (1, 2):
        extended = petition_deadlines.extend(dept.ctx, director, p.id, f"{number}/QĐ", ACCEPTED, "Phức tạp")
        assert extended.number == number
    with pytest.raises(Conflict):
        petition_deadlines.extend(dept.ctx, director, p.id, "3/QĐ", ACCEPTED, "Lần 3")
    assert local_day(dept.petition(p).deadline_at) == working_day(ACCEPTED, 90)


def test_recommendation_follows_the_plan_deadlines_and_its_type_changes_with_a_reason(dept: Department) -> None:
    p = received(dept, "kien_nghi", "Kiến nghị hỗ trợ chuyển giao công nghệ")
    info = accept(dept, p)
    # plan 000's [deadlines]: draft_days 10 + reply_days 15, working days
    assert local_day(info.deadline_at) == working_day(ACCEPTED, 25)
    with dept.ctx.uow(write=False) as uow:
        [draft] = uow.session.execute(select(HumanTask).where(
            HumanTask.instance_id == p.instance_id, HumanTask.element_id == "draft_answer")).scalars()
    assert local_day(draft.due_at) == working_day(ACCEPTED, 10)
    answer(dept, p)
    assert kinds_of(dept, p) == {"receipt", "acceptance", "written_reply", "notice_of_results"}

    q = received(dept, "kien_nghi", "Đề nghị xem xét lại quyết định xử phạt")
    dept.at(ACCEPTED)
    consolidate(dept, q, classified_type="khieu_nai")  # no reason: the decision goes back
    assert dept.petition(q).stage == "consolidate_office" and dept.petition(q).petition_type == "kien_nghi"
    consolidate(dept, q, classified_type="khieu_nai", type_change_reason="Nội dung là khiếu nại quyết định hành chính")
    changed = dept.petition(q)
    assert changed.petition_type == "khieu_nai" and local_day(changed.deadline_at) == working_day(ACCEPTED, 30)


@pytest.mark.parametrize(("result", "task", "notice", "outcome"), [
    ("chuyen_don", "forward_petition", "forwarding", "forwarded"),
    ("huong_dan", "guide_petitioner", "guidance", "guided"),
    ("luu_don", None, None, "filed"),
])
def test_reflection_not_handled_here_is_forwarded_guided_or_filed(dept: Department, result: str, task: str | None,
                                                                  notice: str | None, outcome: str) -> None:
    p = received(dept, "phan_anh", "Phản ánh về giá dịch vụ kiểm định")
    dept.at(ACCEPTED)
    consolidate(dept, p, handling_result=result, forward_to="Sở Tài chính tỉnh Sơn La", filing_reason="trung_lap")
    if task == "forward_petition":
        dept.step(p, task, {"forward_to": "Sở Tài chính tỉnh Sơn La", "forwarded_on": ACCEPTED.isoformat(),
                            "petitioner_notified": True})
    elif task == "guide_petitioner":
        dept.step(p, task, {"forward_to": "Sở Tài chính tỉnh Sơn La", "guided_on": ACCEPTED.isoformat()})
    notify(dept, p)
    final = dept.petition(p)
    assert (final.handling_result, final.outcome) == (result, outcome)
    assert local_day(final.deadline_at) == date(2022, 9, 7)  # only the handling decision's deadline ever ran
    assert kinds_of(dept, p) == {"receipt", *([notice] if notice else []), "notice_of_results"}
    if notice:
        assert "Sở Tài chính tỉnh Sơn La" in text_of(dept, p, notice)


def test_reminders_before_and_overdue_alerts_after_reach_a_person(dept: Department) -> None:
    system = Actor("system", dept.agency, frozenset({"admin"}), system=True)
    accounts.add_user(dept.ctx, system, f"giamdoc.{dept.agency}", "petitionflow-director", ["director"], dept.agency,
                      "Giám đốc Sở", email="giamdoc@sokhcn.example.vn")  # someone the overdue alert reaches by e-mail
    p = received(dept, "to_cao", "Tố cáo chậm giải quyết hồ sơ")
    accept(dept, p)
    deadline = working_day(ACCEPTED, 30)
    ctx = dept.ctx
    petition_deadlines.raise_alerts(ctx, datetime(2022, 8, 25, 2, tzinfo=UTC))
    early = petition_deadlines.list_alerts(ctx, dept.staff("director"))
    # the director's review (3 working days, due Monday 29 August) is near; the petition's deadline is not
    assert [(a.kind, a.task_id is not None) for a in early] == [("reminder", True)]
    assert early[0].title.startswith("Sắp đến hạn: Duyệt dự thảo")
    assert not petition_deadlines.list_alerts(ctx, dept.staff("inspectorate"))
    before = working_day(deadline, 0) - timedelta(days=1)
    while before.weekday() >= 5:
        before -= timedelta(days=1)
    assert petition_deadlines.raise_alerts(ctx, datetime(before.year, before.month, before.day, 2, tzinfo=UTC)) >= 1
    reminders = [a for a in petition_deadlines.list_alerts(ctx, dept.staff("inspectorate")) if a.petition_id == p.id]
    assert [a.kind for a in reminders if a.task_id is None] == ["reminder"]
    late = datetime(deadline.year, deadline.month, deadline.day, 10, tzinfo=UTC) + timedelta(days=1)
    petition_deadlines.raise_alerts(ctx, late)
    assert petition_deadlines.raise_alerts(ctx, late) == 0  # once per deadline
    director = dept.staff("director")
    overdue = [a for a in petition_deadlines.list_alerts(ctx, director) if a.kind == "overdue"]
    assert overdue and {a.petition_id for a in overdue} == {p.id}
    assert all(a.title.startswith("Cảnh báo quá hạn") for a in overdue)
    assert any(a.task_id is None for a in overdue)  # the petition's own deadline
    assert any(a.task_id is not None for a in overdue)  # and the unit's draft, long overdue
    read = petition_deadlines.mark_read(ctx, director, overdue[0].id)
    assert read.read_at is not None and overdue[0].id not in {a.id for a in petition_deadlines.list_alerts(
        ctx, director)}
    assert petitions.get(ctx, director, p.id).deadline_at is not None
    assert uuid.UUID(int=0) not in {a.petition_id for a in overdue}
    with ctx.uow(write=False) as uow:  # the petition's own overdue alert is also mailed to the director, once
        mailed = uow.session.execute(select(Notification.kind, Notification.recipient, Notification.status).where(
            Notification.petition_id == p.id, Notification.kind.like("deadline_%"))).all()
    assert [(k, r) for k, r, _status in mailed if k == "deadline_overdue"] == [
        ("deadline_overdue", "giamdoc@sokhcn.example.vn")]
    assert all(status != "digest" for k, _r, status in mailed if k == "deadline_overdue")  # urgent: not in a digest
