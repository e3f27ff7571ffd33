"""The notification endpoints: a user's preference, an account's address (admins), the outbox (admins)."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from service.domain import petitions
from service.usecases.context import Actor, Context
from tests.api.conftest import problem_of
from tests.conftest import deploy_sample


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_preference_address_and_outbox_over_the_api(app: Flask, ctx: Context, as_role: Any) -> None:
    office = as_role("office")
    assert office.get("/api/v1/notifications/preferences").json["mode"] == "digest"
    saved = office.post("/api/v1/notifications/preferences", json={"mode": "immediate"})
    assert saved.status_code == 200 and saved.json["mode"] == "immediate"
    assert "mode" in str(problem_of(office.post("/api/v1/notifications/preferences", json={"mode": "weekly"}), 422))

    admin = as_role("admin")
    username = office.get("/api/v1/notifications/preferences").json["username"]
    done = admin.post(f"/api/v1/notifications/users/{username}/email", json={"email": "van.phong@so.example.vn"})
    assert done.status_code == 200 and done.json["email"] == "van.phong@so.example.vn"
    assert office.get("/api/v1/notifications/preferences").json["email"] == "van.phong@so.example.vn"
    problem_of(admin.post(f"/api/v1/notifications/users/{username}/email", json={"email": "not an address"}), 422)

    for diagram in ("petition.bpmn", "dialogue.bpmn", "periodic_report.bpmn"):
        deploy_sample(ctx, diagram)
    info = petitions.submit(ctx, Actor("tiepnhan", "demo", frozenset({"reception"})), {
        "source": "citizen", "channel": "reception", "field": "science", "title": "Đề nghị hỗ trợ",
        "content": "…", "petitioner_name": "Lê Thị Mai", "petitioner_contact": "mai.le@example.vn"})
    box = admin.get("/api/v1/notifications/outbox?status=not_configured").json
    assert box["channels"] == [] and box["counts"]["not_configured"] >= 1
    [receipt] = [i for i in box["items"] if i["kind"] == "document:receipt"]
    assert receipt["recipient"] == "mai.le@example.vn" and info.tracking_code in receipt["subject"]
    problem_of(admin.post(f"/api/v1/notifications/{receipt['id']}/retry"), 409)  # only a failed one is retried
    problem_of(office.get("/api/v1/notifications/outbox"), 403)
