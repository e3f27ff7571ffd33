"""POST /api/v1/messages: a message from outside reaches the instance waiting for it, or a 404 says what is awaited."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from service.store.tables import AuditEvent
from service.usecases import audit, instances
from service.usecases.context import Context
from tests.api.conftest import problem_of
from tests.conftest import actor
from tests.integration.diagrams import deploy

OFFICE = actor("vanphong", "office")


def test_a_message_reaches_the_instance_waiting_with_its_correlation(ctx: Context, as_role: Any) -> None:
    deploy(ctx, "reply_receiver")
    other = instances.start_instance(ctx, OFFICE, "reply_receiver", {"petition_id": "KN-8"})
    waiting = instances.start_instance(ctx, OFFICE, "reply_receiver", {"petition_id": "KN-7"})
    client = as_role("office")
    answer = client.post("/api/v1/messages", json={
        "name": "reply", "correlations": {"petition_id": "KN-7"}, "payload": {"answer": "đồng ý"}})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert answer.json["instance"]["id"] == str(waiting.id) and answer.json["instance"]["status"] == "completed"
    assert answer.headers["ETag"]
    assert instances.get_instance(ctx, OFFICE, other.id).status == "running"
    with ctx.uow(write=False) as uow:
        delivered = list(uow.session.execute(select(AuditEvent.actor).where(
            AuditEvent.instance_id == waiting.id, AuditEvent.event_type == "message_delivered")).scalars())
        assert delivered == ["vanphong"] and audit.verify(uow.session).ok

    again = problem_of(client.post("/api/v1/messages", json={
        "name": "reply", "correlations": {"petition_id": "KN-7"}, "payload": {"answer": "x"}}), 404)
    assert "reply" in again["detail"]
    assert again["expected"] == [{"name": "reply", "correlations": {"petition": {"petition_id": "KN-8"}}}]


def test_a_message_is_checked_before_it_is_delivered(ctx: Context, as_role: Any) -> None:
    deploy(ctx, "reply_receiver")
    problem_of(as_role("office").post("/api/v1/messages", json={"correlations": {}}), 422)
    problem_of(as_role("designer").post("/api/v1/messages", json={"name": "reply"}), 403)


def test_the_message_endpoint_is_documented(as_role: Any) -> None:
    spec = as_role("office").get("/api/v1/openapi.json").json
    operation = spec["paths"]["/api/v1/messages"]["post"]
    assert {"200", "404"} <= set(operation["responses"])
