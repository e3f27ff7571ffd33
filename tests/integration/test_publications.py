"""Publication on the agency's public pages (issue 14 point 6): only what the information centre's
steps published, without names, contacts or confidential petitions, as pages, an Atom feed and JSON."""

from __future__ import annotations

import json
from datetime import date
from xml.etree import ElementTree as ET

import pytest
from flask.testing import FlaskClient

from service.app import create_app
from service.domain import dialogues, publications
from service.usecases.context import Context
from tests.integration.department import INVITATIONS, Department, finish_outcome, prepare_for_dialogue

ATOM = "{http://www.w3.org/2005/Atom}"
NAME, PHONE, MAIL = "Nguyễn Thị Hoà Bình", "0912 345 678", "hoabinh@example.vn"
SECRET_TITLE, SECRET_NAME = "Tố cáo cán bộ nhận tiền của dân", "Người tố cáo Đinh Văn Kín"


def _public(client: FlaskClient, agency: str) -> tuple[str, str, dict[str, object]]:
    page = client.get(f"/cong-khai/{agency}/")
    feed = client.get(f"/cong-khai/{agency}/feed.atom")
    data = client.get(f"/api/v1/public/agencies/{agency}/publications")
    assert page.status_code == feed.status_code == data.status_code == 200
    assert feed.content_type.startswith("application/atom+xml") and "public" in feed.headers["Cache-Control"]
    return page.get_data(as_text=True), feed.get_data(as_text=True), data.get_json()


def _no_personal_data(*texts: str) -> None:
    for text in texts:
        for secret in (NAME, PHONE, MAIL, "0912345678", SECRET_TITLE, SECRET_NAME):
            assert secret not in text, f"{secret!r} is public"


def test_only_published_steps_appear_without_personal_data(ctx: Context, monkeypatch: pytest.MonkeyPatch) -> None:
    dept = Department.from_plan(ctx, "000_sonla_khcn_2022.toml", monkeypatch)
    client = create_app(context=ctx).test_client()
    citizen = dept.submit(date(2022, 4, 11), source="citizen", field="science", title="Hỗ trợ sấy nông sản",
                          content="Đề nghị chuyển giao công nghệ sấy.", petitioner_name=NAME,
                          petitioner_contact=f"{PHONE}, {MAIL}")
    secret = dept.submit(date(2022, 4, 12), source="citizen", field="science", title=SECRET_TITLE,
                         content="Nội dung tố cáo.", petitioner_name=SECRET_NAME, confidential=True)
    prepare_for_dialogue(dept, citizen, "science")
    prepare_for_dialogue(dept, secret, "science")
    day = date(2022, 9, 15)
    dept.at(day)
    d = dialogues.create(dept.ctx, dept.staff("office"), "periodic", "Đối thoại định kỳ năm 2022")
    dept.step(d, "plan_periodic", {"planned_quarter": "Q3", "planned_date": day.isoformat()})
    dialogues.set_agenda(dept.ctx, dept.staff("office"), d.id, [citizen.id, secret.id], "Giám đốc Sở")
    dept.step(d, "issue_invitations", {**INVITATIONS, "invitations_sent_on": day.isoformat()})
    page, feed, data = _public(client, dept.agency)
    assert data["upcoming"] == data["past"] == data["notices"] == data["plans"] == []
    assert "Đối thoại định kỳ năm 2022" not in page + feed

    dept.step(d, "publish_plan", {"plan_published_on": day.isoformat()})  # no link typed: the page is the link
    page, feed, data = _public(client, dept.agency)
    assert [i["title"] for i in data["upcoming"]] == ["Đối thoại định kỳ năm 2022"]
    item = data["upcoming"][0]
    assert item["planned_on"] == "2022-09-15" and item["venue"] == INVITATIONS["venue"]
    assert data["plans"][0]["year"] == 2022 and data["plans"][0]["periodic_quarter"] == 3
    assert "Đối thoại định kỳ năm 2022" in page and data["notices"] == []

    items = [{"petition_id": str(p.id), "outcome": "answered", "note": "Kết luận"} for p in (citizen, secret)]
    dialogues.record_outcomes(dept.ctx, dept.staff("director"), d.id, items, day, "Biên bản hội nghị.")
    dept.deliver_messages()
    notice = (f"Bà {NAME} (điện thoại {PHONE}, thư {MAIL}, CCCD 012345678901) được trả lời tại hội nghị; "
              f"nội dung '{SECRET_TITLE}' của {SECRET_NAME} được giải quyết riêng.")
    dept.step(d, "notice_results", {"results_notice": notice, "results_noticed_on": day.isoformat()})
    dept.step(d, "report_upward", {"report_text": "Báo cáo.", "report_recipients": "UBND tỉnh"})
    dept.step(d, "sign_results", {"sign_decision": "sign"})
    assert _public(client, dept.agency)[2]["notices"] == []  # signed is not published
    dept.step(d, "publish_results", {"results_published_on": day.isoformat()})
    for p in (citizen, secret):
        finish_outcome(dept, p, "answered")  # the confidential one skips its publishing step

    dept.at(date(2022, 10, 1))
    page, feed, data = _public(client, dept.agency)
    assert [i["title"] for i in data["past"]] == ["Đối thoại định kỳ năm 2022"] and data["upcoming"] == []
    kinds = sorted(i["subject"] for i in data["notices"])
    assert kinds == ["dialogue", "petition"], data["notices"]
    dialogue_notice = next(i for i in data["notices"] if i["subject"] == "dialogue")
    assert publications.REMOVED in dialogue_notice["text"] and "được trả lời tại hội nghị" in dialogue_notice["text"]
    assert next(i for i in data["notices"] if i["subject"] == "petition")["code"] == citizen.code
    assert secret.code not in page + feed + json.dumps(data, ensure_ascii=False)
    _no_personal_data(page, feed, json.dumps(data, ensure_ascii=False))

    root = ET.fromstring(feed.encode("utf-8"))
    assert root.tag == f"{ATOM}feed" and root.findtext(f"{ATOM}updated", "").endswith("Z")
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 3  # the plan, the dialogue's results, the petition's notice
    ids = [e.findtext(f"{ATOM}id") for e in entries]
    assert len(set(ids)) == 3 and all(i and i.startswith("urn:uuid:") for i in ids)
    assert all(e.findtext(f"{ATOM}updated", "").startswith("2022-") for e in entries)
    assert _public(client, dept.agency)[1] == feed  # the same feed when nothing changed


