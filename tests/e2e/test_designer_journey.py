"""A designer's whole journey on the real pages: an admin adds a group to the department and grants it; the
designer adds that group's lane and a new step in it inside the petition's handling sub-process, with a new
form, a deadline and a reminder timer; a gateway condition and a decision table cell changed; a planted
problem marked on the diagram and fixed; the version published, compared with the one before, a running
petition moved onto it; and a member of the group completes the new step from their task list, which the
office does not see."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from sqlalchemy import select

from service.domain import petitions, web_tasks
from service.domain.demo import DEMO_PASSWORD
from service.store.tables import HumanTask
from service.usecases import accounts, models, sessions, tasks
from service.usecases.context import Actor
from service.usecases.errors import Forbidden
from tests.dates import service_today
from tests.e2e.conftest import Live
from tests.e2e.helpers import check_vietnamese, ready_task
from tests.e2e.test_designer_panel import _drag, _group, _open_draft, _select

AGENCY = "quangngai-khcn"
"""A department no other browser test works in, so the version published here changes no other test's
petition process (each agency runs its own versions, else the shared pack)."""
LANE, LANE_USER = "office", "vanphong"
"""The lane the new step is dropped in (on a flow of its band), and a person who works it."""
GROUP, GROUP_KEY, GROUP_USER = "Tổ Pháp chế", "tổ pháp chế", "ttthongtin"
"""The group the admin adds, the key its lane matches by, and the person (of another lane) it is granted to;
the designer adds its lane below `LANE` and moves the new step there."""
FLOW, BEFORE, AFTER = "f_classify_route", "classify", "route"
"""The flow in the handling sub-process the new step is dropped on, inside `LANE`'s band, and its ends."""
STEP = "journey_legal_check"
STEP_NAME = "Tổ Pháp chế rà soát hồ sơ / The legal team checks the file"
STEP_LINK = '.djs-element[data-element-id="{id}"]'
NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
      "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core"}


def snap(page: Any, name: str) -> Path:
    path = Path(f"/tmp/lanejourney-{name}.png")
    page.screenshot(path=str(path), full_page=True)
    return path


def _actor(live: Live, username: str) -> Any:
    found = sessions.actor_for(live.ctx, username, AGENCY)
    assert found is not None
    return found


def _running_petition(live: Live) -> Any:
    """A petition registered at reception, waiting for the inspectorate's handling decision."""
    reception = _actor(live, "tiepnhan")
    fields = {"source": "citizen", "channel": "reception", "field": "science", "title": "Kiến nghị về đề tài",
              "content": "Đề nghị xem xét việc nghiệm thu đề tài.", "petitioner_name": "Phạm Văn Tư"}
    info = petitions.submit(live.ctx, reception, fields)
    assert info.instance_id is not None
    tasks.complete(live.ctx, reception, ready_task(live.ctx, info.instance_id, "intake"),
                   {**fields, "petition_type": "kien_nghi", "received_on": service_today().isoformat()})
    ready_task(live.ctx, info.instance_id, "consolidate_inspectorate")
    return info


def _signed_in(open_page: Any, username: str) -> Any:
    """A page signed in as `username` working in `AGENCY` (the sign-in page's agency field)."""
    page = open_page()
    page.goto("/signin")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.fill("input[name=agency]", AGENCY)
    page.click("form.stack button[type=submit]")
    page.wait_for_selector("[data-testid=signed-in]")
    return page


def _on_screen(page: Any, x: float, y: float) -> tuple[float, float]:
    """Where the diagram point (x, y) is on the screen."""
    found = page.evaluate("""([x, y]) => { const c = window.petitionflowModeler.get('canvas');
      const vb = c.viewbox(), r = c._container.getBoundingClientRect();
      return [r.left + (x - vb.x) * vb.scale, r.top + (y - vb.y) * vb.scale]; }""", [x, y])
    return float(found[0]), float(found[1])


def _glide(page: Any, x: float, y: float) -> None:
    """Move the mouse to (x, y) in steps, as bpmn-js's create and drop wants hovering."""
    for step in range(1, 9):
        page.mouse.move(x - (8 - step) * 6, y - (8 - step) * 3)
    page.mouse.move(x, y)


