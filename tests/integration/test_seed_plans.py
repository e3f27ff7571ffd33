"""The five seed plans, each run for its year end to end through the use cases and the database.

Every journey receives petitions from the audiences its plan names, holds the periodic dialogue
(and an ad-hoc one where the plan allows it), follows every outcome to its notice of results,
produces the plan's reports on their dates with the right counts, and ends with no petition
lacking a recorded outcome. Across the five, every outcome kind occurs at least once.
"""

from __future__ import annotations

from datetime import date

import pytest

from service.domain import dialogues, petitions, reports
from service.usecases import audit
from service.usecases.context import Context
from service.usecases.errors import Forbidden
from tests.integration.department import (
    Department,
    answer_in_writing,
    consolidate,
    finish_outcome,
    hold_dialogue,
    notify,
    prepare_for_dialogue,
)
from tests.integration.reporting import run_reports
from tests.integration.statistics_checks import check_statistics

EXPECTED = {
    "000": ["answered", "answered", "dialogue_failed", "filed", "written_reply"],
    "001": ["answered", "escalated", "written_reply", "written_reply"],
    "002": ["answered", "dialogue_failed", "forwarded", "written_reply"],
    "003": ["answered", "withdrawn", "written_reply"],
    "004": ["answered", "escalated", "written_reply"],
}
"""The outcomes each journey must end with, sorted."""



def _close_out(dept: Department) -> dict[str, str]:
    """Every petition received has a recorded outcome and is closed; the trail verifies."""
    outcomes = {}
    for info in dept.received:
        final = dept.petition(info)
        assert final.stage == "closed" and final.closed_at is not None, f"{final.code} is still {final.stage}"
        assert final.outcome, f"{final.code} has no recorded outcome"
        outcomes[final.code] = final.outcome
    assert audit.verify_trail(dept.ctx).ok
    return outcomes


def test_000_sonla_science_2022_periodic_q3_and_adhoc(ctx: Context, monkeypatch: pytest.MonkeyPatch) -> None:
    dept = Department.from_plan(ctx, "000_sonla_khcn_2022.toml", monkeypatch)
    staff = dept.submit(date(2022, 3, 2), source="staff", field="personnel", title="Chế độ phụ cấp công vụ",
                        content="Đề nghị làm rõ chế độ phụ cấp.", petitioner_name="Viên chức Lò Văn B")
    citizen = dept.submit(date(2022, 4, 11), source="citizen", field="science", title="Hỗ trợ sấy nông sản",
                          content="Đề nghị chuyển giao công nghệ sấy.", petitioner_name="Nguyễn Văn A")
    org = dept.submit(date(2022, 5, 20), source="organisation", field="technology", title="Thẩm định công nghệ dự án",
                      content="Doanh nghiệp phản ánh thời gian thẩm định kéo dài.", petitioner_name="Công ty X")
    urgent = dept.submit(date(2022, 7, 4), source="citizen", field="standards", title="Cân sai tại chợ",
                         content="Nhiều hộ dân phản ánh cân sai.", petitioner_name="Hộ dân chợ Phường")
    unfounded = dept.submit(date(2022, 7, 8), source="citizen", field="other", title="Nội dung trùng lặp",
                            content="Đã được trả lời năm 2021.", petitioner_name="Ông C")
    # §III.1.1/§III.1.4: every item reaches the Director through the Office, citizens' too (not plan 002's way)
    assert {dept.petition(p).stage for p in (staff, citizen, org, urgent, unfounded)} == {"consolidate_office"}
    consolidate(dept, unfounded, handling_result="luu_don", filing_reason="trung_lap")
    notify(dept, unfounded)
    for p, unit in ((staff, "administration"), (citizen, "science"), (org, "technology")):
        prepare_for_dialogue(dept, p, unit)
    prepare_for_dialogue(dept, urgent, "standards", urgency="urgent")
    adhoc = hold_dialogue(dept, "adhoc", date(2022, 7, 20), {urgent: "answered"})
    assert adhoc.kind == "adhoc" and adhoc.agenda == (urgent.id,)
    finish_outcome(dept, urgent, "answered")
    periodic = hold_dialogue(dept, "periodic", date(2022, 9, 15),
                             {staff: "answered", citizen: "written_reply", org: "failed"})
    assert periodic.quarter == 3 and periodic.status == "closed" and len(periodic.agenda) == 3
    for p, outcome in ((staff, "answered"), (citizen, "written_reply"), (org, "failed")):
        finish_outcome(dept, p, outcome)
    outcomes = _close_out(dept)
    assert sorted(outcomes.values()) == EXPECTED["000"]
    assert dept.petition(citizen).answer == f"Văn bản trả lời: {citizen.title}"  # the signed reply, not its notice
    assert dept.petition(staff).answer == f"Thông báo kết quả giải quyết: {staff.title}"  # after the dialogue
    run_reports(dept, expected_reports=2)
    check_statistics(dept)


