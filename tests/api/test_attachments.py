"""A petition's files through the API: uploaded as multipart, listed with a download link, handed out
as downloads with safe headers, refused by content and size (RFC 7807), 404 on a confidential petition
to those not handling it, and every upload and download on the audit trail."""

from __future__ import annotations

import io
import os
from dataclasses import replace
from typing import Any
from urllib.parse import unquote

from flask import Flask
from sqlalchemy import select

from service.store.tables import AuditEvent
from service.usecases.context import Context
from tests.api.conftest import problem_of
from tests.conftest import deploy_sample

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + os.urandom(3000) + b"\n%%EOF\n"
PETITION = {"source": "citizen", "field": "science", "title": "Đèn đường hỏng", "content": "Đèn hỏng đã lâu."}


def _upload(client: Any, petition_id: str, data: bytes, name: str, **form: str) -> Any:
    return client.post(f"/api/v1/petitions/{petition_id}/attachments", json=None,
                       data={"file": (io.BytesIO(data), name), **form}, content_type="multipart/form-data")


def test_a_file_is_uploaded_listed_and_downloaded_byte_for_byte(app: Flask, ctx: Context, as_role: Any) -> None:
    deploy_sample(ctx, "petition.bpmn")
    reception = as_role("reception")
    sent = reception.post("/api/v1/petitions", json=PETITION).json or {}
    added = _upload(reception, sent["id"], PDF, "Đơn scan.pdf")
    assert added.status_code == 201, added.get_data(as_text=True)
    item = added.json or {}
    assert item["name"] == "Đơn scan.pdf" and item["size"] == len(PDF) and item["content_type"] == "application/pdf"
    listed = as_role("director").get(f"/api/v1/petitions/{sent['id']}/attachments")
    assert listed.status_code == 200
    [shown] = listed.json or []
    assert {"name", "size", "content_type", "download_url"} <= set(shown) and shown["id"] == item["id"]
    got = as_role("director").get(shown["download_url"])
    assert got.status_code == 200 and got.data == PDF
    assert got.headers["Content-Type"] == "application/pdf"
    disposition = got.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="Don_scan.pdf"; filename*=UTF-8\'\'')
    assert unquote(disposition.split("''", 1)[1]) == "Đơn scan.pdf"
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'none'" in got.headers["Content-Security-Policy"]
    assert "sandbox" in got.headers["Content-Security-Policy"]
    with ctx.uow(write=False) as uow:
        kinds = [e.event_type for e in uow.session.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars()]
    assert "attachment_uploaded" in kinds and kinds[-1] == "attachment_downloaded"


def test_html_named_pdf_and_oversized_files_are_refused_as_problems(app: Flask, ctx: Context, as_role: Any) -> None:
    deploy_sample(ctx, "petition.bpmn")
    reception = as_role("reception")
    sent = reception.post("/api/v1/petitions", json=PETITION).json or {}
    html = problem_of(_upload(reception, sent["id"], b"<html><script>alert(1)</script></html>", "letter.pdf"), 422)
    assert html["errors"][0]["field"] == "attachments" and "HTML" in html["detail"]
    ctx.settings = replace(ctx.settings, max_attachment_bytes=1000)
    big = problem_of(_upload(reception, sent["id"], PDF, "big.pdf"), 422)
    assert "too large" in big["detail"] and "1000" in big["detail"]
    problem_of(reception.post(f"/api/v1/petitions/{sent['id']}/attachments", data={},
                              content_type="multipart/form-data"), 422)
    assert reception.get(f"/api/v1/petitions/{sent['id']}/attachments").json == []


def test_a_confidential_petitions_files_are_404_to_the_unentitled(app: Flask, ctx: Context, as_role: Any) -> None:
    deploy_sample(ctx, "petition.bpmn")
    reception = as_role("reception")
    sent = reception.post("/api/v1/petitions", json={**PETITION, "confidential": True}).json or {}
    item = _upload(reception, sent["id"], PDF, "to-cao.pdf").json or {}
    assert reception.get(item["download_url"]).data == PDF
    infocenter = as_role("infocenter")
    problem_of(infocenter.get(f"/api/v1/petitions/{sent['id']}/attachments"), 404)
    problem_of(infocenter.get(item["download_url"]), 404)
    problem_of(_upload(infocenter, sent["id"], PDF, "x.pdf"), 404)
    assert as_role("director").get(item["download_url"]).data == PDF
    auditor = as_role("auditor")
    problem_of(_upload(auditor, sent["id"], PDF, "x.pdf"), 403)


def test_a_signed_copy_is_attached_to_its_document(app: Flask, ctx: Context, as_role: Any) -> None:
    deploy_sample(ctx, "petition.bpmn")
    office = as_role("office")
    sent = office.get("/api/v1/petitions").json
    sent = as_role("reception").post("/api/v1/petitions", json=PETITION).json or {}
    [receipt] = office.get(f"/api/v1/petitions/{sent['id']}/documents").json or []
    added = _upload(office, sent["id"], PDF, "bien-nhan-da-ky.pdf", document_id=receipt["id"])
    assert added.status_code == 201, added.get_data(as_text=True)
    assert (added.json or {})["document_id"] == receipt["id"]
    other = as_role("reception").post("/api/v1/petitions", json=PETITION).json or {}
    problem_of(_upload(office, other["id"], PDF, "x.pdf", document_id=receipt["id"]), 404)


def test_the_openapi_document_describes_the_multipart_upload(app: Flask) -> None:
    spec = app.test_client().get("/api/v1/openapi.json").json or {}
    post = spec["paths"]["/api/v1/petitions/{petition_id}/attachments"]["post"]
    body = post["requestBody"]["content"]["multipart/form-data"]["schema"]
    schema = spec["components"]["schemas"][body["$ref"].rsplit("/", 1)[1]]
    assert {"file", "task_id", "document_id"} <= set(schema["properties"]) and schema["required"] == ["file"]
    assert schema["properties"]["file"]["format"] == "binary"
    assert "/api/v1/petitions/{petition_id}/attachments/{attachment_id}" in spec["paths"]