def _x_of(page: Any, element_id: str) -> float:
    return float(page.evaluate("id => window.petitionflowModeler.get('elementRegistry').get(id).x", element_id))


def _scale(page: Any) -> float:
    return float(page.evaluate("() => window.petitionflowModeler.get('canvas').viewbox().scale"))


def _replace(page: Any, option: str) -> None:
    """The context pad's wrench, then an entry of the replace menu (the pad drawn just after a drop may
    take the first click to settle, so the wrench is clicked again until the menu is open)."""
    for _attempt in range(5):
        page.click('.djs-context-pad .entry[data-action="replace"]')
        try:
            page.wait_for_selector(f'.djs-popup [data-id="{option}"]', timeout=1000)
            break
        except Exception:  # the menu did not open on this click
            continue
    page.click(f'.djs-popup [data-id="{option}"]')


def _draft_id(page: Any) -> int:
    found = re.search(r"/designer/drafts/(\d+)", page.url)
    assert found, page.url
    return int(found.group(1))


def _back_to_draft(page: Any, draft_id: int) -> None:
    page.goto(f"/designer/drafts/{draft_id}")
    page.wait_for_selector("#modeler[data-ready='1']")


def _add_step_on_the_flow(page: Any) -> None:
    """From the palette, drop a task on the flow (bpmn-js splits the flow), make it a user task, name it."""
    page.evaluate("() => window.petitionflowModeler.get('canvas').viewbox({x: 1150, y: 150, width: 700, height: 520})")
    middle = page.evaluate(f"""() => {{ const w = window.petitionflowModeler.get('elementRegistry').get('{FLOW}')
      .waypoints; return [(w[0].x + w[1].x) / 2, (w[0].y + w[1].y) / 2]; }}""")
    lane_band = page.evaluate(f"""() => window.petitionflowModeler.get('elementRegistry').filter(e =>
      e.type === 'bpmn:Lane' && e.businessObject.name === '{LANE}').map(e => [e.y, e.y + e.height])[0]""")
    assert lane_band[0] < middle[1] < lane_band[1], (middle, lane_band)
    # the space tool first makes room on the flow for the new step
    before = _x_of(page, AFTER)
    page.click('.djs-palette .entry[data-action="space-tool"]')
    x, y = _on_screen(page, middle[0], middle[1] + 60)
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(1, 11):  # rightwards from the first move, so the steps right of the line move
        page.mouse.move(x + 14 * step * _scale(page), y)
    page.mouse.up()
    assert _x_of(page, AFTER) - before > 100
    snap(page, "space-made")
    middle = page.evaluate(f"""() => {{ const f = window.petitionflowModeler.get('elementRegistry').get('{FLOW}');
      const a = f.source, b = f.target;
      return [(a.x + a.width + b.x) / 2, a.y + a.height / 2, b.x - a.x - a.width]; }}""")
    assert middle[2] > 180, middle
    page.keyboard.press("Escape")
    page.click('.djs-palette .entry[data-action="create.task"]')
    x, y = _on_screen(page, middle[0], middle[1])
    _glide(page, x, y)
    page.mouse.click(x, y)
    created = page.evaluate("""() => { const s = window.petitionflowModeler.get('selection').get();
      return s.length === 1 ? [s[0].id, s[0].type] : null; }""")
    assert created and created[1] == "bpmn:Task", created
    _replace(page, "replace-with-user-task")
    page.wait_for_function("() => window.petitionflowModeler.get('selection').get()[0].type === 'bpmn:UserTask'")
    _group(page, "general")
    page.fill("#bio-properties-panel-id", STEP)
    page.fill("#bio-properties-panel-name", STEP_NAME)
    page.wait_for_function(f"""() => {{ const e = window.petitionflowModeler.get('elementRegistry').get('{STEP}');
      return e && e.businessObject.name === '{STEP_NAME}'; }}""")
    assert _x_of(page, STEP) + 100 < _x_of(page, AFTER), "the new step overlaps the next one"
    incoming = page.evaluate(f"""() => window.petitionflowModeler.get('elementRegistry').get('{STEP}')
      .incoming.map(f => f.source.id).concat(window.petitionflowModeler.get('elementRegistry').get('{STEP}')
      .outgoing.map(f => f.target.id))""")
    assert incoming == [BEFORE, AFTER], incoming
    _group(page, "pf-lane")
    assert f"({LANE})" in page.inner_text("[data-testid=pf-lane]")


