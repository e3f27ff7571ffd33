"""A citizen opens the department's public pages: nothing of a dialogue shows until the information
centre's publishing step is done; then its date and venue do, with the Atom feed and the JSON export."""

from __future__ import annotations

from typing import Any
from xml.etree import ElementTree as ET

from service.domain import dialogues
from service.usecases import sessions
from tests.dates import service_today
from tests.e2e.conftest import PHONE, Live, shot
from tests.e2e.helpers import check_vietnamese, fill_form, finish_step, no_overflow, ready_task, submit_task

TITLE = "Đối thoại định kỳ với người dân về chuyển giao công nghệ"


def test_a_citizen_sees_only_what_the_information_centre_published(open_page: Any, live: Live) -> None:
    office = sessions.actor_for(live.ctx, "vanphong", "demo")
    assert office is not None
    d = dialogues.create(live.ctx, office, "periodic", TITLE)
    finish_step(live.ctx, "vanphong", d.instance_id, "plan_periodic")
    dialogues.set_agenda(live.ctx, office, d.id, [], "Giám đốc Sở")
    finish_step(live.ctx, "vanphong", d.instance_id, "issue_invitations")
    citizen = open_page()
    citizen.goto("/cong-khai/demo/")
    check_vietnamese(citizen)
    assert TITLE not in citizen.locator("main").inner_text()

    staff = open_page("ttthongtin")
    staff.goto(f"/tasks/{ready_task(live.ctx, d.instance_id, 'publish_plan')}")
    staff.wait_for_selector("[data-testid=task-form]")
    assert "/cong-khai/demo/" in staff.locator("[data-testid=public-url]").inner_text()
    check_vietnamese(staff)
    shot(staff, "thong-tin-dang-tai-cong-khai")
    fill_form(staff, {"plan_published_on": service_today().isoformat()})
    submit_task(staff)

    citizen.goto("/cong-khai/demo/")
    upcoming = citizen.locator("[data-testid=public-upcoming]")
    upcoming.get_by_text(TITLE).wait_for()
    assert "Nội dung thử nghiệm" in upcoming.inner_text()  # the venue the invitations step settled
    assert "signed-in" not in citizen.content()
    check_vietnamese(citizen)
    shot(citizen, "cong-khai-cong-dan")
    feed = citizen.request.get(citizen.locator("[data-testid=atom-link]").get_attribute("href"))
    root = ET.fromstring(feed.body())
    assert TITLE in [e.findtext("{http://www.w3.org/2005/Atom}title") for e in root.iter("{http://www.w3.org/2005/Atom}entry")]
    data = citizen.request.get(citizen.locator("[data-testid=json-link]").get_attribute("href")).json()
    assert TITLE in [i["title"] for i in data["upcoming"]]  # other tests may have published their own dialogues
    phone = open_page(viewport=PHONE)
    phone.goto("/cong-khai/demo/")
    phone.get_by_text(TITLE).wait_for()
    no_overflow(phone)
    shot(phone, "cong-khai-dien-thoai")
