"""The dialogue page: it offers the outcomes the conference's form declares (with their labels), refuses
a wrong one beside its item instead of sending the chair round again, shows each reader only the
actions they may take, reflects the new state after a submit, and lets the Office call a dialogue off."""

from __future__ import annotations

import re
import uuid

from flask import Flask

from service.domain import dialogues, petitions
from service.usecases import tasks
from service.usecases.context import Context
from tests.dates import service_today
from tests.e2e.helpers import deliver_messages, ready_task
from tests.web.conftest import actor, csrf, petition_at_draft, signed_in

EXPECTED = {  # outcome value -> the petition's next step, as petition.bpmn routes it
    "answered": "notify_results_inspectorate", "written_reply": "draft_written_reply",
    "beyond_competence": "escalate_superior", "failed": "record_minutes",
}
LABELS = {"answered": "Đã trả lời tại hội nghị", "written_reply": "Trả lời bằng văn bản sau hội nghị",
          "beyond_competence": "Vượt thẩm quyền, báo cáo cấp trên", "failed": "Đối thoại không thành"}


def awaiting_dialogue(ctx: Context, title: str) -> petitions.PetitionInfo:
    info, draft = petition_at_draft(ctx, title=title)
    tasks.complete(ctx, actor(ctx, "unit_science"), draft, {"draft_answer": f"Dự thảo: {title}"})
    assert info.instance_id is not None
    tasks.complete(ctx, actor(ctx, "giamdoc"), ready_task(ctx, info.instance_id, "review_draft"),
                   {"review_decision": "approve", "answer_mode": "dialogue"})
    assert petitions.get(ctx, actor(ctx, "vanphong"), info.id).stage == "awaiting_dialogue"
    return info


def dialogue_at_conference(ctx: Context, agenda: list[petitions.PetitionInfo]) -> dialogues.DialogueInfo:
    office = actor(ctx, "vanphong")
    quarter = (service_today().month - 1) // 3 + 1  # the planned date (today) must fall within it
    d = dialogues.create(ctx, office, "periodic", f"Đối thoại {uuid.uuid4().hex[:6]}", quarter=quarter)
    assert d.instance_id is not None
    today = service_today().isoformat()
    tasks.complete(ctx, office, ready_task(ctx, d.instance_id, "plan_periodic"),
                   {"planned_quarter": f"Q{quarter}", "planned_date": today})
    dialogues.set_agenda(ctx, office, d.id, [p.id for p in agenda], "Giám đốc Sở")
    tasks.complete(ctx, office, ready_task(ctx, d.instance_id, "issue_invitations"), {
        "invitees": "Đại diện người dân", "venue": "Hội trường Sở", "invitations_sent_on": today,
        "petitioners_notified": True, "venue_ready": True})
    tasks.complete(ctx, actor(ctx, "ttthongtin"), ready_task(ctx, d.instance_id, "publish_plan"),
                   {"plan_url": "https://so.gov.vn/dt", "plan_published_on": today})
    return d


def _options(html: str, code: str) -> list[tuple[str, str]]:
    select = re.search(rf'<select name="outcome\.[^"]+" data-testid="outcome-{code}"[^>]*>(.*?)</select>', html, re.S)
    assert select, "no outcome choice for " + code
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select.group(1))