def _add_the_group(open_page: Any) -> None:
    """The admin's groups page: the new group, then granted to `GROUP_USER`."""
    admin = _signed_in(open_page, "quantri")
    admin.goto("/admin/groups")
    admin.fill("[data-testid=group-form] input[name=name]", GROUP)
    admin.click("[data-testid=group-form] button[type=submit]")
    admin.wait_for_url("**/admin/groups?done=*")
    admin.select_option("[data-testid=grant-form] select[name=group]", GROUP_KEY)
    admin.select_option("[data-testid=grant-form] select[name=username]", GROUP_USER)
    admin.click("[data-testid=grant-form] button[type=submit]")
    admin.wait_for_url("**/admin/groups?done=*")
    assert GROUP_USER in admin.inner_text(f'[data-testid="group-{GROUP_KEY}"]')
    snap(admin, "group-granted")
    admin.close()


def _lane_named(page: Any, name: str) -> list[float]:
    """The lane named `name`: [x, y, width, height]."""
    found = page.evaluate("""name => window.petitionflowModeler.get('elementRegistry').filter(e =>
      e.type === 'bpmn:Lane' && e.businessObject.name === name).map(e => [e.x, e.y, e.width, e.height])""", name)
    assert len(found) == 1, (name, found)
    return [float(v) for v in found[0]]


def _add_the_group_lane(page: Any) -> None:
    """The office lane's context pad adds a lane below it; the panel names it after the new group."""
    x, y, width, height = _lane_named(page, LANE)
    page.evaluate(f"""() => window.petitionflowModeler.get('canvas').viewbox({{x: {x + width - 600},
      y: {y}, width: 700, height: 520}})""")
    before = page.evaluate("""() => window.petitionflowModeler.get('elementRegistry')
      .filter(e => e.type === 'bpmn:Lane').map(e => e.id)""")
    _select(page, f"Lane_{LANE}", connection=True)
    page.click('.djs-context-pad .entry[data-action="lane-insert-below"]')
    added = page.evaluate("""before => window.petitionflowModeler.get('elementRegistry')
      .filter(e => e.type === 'bpmn:Lane' && before.indexOf(e.id) < 0).map(e => [e.id, e.y])""", before)
    assert len(added) == 1 and added[0][1] == y + height, (added, y + height)
    _select(page, added[0][0], connection=True)
    _group(page, "pf-laneRole")
    page.select_option("#bio-properties-panel-pf-laneRole", label=GROUP)
    page.wait_for_function("([id, name]) => window.petitionflowModeler.get('elementRegistry').get(id)"
                           ".businessObject.name === name", arg=[added[0][0], GROUP])
    snap(page, "lane-added")


def _move_the_step_into_the_group_lane(page: Any) -> None:
    """Drag the new step straight down into the group's band of the sub-process; it keeps its flows."""
    _x, band_top, _width, band_height = _lane_named(page, GROUP)
    box = page.evaluate(f"""() => {{ const e = window.petitionflowModeler.get('elementRegistry').get('{STEP}');
      return [e.x + e.width / 2, e.y + e.height / 2]; }}""")
    target = band_top + band_height / 2
    page.evaluate(f"""() => window.petitionflowModeler.get('canvas').viewbox({{x: {box[0] - 350},
      y: {box[1] - 100}, width: 700, height: 520}})""")
    x, y = _on_screen(page, box[0], box[1])
    page.mouse.move(x, y)
    page.mouse.down()
    end_x, end_y = _on_screen(page, box[0], target)
    for step in range(1, 11):
        page.mouse.move(end_x, y + (end_y - y) * step / 10)
    page.mouse.up()
    moved = page.evaluate(f"""() => {{ const e = window.petitionflowModeler.get('elementRegistry').get('{STEP}');
      return [e.y, e.y + e.height, e.parent.id]; }}""")
    assert band_top <= moved[0] and moved[1] <= band_top + band_height and moved[2] == "handling", (moved, band_top)
    ends = page.evaluate(f"""() => {{ const e = window.petitionflowModeler.get('elementRegistry').get('{STEP}');
      return [e.incoming.map(f => f.source.id), e.outgoing.map(f => f.target.id)]; }}""")
    assert ends == [[BEFORE], [AFTER]], ends
    page.wait_for_function("id => window.petitionflowModeler.get('selection').get()[0].id === id", arg=STEP)
    _group(page, "pf-lane")
    assert f"({GROUP})" in page.inner_text("[data-testid=pf-lane]")


