"""A designer edits a label, validates and deploys a new version; an auditor finds a completed task
in the trail and sees the path taken on the diagram."""

from __future__ import annotations

from typing import Any

from service.domain import petitions
from service.usecases import models, sessions, tasks
from service.usecases.context import Actor
from tests.dates import service_today
from tests.e2e.conftest import Live, shot
from tests.e2e.helpers import check_vietnamese, ready_task


def test_designer_edits_validates_deploys(open_page: Any, live: Live) -> None:
    before = max(v.version for v in models.list_versions(live.ctx, "petition"))
    page = open_page("thietke")
    page.goto("/designer")
    check_vietnamese(page)
    page.locator("tr[data-key=petition]").first.locator("button").click()
    page.wait_for_selector("#modeler[data-ready='1']")
    page.click('.djs-element[data-element-id="intake"]')
    general = page.locator('.bio-properties-panel-group[data-group-id="group-general"]')
    general = general.locator(".bio-properties-panel-group-header")
    if "open" not in (general.get_attribute("class") or ""):
        general.click()
    assert page.input_value("#bio-properties-panel-id") == "intake"
    lane = page.locator('.bio-properties-panel-group[data-group-id="group-pf-lane"] .bio-properties-panel-group-header')
    lane.click()
    assert "(reception)" in page.inner_text("[data-testid=pf-lane]")
    page.fill("#bio-properties-panel-name", "Tiếp nhận và vào sổ kiến nghị / Record and register the petition")
    page.wait_for_function("() => window.petitionflowModeler.get('elementRegistry').get('intake')"
                           ".businessObject.name.startsWith('Tiếp nhận và vào sổ')")
    page.click("#validate")
    page.wait_for_selector("[data-testid=designer-status].ok")
    assert "quy trình petition" in page.inner_text("[data-testid=designer-status]")
    page.click("#deploy")
    page.locator("[data-testid=designer-status]", has_text=f"phiên bản {before + 1}").wait_for()
    check_vietnamese(page)
    shot(page, "designer-deployed")
    latest = models.list_versions(live.ctx, "petition")[0]
    assert latest.version == before + 1 and latest.deployed_by == "thietke"


def test_auditor_finds_completed_task_and_path(open_page: Any, live: Live) -> None:
    reception = sessions.actor_for(live.ctx, "tiepnhan", "demo")
    assert reception is not None
    info = petitions.submit(live.ctx, reception, {
        "source": "citizen", "channel": "reception", "field": "ip", "title": "Kiến nghị về nhãn hiệu",
        "content": "Đề nghị hướng dẫn đăng ký nhãn hiệu.", "petitioner_name": "Lê Thị Ba"})
    assert info.instance_id is not None
    task_id = ready_task(live.ctx, info.instance_id, "intake")
    tasks.complete(live.ctx, reception, task_id, {
        "source": "citizen", "petitioner_name": "Lê Thị Ba", "channel": "reception", "field": "ip",
        "title": "Kiến nghị về nhãn hiệu", "content": "Đề nghị hướng dẫn đăng ký nhãn hiệu.",
        "received_on": service_today().isoformat(), "petition_type": "kien_nghi"})
    assert Actor("kiemtoan", "demo", frozenset({"auditor"})).has("auditor")

    page = open_page("kiemtoan")
    page.goto("/audit")
    assert "Đã kiểm tra chuỗi băm" in page.inner_text("[data-testid=verification]")
    page.fill("input[name=petition]", info.code)
    page.select_option("select[name=type]", "task_completed")
    page.click("[data-testid=audit-search] button[type=submit]")
    rows = page.locator("[data-testid=audit-table] tbody tr")
    assert rows.count() == 1
    row = rows.first.inner_text()
    assert "tiepnhan" in row and "Tiếp nhận" in row and "intake" not in row  # the step by its name, not its id
    check_vietnamese(page)
    shot(page, "auditor-search")
    rows.first.locator("a").click()
    page.wait_for_selector("#diagram[data-ready='1']")
    assert page.locator('.djs-element.pf-done[data-element-id="intake"]').count() == 1
    assert page.locator('.djs-element.pf-active[data-element-id="consolidate_inspectorate"]').count() == 1
    check_vietnamese(page)
    shot(page, "auditor-timeline")
    with page.expect_download() as download:
        page.goto("/audit")
        page.click("[data-testid=export]")
    assert download.value.suggested_filename == "audit-trail.csv"


def test_designer_sees_a_planted_problem_marked_on_its_element(open_page: Any, live: Live) -> None:
    page = open_page("thietke")
    page.goto("/designer")
    page.locator("tr[data-key=petition]").first.locator("button").click()
    page.wait_for_selector("#modeler[data-ready='1']")
    # the designer deletes the only flow into "check_consolidation", so nothing ever reaches it
    page.click('.djs-connection[data-element-id="f_consolidated_check"]', force=True)  # a flat line has no height
    page.click('.djs-context-pad .entry[data-action="delete"]')
    assert page.locator('.djs-element[data-element-id="f_consolidated_check"]').count() == 0
    page.click("#validate")
    page.wait_for_selector("[data-testid=designer-status].error")
    assert "check_consolidation" in page.inner_text("#problems")
    page.wait_for_selector('.djs-element.pf-problem[data-element-id="check_consolidation"]')
    assert page.locator(".djs-element.pf-problem").count() == 1
    shot(page, "designer-problem-marked")
