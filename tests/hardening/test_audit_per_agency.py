"""Issue 16, point 13: the trail is checked per agency, from the last checkpoint on, by the worker
(periodically, sealing a checkpoint) or on demand; the auditor's page shows the last result."""

from __future__ import annotations

import json
import uuid

import pytest
from flask import Flask
from sqlalchemy import func, select, text

from service.store import checkpoint_log
from service.store.tables import AuditEvent, AuditVerification
from service.usecases import accounts, audit, audit_checks, instances
from service.usecases.context import Actor, Context
from service.worker import Worker
from tests.api.conftest import PASSWORD, Api
from tests.conftest import actor, deploy_sample

OFFICE = actor("office.user", "office")


def _start(ctx: Context, n: int) -> list[str]:
    return [str(instances.start_instance(ctx, OFFICE, "intake_review", {"n": i}).id) for i in range(n)]


def _drop_triggers(ctx: Context) -> None:
    with ctx.db.engine.begin() as conn:
        for action in ("update", "delete"):
            conn.execute(text(f"DROP TRIGGER audit_events_no_{action}"))


def test_p13_verification_is_per_agency_and_incremental(app: Flask, ctx: Context) -> None:
    deploy_sample(ctx)
    accounts.ensure_agency(ctx, "other", "Sở khác")
    accounts.add_user(ctx, Actor.system_actor("other"), "kiemtoan2", PASSWORD, ("auditor",), "other", "Kiểm toán 2")
    ids = _start(ctx, 3)
    sealed = audit_checks.checkpoint(ctx)
    assert sealed.written and all(r.ok for r in sealed.results.values())
    later = _start(ctx, 1)[0]
    with ctx.uow(write=False) as uow:
        new_events = uow.session.execute(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.instance_id == uuid.UUID(later))).scalar_one()
        total = uow.session.execute(select(func.count()).select_from(AuditEvent)).scalar_one()
    auditor = Api(app, "kiemtoan")
    body = auditor.get("/api/v1/audit/verify").json or {}
    assert body["ok"] is True and body["events_checked"] == new_events < total  # only what came since

    _drop_triggers(ctx)
    chain = audit.instance_chain(ids[0])
    with ctx.db.engine.begin() as conn:  # the newest event deleted and the head rolled back
        last_id, seq = conn.execute(text("SELECT id, seq FROM audit_events WHERE chain = :c ORDER BY seq DESC"),
                                    {"c": chain}).first() or (0, 0)
        conn.execute(text("DELETE FROM audit_events WHERE id = :id"), {"id": last_id})
        head = conn.execute(text("SELECT hash FROM audit_events WHERE chain = :c AND seq = :s"),
                            {"c": chain, "s": seq - 1}).scalar_one()
        conn.execute(text("UPDATE process_instances SET audit_seq = :s, audit_head = :h WHERE id = :id"),
                     {"s": seq - 1, "h": head, "id": ids[0].replace("-", "")})
    broken = auditor.get("/api/v1/audit/verify").json or {}
    assert broken["ok"] is False and broken["broken_chain"] == chain and "deleted" in broken["reason"]
    outsider = Api(app, "kiemtoan2").get("/api/v1/audit/verify")
    assert (outsider.json or {})["ok"] is True
    assert all(i not in outsider.get_data(as_text=True) for i in ids)  # another agency's ids are not told


def test_p13_auditor_page_shows_the_last_result_without_checking_again(
        app: Flask, ctx: Context, monkeypatch: pytest.MonkeyPatch) -> None:
    deploy_sample(ctx)
    _start(ctx, 2)
    auditor = Api(app, "kiemtoan")
    assert auditor.get("/audit").status_code == 200  # the first view: nothing recorded yet, checked once

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the page checked the trail again")

    monkeypatch.setattr(audit, "verify", refuse)
    monkeypatch.setattr(audit_checks, "verify_agency", refuse)
    monkeypatch.setattr(audit_checks, "verify_full", refuse)
    page = auditor.get("/audit")
    assert page.status_code == 200
    assert "Đã kiểm tra chuỗi băm" in page.get_data(as_text=True)


def test_p13_worker_checks_and_seals_periodically(ctx: Context) -> None:
    deploy_sample(ctx)
    _start(ctx, 2)
    worker = Worker(ctx)
    worker.run_once()
    path = checkpoint_log.log_path(ctx.settings)
    assert not path.exists()  # not due yet
    worker._next_checkpoint = 0.0  # the interval has passed
    worker.run_once()
    lines = path.read_text().splitlines()
    assert len(lines) == 1 and json.loads(lines[0])["n"] == 1
    with ctx.uow(write=False) as uow:
        rows = list(uow.session.execute(select(AuditVerification)).scalars())
    assert rows and all(r.ok and r.kind == "incremental" and r.checkpoint == 1 for r in rows)
    worker.run_once()
    assert len(path.read_text().splitlines()) == 1  # the next one waits for the interval


def test_p13_check_now_on_the_auditors_page_shows_a_new_result(app: Flask, ctx: Context) -> None:
    deploy_sample(ctx)
    ids = _start(ctx, 1)
    auditor = Api(app, "kiemtoan")
    assert "Đã kiểm tra chuỗi băm" in auditor.get("/audit").get_data(as_text=True)
    _drop_triggers(ctx)
    with ctx.db.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_events WHERE chain = :c"), {"c": audit.instance_chain(ids[0])})
    assert "Đã kiểm tra chuỗi băm" in auditor.get("/audit").get_data(as_text=True)  # the last result, as it was
    checked = auditor.post("/audit/verify")
    assert checked.status_code == 302
    page = auditor.get("/audit").get_data(as_text=True)
    assert "Nhật ký bị sai lệch" in page and ids[0] in page
    assert Api(app, "vanphong").post("/audit/verify").status_code == 403
