"""A designer changes what the petition process does in the browser: the properties panel sets a
step's form and deadline, a gateway's condition and a timer; dmn-js edits a decision table cell; a new
form made in the form editor is bound to a step; a new process is started, downloaded and uploaded."""

from __future__ import annotations

import json
import re
from typing import Any

from lxml import etree

from service.usecases import drafts, sessions
from tests.e2e.conftest import Live, shot
from tests.e2e.helpers import check_vietnamese

NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
      "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core"}


def _draft_id(page: Any) -> int:
    found = re.search(r"/designer/drafts/(\d+)", page.url)
    assert found, page.url
    return int(found.group(1))


def _saved(live: Live, draft_id: int) -> drafts.DraftInfo:
    actor = sessions.actor_for(live.ctx, "thietke", "demo")
    assert actor is not None
    return drafts.get(live.ctx, actor, draft_id)


def _group(page: Any, group: str) -> None:
    box = page.locator(f'.bio-properties-panel-group[data-group-id="group-{group}"]')
    header = box.locator(".bio-properties-panel-group-header")
    header.wait_for()
    if "open" not in (header.get_attribute("class") or ""):
        header.click()


def _select(page: Any, element_id: str, connection: bool = False) -> None:
    if connection:  # a bent flow's (or a lane's) box centre is not on it: select it as a click there would
        page.evaluate("id => { const m = window.petitionflowModeler;"
                      " m.get('selection').select(m.get('elementRegistry').get(id)); }", element_id)
    else:
        page.click(f'.djs-element[data-element-id="{element_id}"]')
    page.wait_for_function("id => { const s = window.petitionflowModeler.get('selection').get();"
                           " return s.length === 1 && s[0].id === id; }", arg=element_id)


def _wait_model(page: Any, script: str, arg: Any) -> None:
    """Wait until the modeler's model shows an edit (entries write after a short debounce)."""
    page.wait_for_function(script, arg=arg)


def _drag(page: Any, source: str, target: str) -> None:
    """Drag with the mouse in steps, as the form editor's drag and drop wants moves between press and release."""
    start = page.locator(source).bounding_box()
    end = page.locator(target).first.bounding_box()
    assert start and end
    x0, y0 = start["x"] + start["width"] / 2, start["y"] + start["height"] / 2
    x1, y1 = end["x"] + 100, end["y"] + 40
    page.mouse.move(x0, y0)
    page.mouse.down()
    for step in range(1, 11):
        page.mouse.move(x0 + (x1 - x0) * step / 10, y0 + (y1 - y0) * step / 10)
    page.mouse.up()


def _open_draft(page: Any, key: str) -> None:
    page.goto("/designer")
    page.locator(f"tr[data-key={key}]").first.locator("button").click()
    page.wait_for_selector("#modeler[data-ready='1']")


def _open_petition_draft(page: Any) -> None:
    _open_draft(page, "petition")


