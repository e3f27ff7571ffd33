"""Data entered once is carried forward, the same thing has the same limit everywhere, and nothing
is ever cut silently."""

from __future__ import annotations

import json
from datetime import date
from zoneinfo import ZoneInfo

from flask import Flask

from service.domain import dialogues, petitions
from service.store.petition_tables import Dialogue
from service.usecases import tasks
from service.usecases.context import Context
from tests.dates import service_today
from tests.e2e.helpers import ready_task
from tests.web.conftest import INTAKE, ROOT, actor, csrf, petition_at_draft, signed_in


def test_the_intake_task_starts_with_what_was_received(web: tuple[Flask, Context]) -> None:
    app, ctx = web
    info = petitions.submit(ctx, actor(ctx, "tiepnhan"), {**INTAKE, "title": "Đề nghị về cà phê",
                                                         "petitioner_contact": "0912 000 111"})
    step = ready_task(ctx, info.instance_id, "intake")
    page = signed_in(app, "tiepnhan").get(f"/tasks/{step}").text
    assert 'value="Đề nghị về cà phê"' in page and ">Nội dung thử</textarea>" in page
    local_day = info.submitted_at.astimezone(ZoneInfo(ctx.settings.timezone)).date()
    assert 'value="0912 000 111"' in page and f'value="{local_day.isoformat()}"' in page  # the day received


def test_one_limit_for_each_petition_field_and_no_browser_cuts(web: tuple[Flask, Context]) -> None:
    app, _ctx = web
    form = json.loads((ROOT / "bpmn" / "forms" / "petition_intake.form.json").read_text(encoding="utf-8"))
    declared = {c["key"]: c.get("validate", {}).get("maxLength") for c in form["components"] if c.get("key")}
    for key in ("title", "content", "petitioner_name", "petitioner_contact"):
        assert declared[key] == petitions.LIMITS[key], key
    for path in ("/petitions/new", "/submit"):
        client = signed_in(app, "tiepnhan") if path == "/petitions/new" else app.test_client()
        page = client.get(path)
        if page.status_code == 200:
            assert " maxlength=" not in page.text  # a browser cuts a paste at maxlength without a word


def test_a_text_too_long_is_refused_with_its_length_and_kept(web: tuple[Flask, Context]) -> None:
    app, ctx = web
    _info, step = petition_at_draft(ctx)
    client = signed_in(app, "unit_science")
    page = client.get(f"/tasks/{step}").text
    assert " maxlength=" not in page
    answer = client.post(f"/tasks/{step}/complete", data={"f.draft_answer": "a" * 12600, "csrf_token": csrf(page)})
    assert answer.status_code == 422
    assert "Tối đa 10000 ký tự; nội dung này có 12600 ký tự." in answer.text
    assert "a" * 12600 in answer.text
    recorded = signed_in(app, "tiepnhan")
    refused = recorded.post("/petitions/new", data={**INTAKE, "content": "b" * 20001,
                                                   "csrf_token": csrf(recorded.get("/petitions/new").text)})
    assert refused.status_code == 422 and "Tối đa 20000 ký tự; nội dung này có 20001 ký tự." in refused.text


def test_the_assignment_starts_at_the_proposed_unit(web: tuple[Flask, Context]) -> None:
    app, ctx = web
    info = petitions.submit(ctx, actor(ctx, "tiepnhan"), {**INTAKE, "field": "ip"})
    tasks.complete(ctx, actor(ctx, "tiepnhan"), ready_task(ctx, info.instance_id, "intake"), {
        **INTAKE, "field": "ip", "received_on": service_today().isoformat(), "confidential": False})
    tasks.complete(ctx, actor(ctx, "thanhtra"), ready_task(ctx, info.instance_id, "consolidate_inspectorate"),
                   {"field": "ip", "urgency": "urgent", "handling_result": "thu_ly"})
    page = signed_in(app, "giamdoc").get(f"/tasks/{ready_task(ctx, info.instance_id, 'assign_unit')}").text
    assert '<option value="ip" selected>' in page  # route_petition.dmn's proposal
    assert '<option value="P10D" selected>' in page  # classify_petition.dmn: a recommendation's draft, the plan's days


def test_a_dialogue_keeps_its_date_and_venue(web: tuple[Flask, Context]) -> None:
    app, ctx = web
    made = dialogues.create(ctx, actor(ctx, "vanphong"), "periodic", "Đối thoại quý III", quarter=3,
                            planned_on=date(2026, 8, 27), venue="Hội trường tầng 3")
    page = signed_in(app, "vanphong").get(f"/dialogues/{made.id}").text
    assert "Hội trường tầng 3" in page.split('data-testid="dialogue-venue"')[1][:80]
    step = ready_task(ctx, made.instance_id, "plan_periodic")
    task_page = signed_in(app, "vanphong").get(f"/tasks/{step}").text
    assert 'value="2026-08-27"' in task_page and '<option value="Q3" selected>' in task_page
    tasks.complete(ctx, actor(ctx, "vanphong"), step, {"planned_quarter": "Q4", "planned_date": "2026-11-20"})
    with ctx.uow(write=False) as uow:
        row = uow.session.get_one(Dialogue, made.id)
        assert (row.quarter, row.planned_on, row.venue) == (4, date(2026, 11, 20), "Hội trường tầng 3")
