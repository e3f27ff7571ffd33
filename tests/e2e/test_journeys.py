"""Every outcome of the petition process, walked through the pages by the people who do each step, on the
demo pack: the citizen (public form) or reception records it, reception takes it in, the Inspectorate
or the Office consolidates, the director assigns, the unit drafts, the director approves, the Office
decides the dialogue, builds the agenda and sends invitations, the information centre publishes the
plan, the director records each outcome on the dialogue page, and the petition goes on to its end
(written reply and signature, escalation, minutes of a failed dialogue, notice, publication); or the handling
decision ends it early (forwarded, guided, filed), or the director answers it in writing at once. At each
step the person sees what they decide on, the thread so far and the deadline; each page speaks
Vietnamese and is saved as test-results/screenshots/journey-<outcome>-<nn>-<step>.png."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.dates import service_today
from tests.e2e.conftest import DESKTOP, UNIT_USER, Console, Live, shot, sign_in
from tests.e2e.helpers import check_vietnamese, deliver_messages, fill_form, submit_task

TODAY = service_today().isoformat()
FINAL_LABEL = {
    "answered": "Đã trả lời tại hội nghị", "written_reply": "Văn bản trả lời",
    "escalated": "Đã báo cáo cấp trên", "dialogue_failed": "Đối thoại không thành",
    "withdrawn": "Đã rút", "filed": "Lưu đơn, không xử lý", "forwarded": "Chuyển đơn đến cơ quan có thẩm quyền",
    "guided": "Hướng dẫn người gửi đơn đến cơ quan có thẩm quyền",
}


@pytest.fixture(scope="module")
def signed_in(browser: Any, live: Live) -> Any:
    """`signed_in(user)`: the cookies of `user` signed in once through the sign-in page, for the module."""
    states: dict[str, Any] = {}

    def state(user: str) -> Any:
        if user not in states:
            context = browser.new_context(base_url=live.url)
            sign_in(context.new_page(), user)
            states[user] = context.storage_state()
            context.close()
        return states[user]

    return state


@pytest.fixture
def person(browser: Any, live: Live, console: Console, signed_in: Any) -> Iterator[Any]:
    """`person(user)`: a page of its own browser context, signed in as `user` (None: a member of the public)."""
    contexts: list[Any] = []

    def make(user: str | None) -> Any:
        context = browser.new_context(viewport=DESKTOP, base_url=live.url,
                                      storage_state=signed_in(user) if user else None)
        contexts.append(context)
        page = console.watch(context.new_page())
        page.set_default_timeout(15_000)
        return page

    yield make
    for context in contexts:
        context.close()


class Journey:
    """One petition carried through the pages: a signed-in page per person, numbered screenshots, and
    the marks (texts each person entered) the next person must see in the thread."""

    def __init__(self, person: Any, live: Live, name: str) -> None:
        self.person, self.live, self.name = person, live, name
        self.pages: dict[str, Any] = {}
        self.step_no = 0
        self.code = ""
        self.tracking = ""
        self.marks: list[str] = []
        self.draft = ""
        self.petition_type = "kien_nghi"

    def page(self, user: str | None) -> Any:
        key = user or "public"
        if key not in self.pages:
            self.pages[key] = self.person(user)
        return self.pages[key]

    def look(self, page: Any, step: str) -> None:
        """The page speaks Vietnamese; a screenshot of it is kept for a person to look at."""
        check_vietnamese(page)
        raw = re.findall(r"^(?:system|public) · .*$", page.locator("body").inner_text(), re.M)
        assert not raw, f"an actor shown by its code on {page.url}: {raw}"
        self.step_no += 1
        shot(page, f"journey-{self.name}-{self.step_no:02d}-{step}")

    def open_task(self, user: str, name_vi: str, row_text: str | None = None) -> Any:
        page = self.page(user)
        page.goto("/tasks")
        check_vietnamese(page)
        row = page.locator("tr", has_text=row_text or self.code).filter(has_text=name_vi)
        assert row.count() == 1, f"{user} sees {row.count()} tasks '{name_vi}' for {row_text or self.code}"
        row.locator("td").first.locator("a").click()
        page.wait_for_selector("#task-form")
        return page

    def task(self, user: str, name_vi: str, step: str, values: dict[str, Any], sees: tuple[str, ...] = (),
             mark: str | None = None, due: bool = False) -> Any:
        """`user` opens the petition's task, sees what they decide on (`sees`, in the documents to decide
        on or the petition card) and every earlier mark in the thread, and completes it."""
        page = self.open_task(user, name_vi)
        thread = page.locator("[data-testid=thread]").inner_text()
        for seen in self.marks:
            assert seen in thread, f"{user} at {step} does not see {seen!r} in the thread"
        body = page.locator("main").inner_text()
        for seen in sees:
            assert seen in body, f"{user} at {step} does not see {seen!r}"
        assert page.locator("[data-testid=task-due]").inner_text().strip()
        if due:  # where the process sets one (the unit's drafts); other steps say there is none
            assert re.search(r"\d{2}/\d{2}/\d{4}", page.locator("[data-testid=task-due]").inner_text()), \
                f"{user} at {step} sees no deadline"
        self.look(page, step)
        fill_form(page, values)
        submit_task(page)
        if mark:
            self.marks.append(mark)
        return page

    # the common beginning ------------------------------------------------------------------------

    def citizen_submits(self, title: str) -> None:
        page = self.page(None)
        page.goto("/public/petition")
        page.select_option("#i-field", "science")
        page.fill("#i-name", "Lò Văn Khánh")
        page.fill("#i-contact", "0987 654 321, bản Hụm, Chiềng Xôm")
        page.fill("#i-title", title)
        page.fill("#i-content", f"{title}. Đề nghị Sở xem xét, trả lời cho bà con.")
        self.look(page, "cong-dan-gui-don")
        page.click("[data-testid=public-form] button[type=submit]")
        page.wait_for_selector("[data-testid=tracking-code]")
        self.tracking = page.locator("[data-testid=tracking-code]").inner_text()
        self.look(page, "cong-dan-nhan-ma")
        reception = self.page("tiepnhan")
        reception.goto("/petitions?q=" + title.replace(" ", "+"))
        reception.locator("tr", has_text=title).locator("a").first.click()
        reception.wait_for_selector("[data-testid=stage]")
        self.code = reception.locator("h1").inner_text().split()[-1]

    def reception_records(self, title: str, source: str) -> None:
        page = self.page("tiepnhan")
        page.goto("/petitions/new")
        page.select_option("#i-source", source)
        page.select_option("#i-field", "science")
        page.fill("#i-name", "Trần Thị Hoa")
        page.fill("#i-contact", "0912 111 222")
        page.fill("#i-title", title)
        page.fill("#i-content", f"{title}. Đề nghị Sở xem xét, trả lời.")
        self.look(page, "tiep-nhan-ghi-don")
        page.click("[data-testid=intake-form] button[type=submit]")
        page.wait_for_selector("[data-testid=stage]")
        self.code = page.locator("h1").inner_text().split()[-1]
        self.tracking = page.locator("[role=status]").inner_text().rsplit(":", 1)[-1].strip()

    def intake(self, title: str) -> None:
        page = self.task("tiepnhan", "Tiếp nhận", "tiep-nhan", {"petition_type": self.petition_type,
                                                                "received_on": TODAY}, sees=(title,))
        assert page is not None

    def consolidate(self, user: str, values: dict[str, Any], mark: str) -> None:
        name = "Thanh tra phân loại, xử lý đơn" if user == "thanhtra" else "Văn phòng phân loại, xử lý đơn"
        self.task(user, name, "tong-hop", {"urgency": "normal", "handling_result": "thu_ly",
                                           "consolidation_note": mark, **values},
                  sees=("0987 654 321",) if user == "thanhtra" else ("0912 111 222",), mark=mark)

    def draft_and_approve(self, draft: str, answer_mode: str = "dialogue") -> None:
        self.draft = draft
        self.task("giamdoc", "giao đơn vị chủ trì", "giao-don-vi",
                  {"assigned_unit": "science", "draft_deadline": "P15D", "assignment_note": "Khoa học chủ trì."},
                  mark="Khoa học chủ trì.")
        self.task(UNIT_USER, "Nghiên cứu, dự thảo", "du-thao", {"draft_answer": draft}, mark=draft,
                  due=True)
        page = self.task("giamdoc", "Duyệt dự thảo", "duyet-du-thao",
                         {"review_decision": "approve", "answer_mode": answer_mode}, sees=(draft,))
        assert page is not None

    # the dialogue --------------------------------------------------------------------------------

    def dialogue(self, outcome: str, note: str) -> None:
        """The Office decides a periodic dialogue and builds its agenda with this petition only, sends
        the invitations; the information centre publishes the plan; the director records the outcome."""
        office = self.page("vanphong")
        title = f"Đối thoại định kỳ, kiến nghị {self.code}"
        office.goto("/dialogues")
        office.fill("input[name=title]", title)
        office.fill("input[name=quarter]", str((service_today().month - 1) // 3 + 1))
        if office.locator("input[name=planned_on]").count():
            office.fill("input[name=planned_on]", TODAY)
        if office.locator("input[name=venue]").count():
            office.fill("input[name=venue]", "Hội trường Sở")
        self.look(office, "van-phong-quyet-dinh-doi-thoai")
        office.click("[data-testid=dialogue-form] button[type=submit]")
        office.wait_for_selector("[data-testid=dialogue-status]")
        dialogue_url = office.url

        plan = self.open_task("vanphong", "Lập kế hoạch", title)
        self.look(plan, "van-phong-ke-hoach")
        fill_form(plan, {"planned_quarter": f"Q{(service_today().month - 1) // 3 + 1}", "planned_date": TODAY})
        submit_task(plan)

        office.goto(dialogue_url)
        office.wait_for_selector("[data-testid=agenda-form]")
        for box in office.locator("[data-testid=agenda-form] input[name=petition]").all():
            box.set_checked(box.evaluate("e => e.parentElement.textContent").strip().startswith(self.code))
        self.look(office, "van-phong-chuong-trinh")
        office.locator("[data-testid=agenda-form] button[type=submit]").click()
        office.wait_for_selector("[data-testid=agenda]")
        assert self.code in office.locator("[data-testid=agenda]").inner_text()

        invite = self.open_task("vanphong", "Gửi giấy mời", title)
        assert self.code in invite.locator("main").inner_text(), "the invitations task does not show the agenda"
        self.look(invite, "van-phong-giay-moi")
        fill_form(invite, {"invitees": "Ông Lò Văn Khánh và đại diện bà con", "venue": "Hội trường Sở",
                           "invitations_sent_on": TODAY})
        submit_task(invite)

        info = self.open_task("ttthongtin", "Đăng tải kế hoạch", title)
        assert "Hội trường Sở" in info.locator("main").inner_text(), "the publisher does not see the plan"
        self.look(info, "thong-tin-dang-ke-hoach")
        fill_form(info, {"plan_url": "https://so.gov.vn/ke-hoach-doi-thoai", "plan_published_on": TODAY})
        submit_task(info)

        director = self.page("giamdoc")
        director.goto(dialogue_url)
        director.wait_for_selector("[data-testid=outcome-form]")
        director.locator("[data-testid=agenda-petition]", has_text=self.code).click()  # the item's file
        director.wait_for_selector("[data-testid=thread]")
        thread = director.locator("[data-testid=thread]").inner_text()
        assert all(seen in thread for seen in self.marks), "the chair does not see the item's thread"
        assert self.draft in director.locator("[data-testid=documents]").inner_text()
        self.look(director, "giam-doc-xem-ho-so")
        director.go_back()
        director.wait_for_selector("[data-testid=outcome-form]")
        director.fill("input[name=held_on]", TODAY)
        select = director.locator(f"[data-testid=outcome-{self.code}]")
        select.select_option(outcome)
        item = str(select.get_attribute("name")).split(".", 1)[1]
        director.fill(f"[name='note.{item}']", note)
        director.fill("textarea[name=minutes]", f"Hội nghị đối thoại: {note}")
        self.look(director, "giam-doc-ghi-ket-qua")
        director.click("[data-testid=outcome-form] button[type=submit]")
        director.wait_for_selector("[data-testid=agenda]")
        assert not director.locator("[data-testid=outcome-form]").count(), "the outcome form stays on screen"
        self.look(director, "giam-doc-da-ghi")
        assert deliver_messages(self.live.ctx) >= 1  # the worker hands the petition its outcome
        self.marks.append(note)

    # the end -----------------------------------------------------------------------------------

    def escalate(self, user: str) -> None:
        self.task(user, "Báo cáo, đề xuất cấp trên", "bao-cao-cap-tren", {
            "superior_authority": "provincial_committee", "superior_authority_name": "UBND tỉnh Sơn La",
            "escalation_summary": "Kiến nghị vượt thẩm quyền của Sở, đề nghị UBND tỉnh xem xét.",
            "escalated_on": TODAY}, mark="Kiến nghị vượt thẩm quyền của Sở")
        self.task(user, "Ghi nhận ý kiến cấp trên", "y-kien-cap-tren", {
            "superior_answer": "UBND tỉnh giao Sở Tài chính trả lời.", "superior_answered_on": TODAY},
            sees=("UBND tỉnh Sơn La",), mark="UBND tỉnh giao Sở Tài chính trả lời.")

    def notice_and_publish(self, notifier: str, notice: str, sees: tuple[str, ...] = ()) -> None:
        name = "Thanh tra thông báo" if notifier == "thanhtra" else "Văn phòng thông báo"
        self.task(notifier, name, "thong-bao", {"notice_text": notice, "notified_on": TODAY}, sees=sees, mark=notice)
        self.task("ttthongtin", "Đăng tải kết quả", "dang-tai", {
            "published_url": "https://so.gov.vn/ket-qua", "published_on": TODAY}, sees=(notice,))

    def ends(self, outcome: str) -> None:
        """The petition page shows the outcome by its Vietnamese label; tracking shows it without names."""
        staff = self.page("thanhtra")
        staff.goto("/petitions?q=" + self.code)
        staff.locator("tr", has_text=self.code).locator("a").first.click()
        staff.wait_for_selector("#diagram[data-ready='1']")
        record = staff.locator("main").inner_text()
        assert FINAL_LABEL[outcome] in record, f"the petition page does not show {FINAL_LABEL[outcome]!r}"
        kind = {"kien_nghi": "Kiến nghị", "khieu_nai": "Khiếu nại", "to_cao": "Tố cáo", "phan_anh": "Phản ánh"}
        assert kind[self.petition_type].lower() in staff.locator("[data-testid=petition-type]").inner_text().lower()
        if outcome != "withdrawn":  # the handling decision is on record, with the deadline it ran under
            assert staff.locator("[data-testid=handling-result]").inner_text().strip() not in ("", "Chưa xác định")
            assert "ngày làm việc" in staff.locator("[data-testid=statutory-deadline]").inner_text()
        assert "Đã kết thúc" in staff.locator("[data-testid=stage]").inner_text()
        assert "Chưa có quyết định" not in record, "a closed petition shows a document as still undecided"
        self.look(staff, "don-ket-qua")
        public = self.page(None)
        public.goto("/public/track?code=" + self.tracking)
        public.wait_for_selector("[data-testid=track-status]")
        status = public.locator("main").inner_text()
        assert "Đã kết thúc" in status or "Đã đóng" in status or "Đã xong" in status, status
        assert FINAL_LABEL[outcome] in status
        for name in ("Lò Văn Khánh", "Trần Thị Hoa", "0987 654 321", "0912 111 222", "giamdoc", "thanhtra"):
            assert name not in status, f"the public tracking page shows {name!r}"
        self.look(public, "tra-cuu-cong-khai")


def _start(j: Journey, title: str, source: str) -> str:
    if source == "citizen":
        j.citizen_submits(title)
    else:
        j.reception_records(title, source)
    j.intake(title)
    return "thanhtra" if source == "citizen" else "vanphong"


@pytest.mark.parametrize(("outcome", "source"), [
    ("answered", "citizen"), ("written_reply", "staff"), ("beyond_competence", "citizen"), ("failed", "citizen")])
def test_a_dialogue_outcome_through_the_pages(person: Any, live: Live, outcome: str, source: str) -> None:
    j = Journey(person, live, outcome)
    topic = {"answered": "kinh phí đề tài cơ sở", "written_reply": "chế độ công tác phí",
             "beyond_competence": "biên chế viên chức", "failed": "mức hỗ trợ đề tài"}[outcome]
    consolidator = _start(j, f"Kiến nghị về {topic}", source)
    j.consolidate(consolidator, {}, "Kiến nghị có căn cứ, chuyển Khoa học.")
    draft = "Dự thảo: Sở bố trí kinh phí hỗ trợ đề tài cấp cơ sở trong năm tới."
    j.draft_and_approve(draft)
    note = {"answered": "Đã trả lời trực tiếp tại hội nghị.", "written_reply": "Trả lời bằng văn bản trong 15 ngày.",
            "beyond_competence": "Vượt thẩm quyền, báo cáo UBND tỉnh.",
            "failed": "Ông Khánh không đồng ý, đối thoại không thành."}[outcome]
    j.dialogue(outcome, note)
    final = {"beyond_competence": "escalated", "failed": "dialogue_failed"}.get(outcome, outcome)
    if outcome == "written_reply":
        reply = "Sở điều chỉnh mức hỗ trợ đề tài cấp cơ sở từ quý sau."
        j.task(UNIT_USER, "Dự thảo văn bản trả lời", "du-thao-van-ban", {"written_reply": reply},
               sees=(draft,), mark=reply, due=True)
        j.task("giamdoc", "Ký văn bản trả lời", "ky-van-ban", {"sign_decision": "sign", "signed_on": TODAY},
               sees=(reply,))
    elif outcome == "beyond_competence":
        j.escalate("vanphong")
    elif outcome == "failed":
        j.task("vanphong", "Lập biên bản đối thoại không thành", "bien-ban", {
            "minutes": "Biên bản: hai bên không thống nhất về mức hỗ trợ.", "minutes_signed_on": TODAY},
            mark="Biên bản: hai bên không thống nhất")
        j.task("vanphong", "Báo cáo cấp trên, xin chỉ đạo", "xin-chi-dao", {
            "failure_reported_to": "provincial_committee", "failure_report": "Báo cáo đối thoại không thành.",
            "failure_reported_on": TODAY}, sees=("Biên bản: hai bên không thống nhất",),
            mark="Báo cáo đối thoại không thành.")
        j.task("vanphong", "Ghi nhận chỉ đạo", "chi-dao", {
            "superior_direction": "UBND tỉnh chỉ đạo giữ nguyên mức hỗ trợ.", "directed_on": TODAY},
            mark="UBND tỉnh chỉ đạo giữ nguyên mức hỗ trợ.")
    j.notice_and_publish("vanphong" if source == "staff" else "thanhtra", f"Thông báo kết quả: {note}")
    j.ends(final)


@pytest.mark.parametrize(("result", "petition_type"), [("chuyen_don", "khieu_nai"), ("huong_dan", "phan_anh")])
def test_not_within_competence_forwarded_or_guided(person: Any, live: Live, result: str, petition_type: str) -> None:
    j = Journey(person, live, result)
    j.petition_type = petition_type
    consolidator = _start(j, f"Đơn về đất đai bản Hụm ({result})", "citizen")
    j.consolidate(consolidator, {"handling_result": result, "forward_to": "UBND huyện Mai Sơn"},
                  "Việc đất đai không thuộc thẩm quyền của Sở.")
    if result == "chuyen_don":
        j.task("vanphong", "Chuyển đơn", "chuyen-don", {"forward_to": "UBND huyện Mai Sơn", "forwarded_on": TODAY,
                                                       "petitioner_notified": True}, sees=("UBND huyện Mai Sơn",))
    else:
        j.task("vanphong", "Gửi văn bản hướng dẫn", "huong-dan", {"forward_to": "UBND huyện Mai Sơn",
                                                                 "guided_on": TODAY}, sees=("UBND huyện Mai Sơn",))
    j.notice_and_publish("thanhtra", "Thông báo: đơn đã được chuyển, hướng dẫn đến UBND huyện Mai Sơn.")
    j.ends("forwarded" if result == "chuyen_don" else "guided")
    notices = j.page("thanhtra").locator("[data-testid=issued-documents]").inner_text()
    assert ("PHIẾU CHUYỂN ĐƠN" if result == "chuyen_don" else "hướng dẫn") in notices, notices


def test_filed_at_the_handling_decision(person: Any, live: Live) -> None:
    j = Journey(person, live, "filed")
    consolidator = _start(j, "Đơn trùng nội dung đã giải quyết", "citizen")
    j.consolidate(consolidator, {"handling_result": "luu_don", "filing_reason": "trung_lap"},
                  "Đơn trùng lặp, đã được trả lời năm trước.")
    j.notice_and_publish("thanhtra", "Thông báo: đơn trùng lặp, lưu đơn.")
    j.ends("filed")


def test_a_denunciation_answered_in_writing_as_soon_as_approved(person: Any, live: Live) -> None:
    j = Journey(person, live, "written-now")
    j.petition_type = "to_cao"
    consolidator = _start(j, "Đơn tố cáo sai phạm nghiệm thu đề tài", "citizen")
    j.consolidate(consolidator, {}, "Đủ điều kiện thụ lý tố cáo.")
    draft = "Dự thảo kết luận: nội dung tố cáo đúng một phần."
    j.draft_and_approve(draft, answer_mode="written")
    reply = "Kết luận nội dung tố cáo số 05/KL-SKHCN."
    j.task(UNIT_USER, "Dự thảo văn bản trả lời", "du-thao-van-ban", {"written_reply": reply}, sees=(draft,),
           mark=reply, due=True)
    j.task("giamdoc", "Ký văn bản trả lời", "ky-van-ban", {"sign_decision": "sign", "signed_on": TODAY}, sees=(reply,))
    j.notice_and_publish("thanhtra", "Thông báo kết quả giải quyết tố cáo.")
    j.ends("written_reply")
    assert "THÔNG BÁO" in j.page("thanhtra").locator("[data-testid=issued-documents]").inner_text()


def test_withdrawn_from_the_petition_page(person: Any, live: Live) -> None:
    j = Journey(person, live, "withdrawn")
    consolidator = _start(j, "Kiến nghị về lịch tập huấn", "citizen")
    j.consolidate(consolidator, {}, "Kiến nghị có căn cứ, chuyển Khoa học.")
    page = j.page("thanhtra")
    page.goto("/petitions?q=" + j.code)
    page.locator("tr", has_text=j.code).locator("a").first.click()
    page.wait_for_selector("[data-testid=withdraw-form]")
    page.fill("[data-testid=withdraw-form] textarea[name=reason]", "Ông Khánh gọi điện xin rút đơn.")
    j.look(page, "thanh-tra-rut-don")
    page.click("[data-testid=withdraw-form] button[type=submit]")
    page.wait_for_selector("[role=status]")
    assert not page.locator("[data-testid=withdraw-form]").count()
    assert "Ông Khánh gọi điện xin rút đơn." in page.locator("[data-testid=thread]").inner_text()
    j.ends("withdrawn")
