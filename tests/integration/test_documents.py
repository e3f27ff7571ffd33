"""Official documents for a petition of each seed plan: every kind, every art. 8 element, .docx and PDF.

A smaller walk than the seed-plan journeys (tests/integration/department.py): one petition per plan
goes through intake, a dialogue and its follow-up; the steps issue the receipt, acceptance, invitation,
minutes, written reply (or, for a failed dialogue, the minutes alone) and notice of results; the kinds no
step of the pack issues (refusal, guidance, forwarding) and the periodic report are issued on request.
"""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path

import pytest

from service.domain import documents, petitions
from service.usecases.context import Context
from service.usecases.errors import NotFound
from tests.conftest import make_context
from tests.integration.department import Department, finish_outcome, hold_dialogue, prepare_for_dialogue
from tests.integration.document_checks import check_docx, check_pdf, poppler

SEEDS = {  # plan file -> (place, superior, issuer, day of the dialogue, its outcome for the petition)
    "000_sonla_khcn_2022.toml": ("Sơn La", "UBND TỈNH SƠN LA", "SỞ KHOA HỌC VÀ CÔNG NGHỆ", date(2022, 9, 15),
                                 "written_reply"),
    "001_hagiang_khcn_2023.toml": ("Hà Giang", "UBND TỈNH HÀ GIANG", "SỞ KHOA HỌC VÀ CÔNG NGHỆ",
                                   date(2023, 6, 14), "failed"),
    "002_sonla_noivu_2019.toml": ("Sơn La", "UBND TỈNH SƠN LA", "SỞ NỘI VỤ", date(2019, 11, 28), "written_reply"),
    "003_quangngai_khcn_2021.toml": ("Quảng Ngãi", "UBND TỈNH QUẢNG NGÃI", "SỞ KHOA HỌC VÀ CÔNG NGHỆ",
                                     date(2021, 9, 24), "answered"),
    "004_quangtri_khcn_2024.toml": ("Quảng Trị", "UBND TỈNH QUẢNG TRỊ", "SỞ KHOA HỌC VÀ CÔNG NGHỆ",
                                    date(2024, 5, 30), "written_reply"),
}
DEPUTY_SIGNS = {"receipt", "acceptance", "refusal", "forwarding", "guidance"}
PETITIONER = "Nguyễn Thị Hường"
TITLE = "Đề nghị hỗ trợ ứng dụng tiến bộ kỹ thuật"


@pytest.fixture
def sqlite_ctx(tmp_path: Path) -> Context:
    return make_context(f"sqlite:///{tmp_path / 'documents.sqlite3'}")