def test_designer_sets_form_deadline_condition_timer_in_the_panel(open_page: Any, live: Live) -> None:
    page = open_page("thietke")
    _open_petition_draft(page)
    check_vietnamese(page)
    draft_id = _draft_id(page)

    # a user task: its form and a deadline counted in working days
    _select(page, "draft_answer")
    _group(page, "pf-form")
    page.select_option("#bio-properties-panel-pf-formKey", "petition_review_draft.form.json")
    _group(page, "pf-deadline")
    page.fill("#bio-properties-panel-pf-dueIn", "P12D")
    page.select_option("#bio-properties-panel-pf-dueDays", "working")
    assert "Bộ phận" in page.inner_text("#properties")
    shot(page, "designer-panel-user-task")
    _wait_model(page, """() => {
      const bo = window.petitionflowModeler.get('elementRegistry').get('draft_answer').businessObject;
      const props = bo.extensionElements.values.find(v => v.$type === 'spiffworkflow:Properties').properties;
      return props.some(p => p.name === 'dueIn' && p.value === 'P12D');
    }""", None)

    # a gateway's outgoing flow: its condition
    _select(page, "f_outcome_answered", connection=True)
    _group(page, "pf-condition")
    page.fill("#bio-properties-panel-pf-condition", 'outcome == "answered" and petition_id is not None')
    _wait_model(page, """() => window.petitionflowModeler.get('elementRegistry').get('f_outcome_answered')
      .businessObject.conditionExpression.body.includes('is not None')""", None)

    page.click("#save")
    page.wait_for_selector("[data-testid=designer-status].ok")
    saved = _saved(live, draft_id)
    root = etree.fromstring(saved.bpmn_xml.encode())
    task = root.find(".//bpmn:userTask[@id='draft_answer']", NS)
    assert task is not None
    props = {p.get("name"): p.get("value") for p in task.iterfind(".//spiffworkflow:property", NS)}
    assert props["formKey"] == "petition_review_draft.form.json"
    assert props["dueIn"] == "P12D" and props["dueDays"] == "working"
    assert props["dueInVariable"] == "draft_deadline"  # what the panel did not touch stays
    condition = root.find(".//bpmn:sequenceFlow[@id='f_outcome_answered']/bpmn:conditionExpression", NS)
    assert condition is not None and condition.text == 'outcome == "answered" and petition_id is not None'

    # the server's validation (the engine's parser) accepts what the panel wrote
    page.click("#validate")
    page.wait_for_selector("[data-testid=designer-status].ok")
    assert "quy trình petition" in page.inner_text("[data-testid=designer-status]")
    check_vietnamese(page)

    # a timer (the petition pack counts its deadlines in working days and has none; the periodic report waits
    # for its drafting date): the designer types an ISO 8601 duration, the panel quotes it for the engine
    _open_draft(page, "periodic_report")
    report_id = _draft_id(page)
    _select(page, "wait_drafting")
    _group(page, "pf-timer")
    page.select_option("#bio-properties-panel-pf-timerKind", "timeDuration")
    page.fill("#bio-properties-panel-pf-timerValue", "P3D")
    _wait_model(page, """() => window.petitionflowModeler.get('elementRegistry').get('wait_drafting')
      .businessObject.eventDefinitions[0].timeDuration.body === '"P3D"'""", None)
    assert page.input_value("#bio-properties-panel-pf-timerValue") == "P3D"
    shot(page, "designer-panel-timer")
    page.click("#save")
    page.wait_for_selector("[data-testid=designer-status].ok")
    report = etree.fromstring(_saved(live, report_id).bpmn_xml.encode())
    timer = report.find(".//bpmn:intermediateCatchEvent[@id='wait_drafting']//bpmn:timeDuration", NS)
    assert timer is not None and timer.text == '"P3D"'
    page.click("#validate")
    page.wait_for_selector("[data-testid=designer-status].ok")


def test_designer_edits_a_decision_table_cell_in_dmn_js(open_page: Any, live: Live) -> None:
    page = open_page("thietke")
    _open_petition_draft(page)
    draft_id = _draft_id(page)
    page.click("[data-testid=resources] a:text-is('classify_petition.dmn')")
    page.wait_for_selector("#dmn-editor[data-ready='1']")
    cell = page.locator('td[data-row-id="Rule_complaint"][data-col-id="Output_draft_deadline"] [contenteditable]')
    assert cell.inner_text().strip() == '"P20D"'
    cell.click()
    page.keyboard.press("Control+A")
    page.keyboard.type('"P21D"')
    page.click("h1")  # leave the cell
    page.wait_for_function("""() => {
      const rules = window.petitionflowDmn.getDefinitions().drgElement
        .find(d => d.id === 'classify_petition').decisionLogic.rule;
      return rules.find(r => r.id === 'Rule_complaint').outputEntry[2].text === '"P21D"';
    }""")
    shot(page, "designer-dmn-cell")
    page.click("#save")
    page.wait_for_selector("[data-testid=designer-status].ok")
    dmn = _saved(live, draft_id).resources["classify_petition.dmn"]
    assert "<text>\"P21D\"</text>" in dmn.replace("&#34;", '"').replace("&quot;", '"')
    page.goto(f"/designer/drafts/{draft_id}")
    page.wait_for_selector("#modeler[data-ready='1']")
    page.click("#validate")
    page.wait_for_selector("[data-testid=designer-status].ok")


