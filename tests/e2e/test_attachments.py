"""Files in the browser: a citizen sends a scanned letter with the public form, the unit adds evidence on
its task page, and the director downloads both from the petition page, byte for byte."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import select

from service.domain import web_tasks
from service.store.petition_tables import Petition
from service.usecases import sessions, tasks
from tests.dates import service_today
from tests.e2e.conftest import UNIT_USER, Console, Live, shot
from tests.e2e.helpers import check_vietnamese, ready_task

LETTER = b"%PDF-1.4\n% thu cua cong dan\n" + os.urandom(4000) + b"\n%%EOF\n"
EVIDENCE = b"\x89PNG\r\n\x1a\n" + os.urandom(3000)
TITLE = "Đề nghị kiểm tra cơ sở kinh doanh (kèm bản scan)"


def _carry_to_the_unit(live: Live) -> tuple[str, Any]:
    """Reception, the Inspectorate and the director do their steps; the unit science drafts next."""
    ctx = live.ctx
    with ctx.uow(write=False) as uow:
        p = uow.session.execute(select(Petition).where(Petition.title == TITLE)).scalar_one()
    assert p.instance_id is not None

    def who(username: str) -> Any:
        found = sessions.actor_for(ctx, username, "demo")
        assert found is not None
        return found

    tasks.complete(ctx, who("tiepnhan"), ready_task(ctx, p.instance_id, "intake"), {
        "source": "citizen", "channel": "electronic", "field": "science", "title": TITLE,
        "content": p.content, "petitioner_name": p.petitioner_name, "petition_type": "kien_nghi",
        "received_on": service_today().isoformat(),
        "confidential": False})
    web_tasks.complete(ctx, who("thanhtra"), ready_task(ctx, p.instance_id, "consolidate_inspectorate"),
                       {"field": "science", "urgency": "normal", "handling_result": "thu_ly"})
    tasks.complete(ctx, who("giamdoc"), ready_task(ctx, p.instance_id, "assign_unit"),
                   {"assigned_unit": "science", "draft_deadline": "P15D"})
    return str(p.id), ready_task(ctx, p.instance_id, "draft_answer")


def test_a_letter_and_evidence_reach_the_director(open_page: Any, live: Live, tmp_path: Path,
                                                  console: Console) -> None:
    citizen = open_page()
    citizen.goto("/public/petition")
    citizen.fill("#i-name", "Trần Văn Bình")
    citizen.select_option("#i-field", "science")
    citizen.fill("#i-title", TITLE)
    citizen.fill("#i-content", "Tôi gửi kèm bản scan đơn có chữ ký.")
    citizen.set_input_files("#i-files", files=[{"name": "Đơn có chữ ký.pdf", "mimeType": "application/pdf",
                                                 "buffer": LETTER}])
    shot(citizen, "attachments-public-form")
    citizen.click("[data-testid=public-form] button[type=submit]")
    citizen.wait_for_selector("[data-testid=tracking-code]")

    petition_id, task_id = _carry_to_the_unit(live)
    unit = open_page(UNIT_USER)
    unit.goto(f"/tasks/{task_id}")
    files = unit.locator("[data-testid=attachments]")
    assert "Đơn có chữ ký.pdf" in files.inner_text()
    unit.set_input_files("[data-testid=attach-input]", files=[{"name": "bang-chung.pdf", "mimeType": "image/png",
                                                               "buffer": EVIDENCE}])
    unit.click("[data-testid=attach-form] button[type=submit]")
    error = unit.locator("[data-testid=attach-form] .field-error")
    assert "có đuôi .pdf nhưng nội dung là tệp PNG" in error.inner_text()  # beside the field
    assert [e for e in console.errors if "422" in e]  # the refusal is answered 422, which the console reports
    console.errors[:] = [e for e in console.errors if "422" not in e]
    unit.set_input_files("[data-testid=attach-input]", files=[{"name": "Ảnh hiện trường.png",
                                                               "mimeType": "image/png", "buffer": EVIDENCE}])
    unit.click("[data-testid=attach-form] button[type=submit]")
    unit.wait_for_url(f"**/tasks/{task_id}?attached=1*")
    assert "Ảnh hiện trường.png" in unit.locator("[data-testid=attachments]").inner_text()
    check_vietnamese(unit)
    shot(unit, "attachments-unit-task")

    director = open_page("giamdoc")
    director.goto(f"/petitions/{petition_id}")
    links = director.locator("[data-testid=attachments] [data-testid=attachment-link]")
    assert links.all_inner_texts() == ["Đơn có chữ ký.pdf", "Ảnh hiện trường.png"]
    check_vietnamese(director)
    shot(director, "attachments-petition-page")
    for link, expected in zip(links.all(), (LETTER, EVIDENCE), strict=True):
        with director.expect_download() as download:
            link.click()
        saved = tmp_path / download.value.suggested_filename
        download.value.save_as(saved)
        assert saved.read_bytes() == expected
    assert download.value.suggested_filename == "Ảnh hiện trường.png"