def test_every_outcome_through_the_page_ends_where_the_diagram_says(web: tuple[Flask, Context]) -> None:
    app, ctx = web
    agenda = [awaiting_dialogue(ctx, f"Kiến nghị số {i}") for i, _ in enumerate(EXPECTED, 1)]
    d = dialogue_at_conference(ctx, agenda)
    page = f"/dialogues/{d.id}"

    office = signed_in(app, "vanphong").get(page).text
    assert 'data-testid="outcome-form"' not in office and 'data-testid="agenda-form"' not in office
    assert 'data-testid="cancel-form"' in office  # not held yet: the Office may call it off
    chair = signed_in(app, "giamdoc")
    listing = chair.get("/tasks").text  # the conference is named by its dialogue, not by a UUID
    assert f'href="/dialogues/{d.id}" data-testid="task-dialogue">Đối thoại (Định kỳ): {d.title}</a>' in listing
    assert d.instance_id is not None
    conference = ready_task(ctx, d.instance_id, "hold_conference")
    task_page = chair.get(f"/tasks/{conference}").text
    assert 'data-testid="dialogue-step"' in task_page and 'data-testid="task-form"' not in task_page
    html = chair.get(page).text
    assert 'data-testid="outcome-form"' in html
    offered = _options(html, agenda[0].code)
    assert [v for v, _ in offered] == ["", *EXPECTED]  # exactly the form's values, in its order
    assert [label for v, label in offered if v] == [LABELS[v] for v in EXPECTED]

    form = {"csrf_token": csrf(html), "held_on": service_today().isoformat(), "minutes": "Biên bản hội nghị.",
            "item": [str(p.id) for p in agenda]}
    form |= {f"outcome.{p.id}": value for p, value in zip(agenda, EXPECTED, strict=True)}
    form |= {f"note.{p.id}": f"Kết luận {p.code}" for p in agenda}
    wrong = chair.post(f"{page}/outcomes", data=form | {f"outcome.{agenda[3].id}": "dialogue_failed"})
    assert wrong.status_code == 422 and "Hãy chọn một trong các phương án." in wrong.text
    assert "Biên bản hội nghị." in wrong.text  # what was typed is kept
    assert dialogues.get(ctx, actor(ctx, "giamdoc"), d.id).status == "planning"  # no loop: nothing was recorded

    done = chair.post(f"{page}/outcomes", data=form)
    assert done.status_code == 302 and done.headers["Location"] == page
    after = chair.get(page).text
    assert 'data-testid="outcome-form"' not in after and 'data-testid="cancel-form"' not in after
    assert deliver_messages(ctx) == len(agenda)
    for p, value in zip(agenda, EXPECTED, strict=True):
        assert petitions.get(ctx, actor(ctx, "vanphong"), p.id).stage == EXPECTED[value]

    printed = chair.get(f"{page}/print").text
    for p, value in zip(agenda, EXPECTED, strict=True):
        cell = re.search(rf'data-testid="outcome-of-{p.code}">([^<]*)<', printed)
        assert cell and cell.group(1) == LABELS[value]
    assert "failed:" not in printed and "beyond_competence" not in printed


def test_the_office_calls_a_dialogue_off_and_its_petitions_wait_again(web: tuple[Flask, Context]) -> None:
    app, ctx = web
    waiting = awaiting_dialogue(ctx, "Kiến nghị chờ đối thoại khác")
    d = dialogue_at_conference(ctx, [waiting])
    page = f"/dialogues/{d.id}"
    office = signed_in(app, "vanphong")
    html = office.get(page).text
    refused = office.post(f"{page}/cancel", data={"csrf_token": csrf(html), "reason": "  "})
    assert refused.status_code == 422 and "Ghi rõ lý do" in refused.text
    assert 'data-testid="cancel-form"' not in signed_in(app, "thanhtra").get(page).text
    done = office.post(f"{page}/cancel", data={"csrf_token": csrf(html), "reason": "Hoãn theo chỉ đạo của UBND tỉnh"})
    assert done.status_code == 302 and done.headers["Location"] == page
    after = office.get(page).text
    assert 'data-testid="cancel-form"' not in after and "Đã hủy" in after
    assert petitions.get(ctx, actor(ctx, "vanphong"), waiting.id).dialogue_id is None
    assert petitions.get(ctx, actor(ctx, "vanphong"), waiting.id).stage == "awaiting_dialogue"
    assert dialogues.get(ctx, actor(ctx, "vanphong"), d.id).status == "cancelled"
    trail = signed_in(app, "kiemtoan").get("/api/v1/audit?event_type=dialogue_cancelled&limit=100").json or {}
    reasons = [e["data"]["reason"] for e in trail["items"] if e["data"].get("dialogue_id") == str(d.id)]
    assert reasons == ["Hoãn theo chỉ đạo của UBND tỉnh"]
    again = awaiting_dialogue(ctx, "Kiến nghị sau khi hủy")  # the released petition may go on another agenda
    dialogue_at_conference(ctx, [waiting, again])