def test_001_hagiang_science_2023_administrative_procedures(ctx: Context, monkeypatch: pytest.MonkeyPatch) -> None:
    dept = Department.from_plan(ctx, "001_hagiang_khcn_2023.toml", monkeypatch)
    procedure = dept.submit(date(2023, 4, 3), source="organisation", field="administration",
                            title="Hồ sơ cấp giấy chứng nhận doanh nghiệp KH&CN",
                            content="Thủ tục yêu cầu nhiều giấy tờ trùng lặp.", petitioner_name="Công ty Y")
    land = dept.submit(date(2023, 4, 10), source="citizen", field="other", title="Giao đất xây dựng trạm thực nghiệm",
                       content="Đề nghị giao đất.", petitioner_name="Bà D")
    fee = dept.submit(date(2023, 5, 2), source="citizen", field="standards", title="Phí kiểm định phương tiện đo",
                      content="Hỏi mức phí kiểm định.", petitioner_name="Ông E")
    licence = dept.submit(date(2023, 1, 9), source="citizen", field="administration", title="Cấp phép tổ chức hội thảo",
                          content="Đề nghị hướng dẫn thủ tục.", petitioner_name="Ông Q", petition_type="phan_anh")
    answer_in_writing(dept, licence, "administration")  # no dialogue until Q2 under plan 001: answered in writing
    assert dept.petition(licence).closed_at is not None
    with pytest.raises(Forbidden, match="no ad-hoc dialogue"):
        dialogues.create(ctx, dept.staff("director"), "adhoc", "Đột xuất", "Không được phép theo kế hoạch")
    for p, unit in ((procedure, "administration"), (land, "administration"), (fee, "standards")):
        prepare_for_dialogue(dept, p, unit)
    hold_dialogue(dept, "periodic", date(2023, 6, 14),
                  {procedure: "written_reply", land: "beyond_competence", fee: "answered"})
    for p, outcome in ((procedure, "written_reply"), (land, "beyond_competence"), (fee, "answered")):
        finish_outcome(dept, p, outcome)
    outcomes = _close_out(dept)
    assert sorted(outcomes.values()) == EXPECTED["001"]
    run_reports(dept, expected_reports=0)
    check_statistics(dept)


def test_002_sonla_home_affairs_2019_staff_and_citizens(ctx: Context, monkeypatch: pytest.MonkeyPatch) -> None:
    dept = Department.from_plan(ctx, "002_sonla_noivu_2019.toml", monkeypatch)
    salary = dept.submit(date(2019, 2, 12), source="staff", field="personnel", title="Nâng lương trước thời hạn",
                         content="Đề nghị xem xét nâng lương.", petitioner_name="Công chức F")
    training = dept.submit(date(2019, 3, 5), source="staff", field="personnel", title="Cử đi đào tạo",
                           content="Đề nghị được cử đi học.", petitioner_name="Viên chức G", confidential=True)
    merger = dept.submit(date(2019, 4, 1), source="citizen", field="administration", title="Sáp nhập thôn bản",
                         content="Người dân đề nghị giữ tên thôn.", petitioner_name="Trưởng thôn H")
    policy = dept.submit(date(2019, 8, 19), source="citizen", field="administration", title="Chế độ người có uy tín",
                         content="Đề nghị bổ sung chế độ.", petitioner_name="Ông I")
    assert dept.petition(salary).stage == "consolidate_office"  # §III.1: staff through the Office,
    assert dept.petition(merger).stage == "consolidate_inspectorate"  # citizens through the Inspectorate
    consolidate(dept, merger, handling_result="chuyen_don", forward_to="UBND huyện Mường La")
    dept.step(merger, "forward_petition", {"forward_to": "UBND huyện Mường La", "forwarded_on": dept.today(),
                                           "petitioner_notified": True})
    notify(dept, merger)
    for p in (salary, training):
        prepare_for_dialogue(dept, p, "personnel")
    prepare_for_dialogue(dept, policy, "administration", urgency="urgent")
    hold_dialogue(dept, "adhoc", date(2019, 9, 3), {policy: "failed"})
    finish_outcome(dept, policy, "failed")
    periodic = hold_dialogue(dept, "periodic", date(2019, 11, 28), {salary: "answered", training: "written_reply"})
    assert periodic.quarter == 4
    finish_outcome(dept, salary, "answered")
    finish_outcome(dept, training, "written_reply")
    for outsider in (dept.staff("infocenter"), dept.staff("unit:administration")):  # never handled it
        assert training.id not in {p.id for p in petitions.list_petitions(ctx, outsider)}
    assert training.id in {p.id for p in petitions.list_petitions(ctx, dept.staff("unit:personnel"))}
    outcomes = _close_out(dept)
    assert sorted(outcomes.values()) == EXPECTED["002"]
    run_reports(dept, expected_reports=2)
    check_statistics(dept)


