"""Each diagram of the process pack, opened in the designer's bpmn-js modeler as a designer would:
its lanes are drawn, its elements carry their labels, no two shapes overlap, the bpmn.io
watermark shows. A screenshot of each is saved."""

from __future__ import annotations

from typing import Any

import pytest
from lxml import etree
from sqlalchemy import select

from service.store.tables import ProcessVersion
from service.usecases import drafts
from service.usecases.context import Actor
from tests.e2e.conftest import ROOT, Live, shot

NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL"}
DESIGNER = Actor("thietke", "demo", frozenset({"designer"}))
SHAPES = """() => {
  const boxes = [];
  document.querySelectorAll('.djs-element.djs-shape[data-element-id]').forEach(el => {
    const id = el.getAttribute('data-element-id');
    if (/^(Lane_|Participant_)/.test(id) || id.endsWith('_label')) return;
    const r = el.querySelector('.djs-visual').getBoundingClientRect();
    boxes.push({id, x: r.x, y: r.y, w: r.width, h: r.height});
  });
  const lanes = [...document.querySelectorAll('.djs-element.djs-shape[data-element-id^="Lane_"]')]
    .map(el => el.querySelector('.djs-visual text')?.textContent.trim() || '');
  const labels = [...document.querySelectorAll('.djs-visual text')].map(t => t.textContent.trim()).filter(Boolean);
  const mark = document.querySelector('.bjs-powered-by');
  const seen = mark && getComputedStyle(mark).display !== 'none' && mark.getBoundingClientRect().width > 0;
  return {boxes, lanes, labels, watermark: !!seen};
}"""


def _overlaps(boxes: list[dict[str, Any]], attached: dict[str, str]) -> list[str]:
    found = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            if attached.get(a["id"]) == b["id"] or attached.get(b["id"]) == a["id"]:
                continue  # a boundary event sits on the edge of the activity it is attached to
            if (a["x"] + 1 < b["x"] + b["w"] and b["x"] + 1 < a["x"] + a["w"]
                    and a["y"] + 1 < b["y"] + b["h"] and b["y"] + 1 < a["y"] + a["h"]):
                inside = (b["x"] >= a["x"] and b["x"] + b["w"] <= a["x"] + a["w"]
                          and b["y"] >= a["y"] and b["y"] + b["h"] <= a["y"] + a["h"])
                if not inside:  # an element inside its sub-process is not an overlap
                    found.append(f"{a['id']} overlaps {b['id']}")
    return found


def _names(diagram: str) -> tuple[list[str], list[str], dict[str, str]]:
    root = etree.fromstring((ROOT / "bpmn" / diagram).read_bytes())
    lanes = [str(lane.get("name")) for lane in root.iterfind(".//bpmn:lane", NS)]
    tasks = [str(t.get("name")) for tag in ("userTask", "scriptTask") for t in root.iterfind(f".//bpmn:{tag}", NS)]
    attached = {str(e.get("id")): str(e.get("attachedToRef")) for e in root.iterfind(".//bpmn:boundaryEvent", NS)}
    return lanes, tasks, attached


@pytest.mark.parametrize("key", ["petition", "dialogue", "periodic_report"])
def test_pack_diagram_renders_cleanly_in_bpmn_js(key: str, live: Live, open_page: Any) -> None:
    with live.ctx.uow(write=False) as uow:
        # the pack as the operator deployed it (shared), whatever the agencies' designers deployed since
        version_id = uow.session.execute(select(ProcessVersion.id).where(ProcessVersion.key == key,
                                                                         ProcessVersion.agency_id.is_(None))
                                         .order_by(ProcessVersion.version.desc()).limit(1)).scalar_one()
    files = drafts.version_files(live.ctx, DESIGNER, version_id)
    draft = drafts.save(live.ctx, DESIGNER, 0, files.key, version_id, files.file_name, files.bpmn_xml, files.resources)
    page = open_page("thietke")
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(f"/designer/drafts/{draft.id}")
    page.wait_for_selector(".djs-element.djs-shape[data-element-id^='Lane_']")
    drawn = page.evaluate(SHAPES)
    lanes, tasks, attached = _names(f"{key}.bpmn")
    assert sorted(drawn["lanes"]) == sorted(lanes)
    assert len(drawn["boxes"]) >= len(tasks) and not _overlaps(drawn["boxes"], attached)
    text = " ".join(drawn["labels"])
    missing = [name for name in tasks if name.split(" / ")[0].split()[0] not in text]
    assert not missing, f"labels not drawn: {missing}"
    assert drawn["watermark"], "the bpmn.io watermark must stay visible"
    shot(page, f"diagram-{key}")