def _bind_a_new_form(page: Any) -> None:
    """The panel's new-form button saves the diagram and opens the form editor; one text field is added."""
    _group(page, "pf-form")  # the new step is still selected
    page.click(".pf-new-form")
    page.wait_for_selector("#form-editor[data-ready='1']")
    assert page.url.endswith(f"/resources/{STEP}.form.json")
    _drag(page, '.fjs-palette-field[data-field-type="textfield"]', ".fjs-editor-form-root")
    page.wait_for_selector(".fjs-form-field-textfield")
    snap(page, "form-editor")
    page.click("#save")
    page.wait_for_selector("[data-testid=designer-status].ok")


def _edit_a_decision_cell(page: Any) -> None:
    page.click("[data-testid=resources] a:text-is('classify_petition.dmn')")
    page.wait_for_selector("#dmn-editor[data-ready='1']")
    cell = page.locator('td[data-row-id="Rule_complaint"][data-col-id="Output_draft_deadline"] [contenteditable]')
    cell.click()
    page.keyboard.press("Control+A")
    page.keyboard.type('"P22D"')
    page.click("h1")
    page.wait_for_function("""() => window.petitionflowDmn.getDefinitions().drgElement
      .find(d => d.id === 'classify_petition').decisionLogic.rule
      .find(r => r.id === 'Rule_complaint').outputEntry[2].text === '"P22D"'""")
    snap(page, "dmn-cell")
    page.click("#save")
    page.wait_for_selector("[data-testid=designer-status].ok")


def _set_deadline_and_condition(page: Any) -> None:
    _select(page, STEP)
    _group(page, "pf-deadline")
    page.fill("#bio-properties-panel-pf-dueIn", "P2D")
    page.select_option("#bio-properties-panel-pf-dueDays", "working")
    page.wait_for_function(f"""() => {{ const bo = window.petitionflowModeler.get('elementRegistry').get('{STEP}')
      .businessObject; const p = bo.extensionElements.values.find(v => v.$type === 'spiffworkflow:Properties');
      return p.properties.some(x => x.name === 'dueIn' && x.value === 'P2D'); }}""")
    page.evaluate("id => { const m = window.petitionflowModeler;"
                  " m.get('selection').select(m.get('elementRegistry').get(id)); }", "f_outcome_answered")
    _group(page, "pf-condition")
    page.fill("#bio-properties-panel-pf-condition", 'outcome == "answered" and petition_id is not None')
    page.wait_for_function("""() => window.petitionflowModeler.get('elementRegistry').get('f_outcome_answered')
      .businessObject.conditionExpression.body.includes('is not None')""")


def _attach_a_reminder_timer(page: Any) -> str:
    """Drop an intermediate event on the new step's lower edge (a boundary event), make it a non-interrupting
    timer; answers its id."""
    page.evaluate(f"""() => {{ const m = window.petitionflowModeler, e = m.get('elementRegistry').get('{STEP}');
      m.get('canvas').viewbox({{x: e.x - 300, y: e.y - 200, width: 700, height: 520}}); }}""")
    box = page.evaluate(f"""() => {{ const e = window.petitionflowModeler.get('elementRegistry').get('{STEP}');
      return [e.x + e.width / 2 + 20, e.y + e.height]; }}""")
    page.click('.djs-palette .entry[data-action="create.intermediate-event"]')
    x, y = _on_screen(page, *box)
    _glide(page, x, y)
    page.mouse.click(x, y)
    event = page.evaluate("""() => { const s = window.petitionflowModeler.get('selection').get();
      return s.length === 1 ? [s[0].id, s[0].type, s[0].host ? s[0].host.id : null] : null; }""")
    assert event and event[1] == "bpmn:BoundaryEvent" and event[2] == STEP, event
    _replace(page, "replace-with-non-interrupting-timer-boundary")
    page.wait_for_function("id => window.petitionflowModeler.get('elementRegistry').get(id)"
                           ".businessObject.eventDefinitions.length === 1", arg=event[0])
    return str(event[0])


