"""What a petitioner is told is what the agency sent: the unit's written reply is not an answer until the
director signs it, so neither the register nor public tracking shows it before."""

from __future__ import annotations

from datetime import date

import pytest

from service.domain import petition_tracking
from service.usecases.context import Context
from tests.integration.department import Department, notify, prepare_for_review

PLAN = "000_sonla_khcn_2022.toml"


def test_the_written_reply_is_the_answer_only_once_signed(ctx: Context, monkeypatch: pytest.MonkeyPatch) -> None:
    dept = Department.from_plan(ctx, PLAN, monkeypatch)
    p = dept.submit(date(2022, 3, 1), "kien_nghi", source="citizen", field="science",
                    title="Kiến nghị về thủ tục cấp phép", content="Đề nghị rút ngắn thời gian cấp phép",
                    petitioner_name="Lò Văn Minh")
    prepare_for_review(dept, p, "science")
    dept.step(p, "review_draft", {"review_decision": "approve", "answer_mode": "written"})
    dept.step(p, "draft_written_reply", {"written_reply": "Sở trả lời: thời gian cấp phép rút còn 10 ngày."})
    unsigned = dept.petition(p)
    assert unsigned.answer is None
    public = petition_tracking.track(dept.ctx, unsigned.tracking_code)
    assert public.answer is None and public.outcome is None

    dept.step(p, "sign_written_reply", {"sign_decision": "sign", "signed_on": dept.today()})
    signed = dept.petition(p)
    assert signed.answer == "Sở trả lời: thời gian cấp phép rút còn 10 ngày."
    assert petition_tracking.track(dept.ctx, signed.tracking_code).answer == signed.answer
    notify(dept, p)  # the notice of results tells the petitioner the reply was sent: the reply stays the answer
    assert dept.petition(p).answer == "Sở trả lời: thời gian cấp phép rút còn 10 ngày."