def test_an_unknown_agency_is_404_everywhere(ctx: Context) -> None:
    client = create_app(context=ctx).test_client()
    assert client.get("/cong-khai/no-such/").status_code == 404
    assert client.get("/cong-khai/no-such/feed.atom").status_code == 404
    problem = client.get("/api/v1/public/agencies/no-such/publications")
    assert problem.status_code == 404 and problem.content_type == "application/problem+json"


def test_redaction_removes_names_contacts_and_numbers() -> None:
    text = publications.redact("Ông Lê Văn An, ĐT +84 912.345.678, email an@x.vn, CCCD 001234567",
                               ["Lê Văn An"])
    assert "Lê Văn An" not in text and "912" not in text and "an@x.vn" not in text and "001234567" not in text
    assert text.startswith("Ông [đã lược bỏ]")


@pytest.mark.parametrize(("text", "kept"), [
    ("Hội nghị trả lời bà Nguyễn Thị Hoà về sấy nông sản.", "Hội nghị trả lời bà [đã lược bỏ] về sấy nông sản."),
    ("Ông Lò Văn Khánh, bản Mường Chiên", "Ông [đã lược bỏ], bản Mường Chiên"),
    ("Trần Văn B phản ánh; anh Tuấn đồng ý", "[đã lược bỏ] phản ánh; anh [đã lược bỏ] đồng ý"),
    ("Sở Khoa học và Công nghệ tỉnh Hà Giang, Thành phố Hồ Chí Minh", None),
    ("Hội trường Sở Khoa học và Công nghệ, huyện Mai Sơn", None),
])
def test_names_in_free_text_are_removed_and_places_kept(text: str, kept: str | None) -> None:
    assert publications.redact(text, []) == (kept or text)
