"""The intake task does not guess the petition's type: the receiver chooses it, and is told beside the
field when they have not."""

from __future__ import annotations

import re

from flask import Flask

from service.domain import petitions
from service.usecases.context import Context
from tests.dates import service_today
from tests.e2e.helpers import ready_task
from tests.web.conftest import INTAKE, actor, csrf, signed_in


def _type_select(page: str) -> str:
    found = re.search(r'<select[^>]*name="f\.petition_type".*?</select>', page, re.S)
    assert found, "the intake form has no petition type"
    return found.group(0)


def test_the_petition_type_starts_empty_and_must_be_chosen(web: tuple[Flask, Context]) -> None:
    app, ctx = web
    untyped = {k: v for k, v in INTAKE.items() if k != "petition_type"}
    info = petitions.submit(ctx, actor(ctx, "tiepnhan"), {**untyped, "title": "Đơn chưa phân loại"})
    step = ready_task(ctx, info.instance_id, "intake")
    client = signed_in(app, "tiepnhan")
    page = client.get(f"/tasks/{step}").text
    assert " selected" not in _type_select(page)  # no type is preset
    fields = {f"f.{k}": v for k, v in untyped.items()} | {"f.received_on": service_today().isoformat()}
    refused = client.post(f"/tasks/{step}/complete", data={**fields, "csrf_token": csrf(page)})
    assert refused.status_code == 422
    beside = refused.text.split('name="f.petition_type"')[1].split('name="f.')[0]
    assert "Trường này bắt buộc nhập." in beside, beside
    done = client.post(f"/tasks/{step}/complete", data={**fields, "f.petition_type": "khieu_nai",
                                                       "csrf_token": csrf(page)})
    assert done.status_code == 302, done.text
