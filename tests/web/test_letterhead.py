"""The demo department's letters carry a place and a governing body in their header, like a real Sở's."""

from __future__ import annotations

import io
import re
import zipfile

from flask import Flask

from service.documents import layout
from service.usecases.context import Context
from tests.web.conftest import petition_at_draft, signed_in


def test_a_name_with_its_province_gives_place_and_issuer() -> None:
    name = "Sở Khoa học và Công nghệ tỉnh Điện Biên (demo)"
    assert layout.province_of(name) == "Điện Biên"
    assert layout.issuer_of(name, "Điện Biên") == "SỞ KHOA HỌC VÀ CÔNG NGHỆ"
    assert layout.province_of("Sở Nội vụ") == ""


def test_the_demo_receipt_names_the_province_and_its_committee(web: tuple[Flask, Context]) -> None:
    app, ctx = web
    info, _step = petition_at_draft(ctx)
    client = signed_in(app, "tiepnhan")
    page = client.get(f"/petitions/{info.id}").text
    link = re.search(rf'href="(/petitions/{info.id}/documents/[0-9a-f-]+\.docx)"', page)
    assert link, "the petition page links no document"
    answer = client.get(link.group(1))
    assert answer.status_code == 200
    xml = zipfile.ZipFile(io.BytesIO(answer.data)).read("word/document.xml").decode("utf-8")
    text = "".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", xml))
    assert "UBND TỈNH ĐIỆN BIÊN" in text and "SỞ KHOA HỌC VÀ CÔNG NGHỆ" in text
    assert "Điện Biên, ngày" in text and "(DEMO)" not in text.upper() and "……, ngày" not in text
