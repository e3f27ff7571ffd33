"""A designer compares two versions of a model on the real pages (changes listed and marked on both
diagrams), dry-runs the move of the running instances (the blocked one says why), moves the other one,
and that instance runs to its end on the new version with its audit trail intact."""

from __future__ import annotations

from typing import Any

from service.pack import read_bundle
from service.usecases import audit, instances, models, sessions
from service.web import i18n
from tests.conftest import BPMN
from tests.e2e.conftest import Live, shot
from tests.e2e.helpers import VISIBLE_TEXT, english_left, ready_task
from tests.integration.version_diagrams import intake_v2

READ_OUTSIDE_DIAGRAMS = VISIBLE_TEXT.replace("#modeler,", "#modeler, .version-diagram,")
"""The page's own words; the diagrams show the designer's diagram as drawn (ids, lane codes, both languages)."""
KEY = "intake_versions"
"""The intake diagram under its own process id, so the other browser tests' intake model is untouched."""


def _vietnamese(page: Any) -> None:
    hits = english_left(page.evaluate(READ_OUTSIDE_DIAGRAMS))
    assert not hits and not i18n.missing, (hits, sorted(i18n.missing))


def _deploy(live: Live) -> None:
    designer = sessions.actor_for(live.ctx, "thietke", "demo")
    assert designer is not None
    bundle = read_bundle(BPMN / "intake_review.bpmn")
    first = bundle.bpmn.decode("utf-8").replace("intake_review", KEY)
    models.deploy_bundle(live.ctx, designer, first.encode(), bundle.resources, f"{KEY}.bpmn", key=KEY)
    models.deploy_bundle(live.ctx, designer, intake_v2().replace("intake_review", KEY).encode(), bundle.resources,
                         f"{KEY}.bpmn", key=KEY)


def test_a_designer_compares_versions_and_moves_instances(open_page: Any, live: Live) -> None:
    office = sessions.actor_for(live.ctx, "vanphong", "demo")
    reception = sessions.actor_for(live.ctx, "tiepnhan", "demo")
    assert office is not None and reception is not None
    _deploy(live)
    numbers = sorted(v.version for v in models.list_versions(live.ctx, KEY, "demo"))
    old, new = numbers[-2], numbers[-1]
    movable = instances.start_instance(live.ctx, office, KEY, {}, version=old, business_key="HS-CHUYEN")
    blocked = instances.start_instance(live.ctx, office, KEY, {}, version=old, business_key="HS-KHONG-CHUYEN")
    register = {"title": "Đề nghị", "source": "citizen", "content": "Nội dung"}
    instances.complete_task(live.ctx, reception, blocked.open_tasks[0].id, register)

    page = open_page("thietke")
    page.goto("/designer")
    page.locator(f"tr[data-key={KEY}][data-version='{new}'] [data-testid=compare-link]").click()
    page.wait_for_selector("#diagram-old[data-ready='1']")
    page.wait_for_selector("#diagram-new[data-ready='1']")
    assert page.locator("#diagram-old").get_attribute("data-marked") == "2"  # removed + changed
    assert page.locator("#diagram-new").get_attribute("data-marked") == "2"  # added + changed
    assert page.locator("#diagram-new .djs-element.pf-added[data-element-id=review_summary]").count() == 1
    assert page.locator("#diagram-old .djs-element.pf-removed[data-element-id=classify_petition]").count() == 1
    rows = {r.get_attribute("data-element"): r.get_attribute("data-kind")
            for r in page.locator("[data-testid=changes] tbody tr").all()}
    assert rows == {"review_summary": "added", "classify_petition": "removed", "record_classification": "changed"}
    _vietnamese(page)
    shot(page, "thiet-ke-so-sanh-phien-ban")

    page.click("[data-testid=dry-run]")
    page.wait_for_selector("[data-testid=move-results]")
    blocked_row = page.locator(f"tr[data-instance='{blocked.id}']")
    assert "không còn trong phiên bản mới" in blocked_row.inner_text()
    assert "classify_petition" in blocked_row.inner_text()
    _vietnamese(page)
    shot(page, "thiet-ke-chay-thu-chuyen-phien-ban")

    page.locator(f"tr[data-instance='{movable.id}'] button").click()
    page.wait_for_selector("[data-testid=moved-one]")
    assert f"phiên bản {new}" in page.locator("[data-testid=moved-one]").inner_text()
    shot(page, "thiet-ke-da-chuyen")

    instances.complete_task(live.ctx, reception, ready_task(live.ctx, movable.id, "register_petition"), register)
    instances.complete_task(live.ctx, office, ready_task(live.ctx, movable.id, "review_summary"), {"notice": "Đã xem"})
    finished = instances.complete_task(live.ctx, reception, ready_task(live.ctx, movable.id, "notify_petitioner"),
                                       {"notice": "Đã thông báo"})
    assert finished.status == "completed"
    assert audit.verify_trail(live.ctx).ok
