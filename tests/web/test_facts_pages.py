"""A date or link that cannot be true comes back beside its field, in Vietnamese."""

from __future__ import annotations

from flask import Flask

from service.domain import petitions
from service.usecases.context import Context
from tests.e2e.helpers import ready_task
from tests.web.conftest import INTAKE, actor, csrf, signed_in


def _field(html: str, key: str) -> str:
    return html.split(f'data-key="{key}"')[1].split("</div>")[0]


def test_received_date_in_the_future_is_refused_beside_the_field(web: tuple[Flask, Context]) -> None:
    app, ctx = web
    info = petitions.submit(ctx, actor(ctx, "tiepnhan"), INTAKE)
    assert info.instance_id is not None
    task_id = ready_task(ctx, info.instance_id, "intake")
    client = signed_in(app, "tiepnhan")
    page = client.get(f"/tasks/{task_id}").text
    data = {"csrf_token": csrf(page), **{f"f.{k}": v for k, v in INTAKE.items()}, "f.received_on": "2031-01-05"}
    refused = client.post(f"/tasks/{task_id}/complete", data=data)
    assert refused.status_code == 422
    assert "Ngày này không được sau ngày hôm nay." in _field(refused.text, "received_on")


def test_dialogue_in_a_past_year_is_refused_beside_the_date(web: tuple[Flask, Context]) -> None:
    client = signed_in(web[0], "vanphong")
    token = csrf(client.get("/dialogues").text)
    refused = client.post("/dialogues", data={"csrf_token": token, "kind": "periodic", "title": "Đối thoại",
                                              "quarter": "2", "planned_on": "2019-05-10"})
    assert refused.status_code == 422
    beside = refused.text.split('data-field="planned_on">')[1].split("</p>")[0]
    assert beside.startswith("Ngày này thuộc năm trước năm")
