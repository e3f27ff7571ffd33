"""A petition's documents through the API: the receipt exists from the moment it is recorded, both
downloads come as attachments with their content type, and a confidential petition's are 404 to others."""

from __future__ import annotations

import io
from typing import Any

from docx import Document
from flask import Flask

from service.usecases.context import Context
from tests.api.conftest import problem_of
from tests.conftest import deploy_sample


def test_the_receipt_is_listed_and_downloaded_safely(app: Flask, ctx: Context, as_role: Any) -> None:
    deploy_sample(ctx, "petition.bpmn")
    public = app.test_client()
    sent = public.post("/api/v1/petitions", json={"source": "citizen", "field": "science", "title": "Đèn đường",
                                                  "content": "Đèn hỏng.", "petitioner_name": "Lê Thị Bích"}).json or {}
    office = as_role("office")
    listed = office.get(f"/api/v1/petitions/{sent['id']}/documents")
    assert listed.status_code == 200, listed.get_data(as_text=True)
    [receipt] = listed.json or []
    assert receipt["kind"] == "receipt" and receipt["number"].startswith("01/GBN-")  # a leading 0 below 10 (NĐ 30/2020)
    assert {"title", "issued_at", "docx_url", "pdf_url"} <= set(receipt)
    docx = office.get(receipt["docx_url"])
    assert docx.status_code == 200
    assert docx.headers["Content-Type"].startswith("application/vnd.openxmlformats-officedocument")
    assert docx.headers["Content-Disposition"].startswith("attachment;")
    assert docx.headers["X-Content-Type-Options"] == "nosniff"
    text = "\n".join(p.text for c in Document(io.BytesIO(docx.data)).tables[0]._cells for p in c.paragraphs)
    assert f"Số: {receipt['number']}" in text
    pdf = office.get(receipt["pdf_url"])
    assert pdf.status_code == 200 and pdf.headers["Content-Type"] == "application/pdf" and pdf.data[:4] == b"%PDF"
    assert pdf.headers["Content-Disposition"].startswith("attachment;")
    problem_of(office.get(receipt["pdf_url"].replace(".pdf", ".html")), 404)


def test_a_confidential_petitions_documents_are_404_to_the_unentitled(app: Flask, ctx: Context,
                                                                       as_role: Any) -> None:
    deploy_sample(ctx, "petition.bpmn")
    reception = as_role("reception")
    sent = reception.post("/api/v1/petitions", json={"source": "citizen", "field": "science", "title": "Tố cáo",
                                                     "content": "Nội dung mật.", "confidential": True}).json or {}
    mine = reception.get(f"/api/v1/petitions/{sent['id']}/documents").json or []
    assert [d["kind"] for d in mine] == ["receipt"]
    infocenter = as_role("infocenter")
    problem_of(infocenter.get(f"/api/v1/petitions/{sent['id']}/documents"), 404)
    problem_of(infocenter.get(mine[0]["pdf_url"]), 404)
