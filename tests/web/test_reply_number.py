"""The written reply's number is the department's to give when the director signs it: the drafting unit
is not asked for one, the page says where it comes from, and the reply takes the agency's own series."""

from __future__ import annotations

import json

from service.documents import layout, templates
from service.web.formrender import fields
from tests.web.conftest import ROOT


def test_the_unit_is_not_asked_for_a_number_and_is_told_why() -> None:
    form = json.loads((ROOT / "bpmn" / "forms" / "petition_draft_written_reply.form.json").read_text(encoding="utf-8"))
    drawn = {f.key: f for f in fields(form, {})}
    assert "reply_document_no" not in drawn
    assert "khi Giám đốc ký ban hành" in drawn["written_reply"].hint


def test_the_reply_is_numbered_in_the_agency_series_not_the_office_one() -> None:
    reply = templates.load("written_reply", ROOT / "bpmn" / "documents")
    values = {"agency_abbr": "SKHCN", "drafting_unit_abbr": layout.unit_abbreviation("Phòng Quản lý khoa học")}
    assert layout.fill(reply.symbol, values) == "SKHCN-QLKH"  # the unit that drafted it
    assert layout.fill(reply.series, values) == "CV-SKHCN"  # one series for the department's letters
    assert layout.unit_abbreviation("Văn phòng Sở") == "VP" and layout.unit_abbreviation("Thanh tra Sở") == "TTr"