def _set_timer(page: Any, event_id: str, kind: str, value: str) -> None:
    page.evaluate("id => { const m = window.petitionflowModeler;"
                  " m.get('selection').select(m.get('elementRegistry').get(id)); }", event_id)
    _group(page, "pf-timer")
    page.select_option("#bio-properties-panel-pf-timerKind", kind)
    page.fill("#bio-properties-panel-pf-timerValue", value)
    page.wait_for_function("""([id, kind, value]) => { const d = window.petitionflowModeler.get('elementRegistry')
      .get(id).businessObject.eventDefinitions[0]; return ((d[kind] && d[kind].body) || '').includes(value); }""",
                           arg=[event_id, kind, value])


def test_a_designer_adds_a_groups_step_publishes_and_the_group_completes_it(open_page: Any, live: Live) -> None:
    accounts.grant_roles(live.ctx, Actor("system", "demo", frozenset(), True), "thietke", AGENCY, ["designer"])
    designer = _actor(live, "thietke")
    old = models.list_versions(live.ctx, "petition", AGENCY)[0].version
    running = _running_petition(live)
    _add_the_group(open_page)

    page = _signed_in(open_page, "thietke")
    _open_draft(page, "petition")
    draft_id = _draft_id(page)
    _add_the_group_lane(page)
    _add_step_on_the_flow(page)
    _move_the_step_into_the_group_lane(page)
    snap(page, "step-added")
    _bind_a_new_form(page)
    _back_to_draft(page, draft_id)
    _edit_a_decision_cell(page)
    _back_to_draft(page, draft_id)
    assert page.locator(f'.djs-element[data-element-id="{STEP}"]').count() == 1
    _set_deadline_and_condition(page)
    timer = _attach_a_reminder_timer(page)

    # the planted problem: a reminder written in words; the server names the timer and marks it
    _set_timer(page, timer, "timeCycle", "3 days")
    page.click("#validate")
    page.wait_for_selector("[data-testid=designer-status].error")
    problems = page.inner_text("#problems")
    assert f"phần tử {timer}: không hiểu chu kỳ '3 days' của bộ hẹn giờ" in problems, problems
    assert "R6/P1D" in problems
    page.wait_for_selector(f'.djs-element.pf-problem[data-element-id="{timer}"]')
    assert page.locator(".djs-element.pf-problem").count() == 1
    page.click(STEP_LINK.format(id=STEP), force=True)  # look elsewhere, then follow the problem to the timer
    page.wait_for_function("id => window.petitionflowModeler.get('selection').get()[0].id === id", arg=STEP)
    page.click(f"#problems li[data-element='{timer}']")
    page.wait_for_function("id => window.petitionflowModeler.get('selection').get()[0].id === id", arg=timer)
    check_vietnamese(page)
    snap(page, "problem-marked")

    _set_timer(page, timer, "timeCycle", "R3/PT1H")
    page.click("#validate")
    page.wait_for_selector("[data-testid=designer-status].ok")
    assert page.locator(".djs-element.pf-problem").count() == 0
    page.click("#deploy")
    new = max(v.version for v in models.list_versions(live.ctx, "petition")) + 1  # numbers count deployment-wide
    page.locator("[data-testid=designer-status]", has_text=f"phiên bản {new}").wait_for()
    snap(page, "deployed")

    deployed = models.get_version(live.ctx, designer, "petition", new)
    root = etree.fromstring(deployed.bpmn_xml.encode())
    step = root.find(f".//bpmn:subProcess[@id='handling']/bpmn:userTask[@id='{STEP}']", NS)
    assert step is not None
    props = {p.get("name"): p.get("value") for p in step.iterfind(".//spiffworkflow:property", NS)}
    assert props == {"formKey": f"{STEP}.form.json", "dueIn": "P2D", "dueDays": "working"}
    # the sub-process, resized by the space tool, stays out of every lane (else the engine gives its lane
    # to every step inside)
    assert root.find(".//bpmn:lane/bpmn:flowNodeRef[.='handling']", NS) is None
    for moved in (AFTER, "gw_competence"):  # the space tool moved the steps after it
        assert root.find(f".//bpmn:lane[@name='{LANE}']/bpmn:flowNodeRef[.='{moved}']", NS) is not None, moved
    lanes = [lane.get("name") for lane in root.iterfind(f".//bpmn:lane[bpmn:flowNodeRef='{STEP}']", NS)]
    assert lanes == [GROUP], lanes
    cycle = root.find(f".//bpmn:boundaryEvent[@id='{timer}']//bpmn:timeCycle", NS)
    assert cycle is not None and cycle.text == '"R3/PT1H"'

    # the comparison lists and marks the new step; the running petition moves to the new version
    page.goto(f"/designer/models/petition/compare?from={old}&to={new}")
    page.wait_for_selector("#diagram-new[data-ready='1']")
    assert page.locator(f"[data-testid=changes] tbody tr[data-element={STEP}]").get_attribute("data-kind") == "added"
    assert page.locator(f"#diagram-new .djs-element.pf-added[data-element-id={STEP}]").count() == 1
    snap(page, "compare")
    rows = {r.get_attribute("data-element"): r.get_attribute("data-kind")
            for r in page.locator("[data-testid=changes] tbody tr").all()}
    assert rows.get("gw_outcome") == "changed", rows  # the edited condition belongs to its gateway
    assert rows.get("classify") == "changed", rows  # the task whose decision table's cell was edited
    assert "bảng quyết định (các quy tắc)" in page.inner_text("[data-testid=changes] tbody tr[data-element=classify]")
    page.click("[data-testid=dry-run]")
    page.wait_for_selector("[data-testid=move-results]")
    page.locator(f"tr[data-instance='{running.instance_id}'] button").click()
    page.wait_for_selector("[data-testid=moved-one]")
    assert f"phiên bản {new}" in page.locator("[data-testid=moved-one]").inner_text()
    snap(page, "moved")

    # the inspectorate decides (its own page, not this journey), then the group's member does the new step;
    # the office, whose lane it was dropped in, neither lists it among its tasks nor may complete it (it
    # oversees the department's tasks, so it may read it)
    web_tasks.complete(live.ctx, _actor(live, "thanhtra"),
                       ready_task(live.ctx, running.instance_id, "consolidate_inspectorate"),
                       {"field": "science", "urgency": "normal", "handling_result": "thu_ly"})
    task_id = ready_task(live.ctx, running.instance_id, STEP)
    with live.ctx.uow(write=False) as uow:
        role = uow.session.execute(select(HumanTask.candidate_role).where(HumanTask.id == task_id)).scalar_one()
    assert role == f"group:{GROUP_KEY}"
    office = _signed_in(open_page, LANE_USER)
    office.goto("/tasks")
    office.wait_for_selector("[data-testid=task-table], [data-testid=no-tasks]")
    assert office.locator("tr", has_text=running.code).filter(has_text="Tổ Pháp chế rà soát").count() == 0
    office.close()
    with pytest.raises(Forbidden):
        tasks.complete(live.ctx, _actor(live, LANE_USER), task_id, {})
    person = _signed_in(open_page, GROUP_USER)
    person.goto("/tasks")
    snap(person, "task-list")
    row = person.locator("tr", has_text=running.code).filter(has_text="Tổ Pháp chế rà soát hồ sơ")
    assert GROUP in row.inner_text()  # the task list names the lane's group
    row.locator("a").first.click()
    person.wait_for_selector("[data-testid=task-form]")
    person.locator("[data-testid=task-form] input[type=text]").first.fill("Hồ sơ đủ")
    # the move, in the history (the page is not checked for English words: in this department a unit code
    # shows raw on the task page, a finding left to the pages' owners)
    assert "Chuyển sang phiên bản mới của quy trình" in person.inner_text("body")
    snap(person, "new-step")
    person.click("[data-testid=task-form] button[type=submit]")
    person.wait_for_url("**/tasks?done=*")
    with live.ctx.uow(write=False) as uow:
        done = uow.session.execute(select(HumanTask.status, HumanTask.completed_by).where(
            HumanTask.instance_id == running.instance_id, HumanTask.element_id == STEP)).one()
    assert tuple(done) == ("completed", GROUP_USER)
