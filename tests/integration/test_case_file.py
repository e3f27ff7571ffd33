"""On SQLite and PostgreSQL: the director's deadline lands on the drafting task and the petition, and
the case file carries every decision and comment to whoever acts next."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from service.domain import case_file, comments, petitions
from service.store.tables import HumanTask
from service.usecases import accounts, clock, tasks
from service.usecases.context import Context
from tests.conftest import ADMIN, actor, deploy_sample

RECEPTION, INSPECTORATE = actor("tiepnhan", "reception"), actor("thanhtra", "inspectorate")
DIRECTOR, UNIT = actor("giamdoc", "director"), actor("donvi", "unit:science")
NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


def _ready(ctx: Context, instance_id: object, element: str) -> HumanTask:
    with ctx.uow(write=False) as uow:
        found = [t for t in uow.session.query(HumanTask).filter_by(instance_id=instance_id, status="ready")
                 if t.element_id == element]
    assert len(found) == 1, element
    return found[0]


def test_the_deadline_and_the_thread_reach_the_drafting_unit(ctx: Context, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "now", lambda: NOW)
    deploy_sample(ctx, "petition.bpmn")
    accounts.create_user(ctx, ADMIN, "donvi", "mật khẩu đủ dài", ["unit:science"])  # the unit has staff to assign
    info = petitions.submit(ctx, RECEPTION, {"source": "citizen", "field": "science", "title": "Giống cà phê",
                                             "content": "Đề nghị hỗ trợ.", "petitioner_name": "Lò Văn A",
                                             "petitioner_contact": "0912 345 678"})
    assert info.instance_id is not None and petitions.get(ctx, RECEPTION, info.id).due_at is None
    tasks.complete(ctx, RECEPTION, _ready(ctx, info.instance_id, "intake").id, {
        "source": "citizen", "channel": "electronic", "field": "science", "title": "Giống cà phê",
        "content": "Đề nghị hỗ trợ.", "petitioner_name": "Lò Văn A", "petition_type": "kien_nghi",
        "received_on": date(2026, 3, 2).isoformat()})
    tasks.complete(ctx, INSPECTORATE, _ready(ctx, info.instance_id, "consolidate_inspectorate").id, {
        "field": "science", "urgency": "urgent", "handling_result": "thu_ly",
        "consolidation_note": "Cần trả lời gấp."})
    tasks.complete(ctx, DIRECTOR, _ready(ctx, info.instance_id, "assign_unit").id, {
        "assigned_unit": "science", "draft_deadline": "P3D", "assignment_note": "Làm ngay."})
    drafting = _ready(ctx, info.instance_id, "draft_answer")
    assert drafting.due_at == NOW + timedelta(days=3)  # the director's three days, on the task
    assert petitions.get(ctx, UNIT, info.id).due_at == NOW + timedelta(days=3)  # and on the petition
    assert [p.due_at for p in petitions.list_petitions(ctx, INSPECTORATE)] == [NOW + timedelta(days=3)]

    comments.add(ctx, INSPECTORATE, info.id, "Đã báo người kiến nghị.")
    cf = case_file.of_instance(ctx, UNIT, info.instance_id)
    titles = [s.kind for s in cf.steps]
    assert titles == ["task", "task", "task", "comment"]
    notes = {n.key: n.value for s in cf.steps for n in s.notes}
    assert notes["consolidation_note"] == "Cần trả lời gấp." and notes["assignment_note"] == "Làm ngay."
    assert notes["comment"] == "Đã báo người kiến nghị."
    deadline = next(c for s in cf.steps for c in s.choices if c.key == "draft_deadline")
    assert (deadline.label, deadline.choice) == ("Thời hạn dự thảo trả lời (ngày làm việc)",
                                                "3 ngày làm việc / 3 working days")
    assert [d.key for d in cf.latest] == ["assignment_note"]
