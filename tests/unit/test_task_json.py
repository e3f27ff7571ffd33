"""The completion's answer written by hand is exactly what `CompletionSchema` (the documented shape) dumps."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from service.api.schemas.tasks import CompletionSchema
from service.api.task_json import completion_fields
from service.usecases.projection import TaskInfo
from service.usecases.task_queries import TaskRow
from service.usecases.tasks import Completion

AT = datetime(2026, 3, 4, 5, 6, 7, 890123, tzinfo=UTC)


def _row(**changes: object) -> TaskRow:
    values: dict[str, object] = dict(
        id=uuid.uuid4(), instance_id=uuid.uuid4(), instance_version=7, business_key="DEMO-2026-00012",
        element_id="review_draft", name="Duyệt dự thảo, chọn cách trả lời", lane="director", unit_code="science",
        form_key="review.json", assignee="giamdoc", status="completed", due_at=AT + timedelta(days=3),
        created_at=AT, completed_at=AT + timedelta(hours=1), completed_by="giamdoc", overdue=False)
    values.update(changes)
    return TaskRow(**values)  # type: ignore[arg-type]


def _next(**changes: object) -> TaskInfo:
    values: dict[str, object] = dict(
        id=uuid.uuid4(), instance_id=uuid.uuid4(), element_id="notify", name="Thông báo kết quả", lane="office",
        form_key="notice.json", assignee=None, status="ready", due_at=None, created_at=AT)
    values.update(changes)
    return TaskInfo(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize("done", [
    Completion(_row(), "running", (_next(), _next(lane=None, form_key=None))),
    Completion(_row(business_key=None, lane=None, unit_code=None, form_key=None, assignee=None, due_at=None,
                    completed_at=None, completed_by=None, status="ready", overdue=True), "completed", ()),
    Completion(_row(created_at=datetime(2026, 1, 1, tzinfo=UTC), due_at=datetime(2026, 1, 2, 3, 4, 5)),
               "suspended", (_next(name="<b>x</b> & \"y\""),)),
])
def test_the_hand_written_answer_is_the_schemas(done: Completion) -> None:
    assert completion_fields(done) == CompletionSchema().dump(done)