def test_designer_makes_a_new_form_and_binds_it_to_a_step(open_page: Any, live: Live) -> None:
    page = open_page("thietke")
    _open_petition_draft(page)
    draft_id = _draft_id(page)
    _select(page, "review_draft")
    _group(page, "pf-form")
    page.click(".pf-new-form")
    page.wait_for_selector("#form-editor[data-ready='1']")
    assert page.url.endswith("/resources/review_draft.form.json")
    _drag(page, '.fjs-palette-field[data-field-type="textfield"]', ".fjs-editor-form-root")
    page.wait_for_selector(".fjs-form-field-textfield")
    shot(page, "designer-new-form")
    page.click("#save")
    page.wait_for_selector("[data-testid=designer-status].ok")
    saved = _saved(live, draft_id)
    form = json.loads(saved.resources["review_draft.form.json"])
    assert [c["type"] for c in form["components"]] == ["textfield"]
    root = etree.fromstring(saved.bpmn_xml.encode())
    bound = root.find(".//bpmn:userTask[@id='review_draft']//spiffworkflow:property[@name='formKey']", NS)
    assert bound is not None and bound.get("value") == "review_draft.form.json"
    # back on the diagram the panel offers and shows the new form
    page.goto(f"/designer/drafts/{draft_id}")
    page.wait_for_selector("#modeler[data-ready='1']")
    _select(page, "review_draft")
    _group(page, "pf-form")
    assert page.input_value("#bio-properties-panel-pf-formKey") == "review_draft.form.json"


def test_designer_starts_downloads_and_uploads_a_process(open_page: Any, live: Live, tmp_path: Any) -> None:
    page = open_page("thietke")
    page.goto("/designer")
    check_vietnamese(page)
    page.fill("[data-testid=new-process] input[name=key]", "xu_ly_van_ban")
    page.fill("[data-testid=new-process] input[name=name]", "Xử lý văn bản đến")
    page.select_option("[data-testid=new-process] select[name=lane]", "office")
    page.click("[data-testid=new-process] button[type=submit]")
    page.wait_for_selector("#modeler[data-ready='1']")
    assert page.locator('.djs-element[data-element-id="start"]').count() == 1
    assert page.locator('.djs-element[data-element-id="Lane_xu_ly_van_ban"]').count() == 1
    _select(page, "start")
    _group(page, "pf-lane")
    assert "office" in page.inner_text("[data-testid=pf-lane]")
    # the lane's role is chosen from the roles that work lanes
    _select(page, "Lane_xu_ly_van_ban", connection=True)
    _group(page, "pf-laneRole")
    page.select_option("#bio-properties-panel-pf-laneRole", "inspectorate")
    _wait_model(page, """() => window.petitionflowModeler.get('elementRegistry').get('Lane_xu_ly_van_ban')
      .businessObject.name === 'inspectorate'""", None)
    _select(page, "start")
    assert "inspectorate" in page.inner_text("[data-testid=pf-lane]")
    check_vietnamese(page)
    shot(page, "designer-new-process")
    with page.expect_download() as download:
        page.click("[data-testid=download-bpmn]")
    assert download.value.suggested_filename == "xu_ly_van_ban.bpmn"
    path = tmp_path / "xu_ly_van_ban.bpmn"
    download.value.save_as(path)
    text = path.read_text(encoding="utf-8")
    assert 'id="xu_ly_van_ban"' in text and "Xử lý văn bản đến" in text

    # the downloaded file, renamed to another process, uploaded as a new draft
    other = tmp_path / "ban_sao.bpmn"
    other.write_text(text.replace('"xu_ly_van_ban"', '"ban_sao"').replace("processRef=\"xu_ly_van_ban\"",
                                                                            'processRef="ban_sao"'), encoding="utf-8")
    page.goto("/designer")
    page.set_input_files("[data-testid=upload-bpmn] input[type=file]", str(other))
    page.click("[data-testid=upload-bpmn] button[type=submit]")
    page.wait_for_selector("#modeler[data-ready='1']")
    assert "ban_sao" in page.inner_text("h1")
    assert _saved(live, _draft_id(page)).key == "ban_sao"
