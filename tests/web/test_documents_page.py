"""The petition page lists its official documents in Vietnamese with their .docx and PDF downloads."""

from __future__ import annotations

import re

from flask import Flask

from service.domain import petitions
from service.usecases.context import Context
from tests.web.conftest import INTAKE, actor, signed_in


def test_the_petition_page_links_its_receipt_and_acceptance(web: tuple[Flask, Context]) -> None:
    app, ctx = web
    info = petitions.submit(ctx, actor(ctx, "tiepnhan"), {**INTAKE, "petitioner_name": "Đặng Thị Hồng"})
    page = signed_in(app, "giamdoc").get(f"/petitions/{info.id}")
    assert page.status_code == 200
    section = page.text.split('data-testid="issued-documents"')[1].split("</section>")[0]
    assert "Văn bản đã ban hành" in section and "GIẤY BIÊN NHẬN" in section and "Tải bản Word (.docx)" in section
    links = re.findall(r'href="([^"]+/documents/[^"]+)"', section)
    assert [link.rsplit(".", 1)[1] for link in links] == ["docx", "pdf"]
    client = signed_in(app, "giamdoc")
    pdf = client.get(links[1])
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.headers["Content-Disposition"].startswith("attachment;")
    assert client.get(links[0]).mimetype.endswith("wordprocessingml.document")
    assert signed_in(app, None).get(links[1]).status_code in (302, 401)  # nobody signed in: to the sign-in page