def test_003_quangngai_science_2021_grassroots_democracy(ctx: Context, monkeypatch: pytest.MonkeyPatch) -> None:
    dept = Department.from_plan(ctx, "003_quangngai_khcn_2021.toml", monkeypatch)
    withdrawn = dept.submit(date(2021, 3, 29), source="citizen", field="science", title="Khiếu nại kết quả tuyển chọn",
                            content="Đề nghị xem xét lại.", petitioner_name="Ông K")
    org = dept.submit(date(2021, 4, 15), source="organisation", field="technology", title="Đổi mới công nghệ",
                      content="Đề nghị hỗ trợ đổi mới công nghệ.", petitioner_name="Hợp tác xã L")
    staff = dept.submit(date(2021, 9, 6), source="staff", field="administration", title="Công khai tài chính",
                        content="Đề nghị công khai quỹ phúc lợi.", petitioner_name="Viên chức M")
    consolidate(dept, withdrawn)
    petitions.withdraw(ctx, dept.staff("reception"), withdrawn.id, "Người khiếu nại rút đơn")
    for p, unit in ((org, "technology"), (staff, "administration")):
        prepare_for_dialogue(dept, p, unit)
    hold_dialogue(dept, "periodic", date(2021, 9, 24), {org: "answered", staff: "written_reply"})
    finish_outcome(dept, org, "answered")
    finish_outcome(dept, staff, "written_reply")
    outcomes = _close_out(dept)
    assert sorted(outcomes.values()) == EXPECTED["003"]
    board = petitions.list_petitions(ctx, dept.staff("auditor"))  # the People's Inspection Board reads it all
    assert {p.code for p in board} == {p.code for p in dept.received}
    run_reports(dept, expected_reports=2 * len(dept.plan["units"]))  # each unit reports to the Office
    check_statistics(dept)


def test_004_quangtri_science_2024_mass_mobilisation(ctx: Context, monkeypatch: pytest.MonkeyPatch) -> None:
    dept = Department.from_plan(ctx, "004_quangtri_khcn_2024.toml", monkeypatch)
    digital = dept.submit(date(2024, 3, 25), source="citizen", field="technology", title="Dịch vụ công trực tuyến",
                          content="Khó nộp hồ sơ trực tuyến.", petitioner_name="Bà N")
    seeds = dept.submit(date(2024, 4, 8), source="organisation", field="science", title="Giống lúa chịu mặn",
                        content="Đề nghị hỗ trợ khảo nghiệm giống.", petitioner_name="HTX O")
    flood = dept.submit(date(2024, 10, 21), source="citizen", field="standards", title="Trạm quan trắc sau lũ",
                        content="Trạm hư hỏng sau lũ.", petitioner_name="Ông P")
    for p, unit in ((digital, "science"), (seeds, "science")):  # the research centre does outreach only
        prepare_for_dialogue(dept, p, unit)
    hold_dialogue(dept, "periodic", date(2024, 5, 30), {digital: "answered", seeds: "written_reply"})
    finish_outcome(dept, digital, "answered")
    finish_outcome(dept, seeds, "written_reply")
    prepare_for_dialogue(dept, flood, "science", urgency="urgent")
    hold_dialogue(dept, "adhoc", date(2024, 10, 30), {flood: "beyond_competence"})
    finish_outcome(dept, flood, "beyond_competence")
    outcomes = _close_out(dept)
    assert sorted(outcomes.values()) == EXPECTED["004"]
    run_reports(dept, expected_reports=2)
    check_statistics(dept)
    assert reports.periodic(ctx, dept.staff("office"), date(2024, 1, 1), date(2024, 12, 31)).received == 3


def test_every_outcome_kind_occurs_across_the_seeds() -> None:
    """The journeys above assert their actual outcomes against these lists; together they cover every kind."""
    kinds = {"answered", "written_reply", "escalated", "dialogue_failed", "withdrawn", "filed", "forwarded"}
    covered = {o for outcomes in EXPECTED.values() for o in outcomes}
    assert covered == kinds
