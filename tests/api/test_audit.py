"""The audit endpoints: tampering found by verify, exports safe against formula injection."""

from __future__ import annotations

import csv
import io
import json

import pytest
from flask import Flask
from sqlalchemy import select, text

from service.store.tables import AuditEvent
from service.usecases.context import Context
from tests.api.conftest import Api, problem_of
from tests.conftest import deploy_sample


def _drop_triggers(ctx: Context) -> None:
    with ctx.db.engine.begin() as conn:
        on = " ON audit_events" if conn.dialect.name == "postgresql" else ""
        for action in ("update", "delete"):
            conn.execute(text(f"DROP TRIGGER audit_events_no_{action}{on}"))


def test_edited_row_is_named_by_verify(app: Flask, ctx: Context) -> None:
    deploy_sample(ctx)
    office, auditor = Api(app, "vanphong"), Api(app, "kiemtoan")
    started = office.post("/api/v1/instances", json={"model_key": "intake_review", "data": {"petition_id": "KN-9"}})
    instance_id = (started.json or {})["instance"]["id"]
    assert (auditor.get("/api/v1/audit/verify").json or {})["ok"] is True
    with ctx.uow(write=False) as uow:
        target = uow.session.execute(select(AuditEvent.id).where(
            AuditEvent.event_type == "instance_started")).scalar_one()
    _drop_triggers(ctx)
    with ctx.db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_events SET actor = 'mallory' WHERE id = :id"), {"id": target})
    result = auditor.get("/api/v1/audit/verify")
    assert result.status_code == 200
    body = result.json or {}
    assert body["ok"] is False and body["broken_event_id"] == target
    assert body["broken_chain"] == f"instance:{instance_id}" and "altered" in body["reason"]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_export_streams_csv_and_jsonl(app: Flask, ctx: Context) -> None:
    deploy_sample(ctx)
    auditor = Api(app, "kiemtoan")
    formula = '=HYPERLINK("http://evil")'
    app.test_client().post("/api/v1/auth/login", json={"username": formula, "password": "whatever1"})
    exported = auditor.get("/api/v1/audit/export?format=csv")
    assert exported.status_code == 200 and exported.mimetype == "text/csv"
    assert exported.data.startswith("\ufeff".encode())  # Excel reads the Vietnamese as UTF-8
    rows = list(csv.DictReader(io.StringIO(exported.data.decode("utf-8-sig"))))
    failed = [r for r in rows if r["event_type"] == "login_failed"]
    assert failed and failed[0]["actor"] == "'" + formula
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row.values())
    lines = auditor.get("/api/v1/audit/export?format=jsonl&event_type=login_failed").get_data(as_text=True)
    events = [json.loads(line) for line in lines.splitlines()]
    assert [e["actor"] for e in events] == [formula]  # JSON is not a spreadsheet: kept as it was
    problem_of(Api(app, "quantri").get("/api/v1/audit/export"), 403)
    problem_of(auditor.get("/api/v1/audit/export?format=xlsx"), 422)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_audit_pages_by_keyset(app: Flask, ctx: Context) -> None:
    deploy_sample(ctx)
    office, auditor = Api(app, "vanphong"), Api(app, "kiemtoan")
    for n in range(3):
        office.post("/api/v1/instances", json={"model_key": "intake_review", "business_key": f"KN-{n}", "data": {}})
    seen: list[int] = []
    after = None
    while True:
        page = auditor.get("/api/v1/audit", query_string={"limit": 4, **({"after_id": after} if after else {})})
        body = page.json or {}
        seen += [e["id"] for e in body["items"]]
        after = body["next_after_id"]
        if after is None:
            break
    everything = (auditor.get("/api/v1/audit?limit=1000").json or {})["items"]
    assert seen == [e["id"] for e in everything] and len(seen) > 8
