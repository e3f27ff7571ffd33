"""Comments on a petition through the API: staff who may see it write and read them, the auditor
reads only, a long one is refused with its length, each is in the agency's audit trail; handlers
see the petitioner's contact and the earliest deadline, the public tracking page shows neither."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import select

from service.store.tables import AuditEvent
from service.usecases.context import Context
from tests.api.conftest import problem_of
from tests.conftest import deploy_sample


def test_comments_are_written_read_audited_and_never_cut(app: Flask, ctx: Context, as_role: Any) -> None:
    deploy_sample(ctx, "petition.bpmn")
    public = app.test_client()
    sent = public.post("/api/v1/petitions", json={
        "source": "citizen", "field": "science", "title": "Đèn đường", "content": "Đèn hỏng.",
        "petitioner_name": "Lê Thị B", "petitioner_contact": "0987 654 321, Chiềng Sinh"}).json or {}
    inspectorate, auditor = as_role("inspectorate"), as_role("auditor")
    petition = inspectorate.get(f"/api/v1/petitions/{sent['id']}").json or {}
    assert petition["petitioner_contact"] == "0987 654 321, Chiềng Sinh"
    assert "due_at" in petition
    tracked = public.get(f"/api/v1/public/petitions/{sent['tracking_code']}").json or {}
    assert "0987" not in str(tracked) and "petitioner_contact" not in tracked

    path = f"/api/v1/petitions/{sent['id']}/comments"
    written = inspectorate.post(path, json={"body": "  Đã gọi điện, hẹn gặp thứ Hai.  "})
    assert written.status_code == 201, written.get_data(as_text=True)
    assert (written.json or {})["body"] == "Đã gọi điện, hẹn gặp thứ Hai."
    assert (written.json or {})["author"] == "thanhtra"
    listed = auditor.get(path).json or []
    assert [c["body"] for c in listed] == ["Đã gọi điện, hẹn gặp thứ Hai."]
    problem_of(auditor.post(path, json={"body": "Không được."}), 403)
    long = problem_of(inspectorate.post(path, json={"body": "ý" * 5001}), 422)
    assert "5000" in long["detail"] and "5001" in long["detail"]
    problem_of(inspectorate.post(path, json={"body": "   "}), 422)
    problem_of(inspectorate.post(path, json={}), 422)
    assert len(inspectorate.get(path).json or []) == 1
    assert public.get(path).status_code == 401
    with ctx.uow(write=False) as uow:
        events = uow.session.execute(select(AuditEvent).where(AuditEvent.event_type == "petition_commented")).scalars()
        assert [(e.actor, e.data["body"], e.chain) for e in events] == [
            ("thanhtra", "Đã gọi điện, hẹn gặp thứ Hai.", "agency:demo")]
