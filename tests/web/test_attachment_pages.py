"""Files on the pages: a citizen sends a scanned letter with the public form, a unit adds evidence on its
task, the director downloads from the petition page; a refused file is named beside the field in Vietnamese."""

from __future__ import annotations

import io
import re

from flask import Flask

from service.domain import attachments
from service.usecases.context import Context
from tests.web.conftest import INTAKE, actor, csrf, petition_at_draft, signed_in

PDF = b"%PDF-1.4\n" + bytes(range(256)) * 8 + b"\n%%EOF\n"


def test_the_public_form_takes_a_scanned_letter_and_refuses_html(web: tuple[Flask, Context]) -> None:
    app, _ctx = web
    client = app.test_client()
    form = client.get("/public/petition")
    assert 'enctype="multipart/form-data"' in form.text and 'name="attachments"' in form.text
    fields = {"source": "citizen", "field": "science", "title": "Đơn gửi kèm bản scan", "content": "Xem tệp.",
              "csrf_token": csrf(form.text)}
    refused = client.post("/public/petition", data={**fields, "attachments": (io.BytesIO(b"<html>x</html>"),
                                                                              "don.pdf")},
                          content_type="multipart/form-data")
    assert refused.status_code == 422
    field = refused.text.split('id="i-files"')[1].split("</div>")[0]
    assert "là trang web (HTML, XML hoặc SVG)" in field and 'class="field-error"' in field
    sent = client.post("/public/petition", data={**fields, "attachments": (io.BytesIO(PDF), "Đơn khiếu nại.pdf")},
                       content_type="multipart/form-data")
    assert sent.status_code == 303, sent.text


def test_a_unit_attaches_evidence_on_its_task_and_the_director_downloads_it(web: tuple[Flask, Context]) -> None:
    app, ctx = web
    info, task_id = petition_at_draft(ctx)
    unit = signed_in(app, "unit_science")
    page = unit.get(f"/tasks/{task_id}")
    assert 'data-testid="attach-form"' in page.text and "Chưa có tệp đính kèm." in page.text
    too_big = unit.post(f"/tasks/{task_id}/attachments", data={"csrf_token": csrf(page.text), "attachments": (
        io.BytesIO(b"\x89PNG\r\n\x1a\n" + bytes(20)), "anh.pdf")}, content_type="multipart/form-data")
    assert too_big.status_code == 422 and "có đuôi .pdf nhưng nội dung là tệp PNG" in too_big.text
    done = unit.post(f"/tasks/{task_id}/attachments", data={"csrf_token": csrf(page.text), "attachments": (
        io.BytesIO(PDF), "Chứng cứ.pdf")}, content_type="multipart/form-data")
    assert done.status_code == 302 and f"/tasks/{task_id}" in done.headers["Location"]
    assert "Chứng cứ.pdf" in unit.get(f"/tasks/{task_id}").text
    director = signed_in(app, "giamdoc")
    petition_page = director.get(f"/petitions/{info.id}").text
    section = petition_page.split('data-testid="attachments"')[1].split("</section>")[0]
    [link] = re.findall(r'href="([^"]+/attachments/[^"]+)"', section)
    got = director.get(link)
    assert got.status_code == 200 and got.data == PDF and got.mimetype == "application/pdf"
    assert got.headers["Content-Disposition"].startswith("attachment;")
    assert got.headers["X-Content-Type-Options"] == "nosniff" and "sandbox" in got.headers["Content-Security-Policy"]
    [item] = attachments.list_for_petition(ctx, actor(ctx, "giamdoc"), info.id)
    assert item.task_id == task_id and item.uploaded_by == "unit_science"


def test_the_signed_copy_of_a_document_is_attached_beside_it(web: tuple[Flask, Context]) -> None:
    app, ctx = web
    from service.domain import petitions

    info = petitions.submit(ctx, actor(ctx, "tiepnhan"), INTAKE)
    office = signed_in(app, "vanphong")
    page = office.get(f"/petitions/{info.id}").text
    documents = page.split('data-testid="issued-documents"')[1].split("</section>")[0]
    document_id = re.findall(r'name="document_id" value="([^"]+)"', documents)[0]
    done = office.post(f"/petitions/{info.id}/attachments", data={
        "csrf_token": csrf(page), "document_id": document_id,
        "attachments": (io.BytesIO(PDF), "Giấy biên nhận đã ký.pdf")}, content_type="multipart/form-data")
    assert done.status_code == 302, done.text
    again = office.get(f"/petitions/{info.id}").text
    documents = again.split('data-testid="issued-documents"')[1].split("</section>")[0]
    assert "Bản đã ký, đóng dấu:" in documents and "Giấy biên nhận đã ký.pdf" in documents


def test_the_audit_trail_names_uploads_and_downloads(web: tuple[Flask, Context]) -> None:
    app, ctx = web
    from service.domain import petitions

    info = petitions.submit(ctx, actor(ctx, "tiepnhan"), INTAKE, attachments=[attachments.Upload("a.pdf", PDF)])
    [item] = attachments.list_for_petition(ctx, actor(ctx, "giamdoc"), info.id)
    attachments.download(ctx, actor(ctx, "giamdoc"), info.id, item.id)
    auditor = signed_in(app, "kiemtoan")
    uploaded = auditor.get("/audit?type=attachment_uploaded").text
    downloaded = auditor.get("/audit?type=attachment_downloaded").text
    assert "<td>Đính kèm tệp</td>" in uploaded and "<td>Tải tệp đính kèm</td>" in downloaded


def test_the_task_form_takes_files_with_the_step(web: tuple[Flask, Context]) -> None:
    app, ctx = web
    info, task_id = petition_at_draft(ctx)
    unit = signed_in(app, "unit_science")
    page = unit.get(f"/tasks/{task_id}").text
    form = page.split('data-testid="task-form"')[1].split("</form>")[0]
    assert 'name="attachments"' in form
    version = re.search(r'name="version" value="(\d+)"', page)
    assert version
    fields = {"csrf_token": csrf(page), "version": version.group(1), "f.draft_answer": "Dự thảo trả lời kèm biên bản.",
              "f.proposed_solution": "", "f.legal_basis": ""}
    refused = unit.post(f"/tasks/{task_id}/complete", data={**fields, "attachments": (
        io.BytesIO(b"<svg xmlns='http://www.w3.org/2000/svg'/>"), "so-do.png")}, content_type="multipart/form-data")
    assert refused.status_code == 422
    beside = refused.text.split('data-testid="task-form"')[1].split("</form>")[0]
    assert "Tệp so-do.png" in beside and 'class="field-error"' in beside
    minutes = (io.BytesIO(PDF), "Biên bản họp.pdf")
    done = unit.post(f"/tasks/{task_id}/complete", data={**fields, "attachments": minutes},
                     content_type="multipart/form-data")
    assert done.status_code == 302, done.text
    found = attachments.list_for_petition(ctx, actor(ctx, "giamdoc"), info.id)
    assert [(a.name, a.task_id) for a in found] == [("Biên bản họp.pdf", task_id)]