@pytest.mark.parametrize("plan_file", sorted(SEEDS))
def test_every_kind_for_a_petition_of_each_seed_plan(sqlite_ctx: Context, plan_file: str,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    poppler()
    ctx = sqlite_ctx
    place, superior, issuer, day, outcome = SEEDS[plan_file]
    dept = Department.from_plan(ctx, plan_file, monkeypatch)
    unit = dept.plan["units"][0]
    p = dept.submit(day.replace(month=day.month - 1), source="citizen", field=unit["fields"][0],
                    title=TITLE, content="Đề nghị Sở hướng dẫn thủ tục.",
                    petitioner_name=PETITIONER, petitioner_contact="Bản Củ, xã Chiềng Đông")
    reader = dept.staff("office")
    assert [d.kind for d in documents.list_for_petition(ctx, reader, p.id)] == ["receipt"]
    prepare_for_dialogue(dept, p, unit["code"])
    hold_dialogue(dept, "periodic", day, {p: outcome})
    finish_outcome(dept, p, outcome)
    issued = {d.kind: d for d in documents.list_for_petition(ctx, reader, p.id)}
    expected = {"receipt", "acceptance", "invitation", "minutes", "notice_of_results"}
    assert set(issued) == expected | ({"written_reply"} if outcome == "written_reply" else set())
    for kind in ("refusal", "guidance", "forwarding"):
        issued[kind] = documents.request(ctx, reader, p.id, kind, {"reason": "Nội dung đã được giải quyết.",
                                                                   "forward_to": "UBND huyện Mộc Châu"})
    notices = sorted(int(issued[k].number.split("/")[0]) for k in ("acceptance", "notice_of_results", "refusal"))
    assert notices == [1, 2, 3] and len({d.number for d in issued.values()}) == len(issued)  # one TB series
    if dept.plan.get("reports"):
        report = documents.issue_report(ctx, dept.staff("office"))
        issued["periodic_report"] = report
    stem = plan_file[:3]
    for kind, info in issued.items():
        docx_name, docx_type, docx = documents.render(ctx, reader, info.id, "docx", info.petition_id)
        assert docx_type.endswith("wordprocessingml.document") and docx_name.endswith(".docx")
        report = kind == "periodic_report"
        check_docx(docx, superior=superior, issuer=issuer, place=place, number=int(info.number.split("/")[0]),
                   summary_words="Báo cáo" if report else PETITIONER, deputy=kind in DEPUTY_SIGNS,
                   names=() if report else (PETITIONER,))
        _, pdf_type, pdf = documents.render(ctx, reader, info.id, "pdf", info.petition_id)
        assert pdf_type == "application/pdf" and pdf.startswith(b"%PDF")
        text = check_pdf(pdf, f"{stem}-{kind}", (superior, issuer, *(() if report else (PETITIONER, TITLE))))
        if kind == "minutes" and outcome == "failed":
            assert "Kết quả đối thoại: đối thoại không thành" in " ".join(text.split())
    again = documents.list_for_petition(ctx, reader, p.id)
    assert {d.kind: d.number for d in again} == {k: v.number for k, v in issued.items() if k != "periodic_report"}


def test_numbers_per_kind_and_year_and_regeneration_keeps_them(sqlite_ctx: Context,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    ctx = sqlite_ctx
    dept = Department.from_plan(ctx, "000_sonla_khcn_2022.toml", monkeypatch)
    first = dept.submit(date(2022, 3, 1), source="citizen", field="science", title="Một", content="Nội dung.")
    second = dept.submit(date(2022, 3, 2), source="citizen", field="science", title="Hai", content="Nội dung.")
    third = dept.submit(date(2023, 1, 3), source="citizen", field="science", title="Ba", content="Nội dung.")
    office = dept.staff("office")
    numbers = [documents.list_for_petition(ctx, office, p.id)[0].number for p in (first, second, third)]
    assert numbers == ["01/GBN-SKHCN", "02/GBN-SKHCN", "01/GBN-SKHCN"]  # a leading 0 below 10 (NĐ 30/2020)
    guidance = documents.request(ctx, office, first.id, "guidance", {})
    assert guidance.number == "01/SKHCN-TTr"
    assert documents.request(ctx, office, first.id, "guidance", {}).id == guidance.id  # issued once
    one = documents.render(ctx, office, guidance.id, "docx", first.id)[2]
    assert check_number(one) == check_number(documents.render(ctx, office, guidance.id, "docx", first.id)[2])


def check_number(docx: bytes) -> str:
    import io

    from docx import Document

    return str(Document(io.BytesIO(docx)).tables[0].rows[0].cells[0].paragraphs[3].text)


def test_a_confidential_petitions_documents_are_not_found_by_the_unentitled(sqlite_ctx: Context,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    ctx = sqlite_ctx
    dept = Department.from_plan(ctx, "002_sonla_noivu_2019.toml", monkeypatch)
    p = dept.submit(date(2019, 3, 5), source="staff", field="personnel", title="Cử đi đào tạo",
                    content="Đề nghị được cử đi học.", petitioner_name="Viên chức G", confidential=True)
    receipt = documents.list_for_petition(ctx, dept.staff("office"), p.id)[0]
    outsider = dept.staff("infocenter")
    with pytest.raises(NotFound):
        documents.list_for_petition(ctx, outsider, p.id)
    with pytest.raises(NotFound):
        documents.render(ctx, outsider, receipt.id, "pdf", p.id)
    with pytest.raises(NotFound):
        documents.render(ctx, dept.staff("office"), receipt.id, "pdf", uuid.uuid4())
    assert petitions.get(ctx, dept.staff("office"), p.id).confidential
