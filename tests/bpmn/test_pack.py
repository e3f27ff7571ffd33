"""The process pack as files: forms, decisions, lanes, names and diagram interchange (DI)."""

from __future__ import annotations

import json
import re
from itertools import combinations, pairwise

import pytest
from lxml import etree

from service.plan_rules import AGENCY_KEYS
from tests.bpmn.walk import (
    DMN_DIR,
    FORMS_DIR,
    NS,
    PACK,
    ROLES,
    diagram_root,
    load_model,
    referenced_forms,
)
from workflows.models import parse_model

FLOW_NODE_TAGS = ("startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent",
                  "userTask", "manualTask", "scriptTask", "businessRuleTask", "sendTask", "receiveTask",
                  "serviceTask", "task", "exclusiveGateway", "parallelGateway", "inclusiveGateway",
                  "eventBasedGateway", "subProcess", "callActivity")
PREFIX = {"petition.bpmn": "petition_", "dialogue.bpmn": "dialogue_", "periodic_report.bpmn": "periodic_report_"}
VIETNAMESE = re.compile(r"[^\x00-\x7f]")  # any accented letter: the Vietnamese half
Box = tuple[float, float, float, float]


def flow_nodes(root: etree._Element) -> list[etree._Element]:
    return [n for tag in FLOW_NODE_TAGS for n in root.iterfind(f".//bpmn:process//bpmn:{tag}", NS)]


def bounds(root: etree._Element) -> dict[str, Box]:
    found = {}
    for shape in root.iterfind(".//bpmndi:BPMNShape", NS):
        b = shape.find("dc:Bounds", NS)
        found[str(shape.get("bpmnElement"))] = (float(b.get("x")), float(b.get("y")),
                                                float(b.get("width")), float(b.get("height")))
    return found


def overlap(a: Box, b: Box) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def inside(a: Box, b: Box, slack: float = 0) -> bool:
    return (a[0] >= b[0] - slack and a[1] >= b[1] - slack and a[0] + a[2] <= b[0] + b[2] + slack
            and a[1] + a[3] <= b[1] + b[3] + slack)


def lanes_of(root: etree._Element) -> dict[str, str]:
    return {(ref.text or "").strip(): str(lane.get("id"))
            for lane in root.iterfind(".//bpmn:lane", NS) for ref in lane.iterfind("bpmn:flowNodeRef", NS)}


@pytest.mark.parametrize("name", PACK)
def test_diagram_parses_with_every_decision_of_the_pack(name: str) -> None:
    bpmn = diagram_root(name)
    resources = {p.name: p.read_bytes() for p in DMN_DIR.glob("*.dmn")}
    resources |= {form: (FORMS_DIR / form).read_bytes() for form in referenced_forms(bpmn)}
    model = parse_model(etree.tostring(bpmn), resources, file_name=name, known_lanes=ROLES)
    assert model.key == name.removesuffix(".bpmn")


@pytest.mark.parametrize("name", PACK)
def test_lanes_are_staff_roles_and_every_human_task_has_one(name: str) -> None:
    model = load_model(name)
    assert set(model.lanes) <= set(ROLES) and len(model.lanes) == len(set(model.lanes))
    if name == "petition.bpmn":
        assert model.lanes == ROLES
    for task in model.human_tasks.values():
        assert task.lane in ROLES, task.element_id
    assert {t.lane for t in model.human_tasks.values()} == set(model.lanes)  # no empty lane


@pytest.mark.parametrize("name", PACK)
def test_every_user_task_has_its_own_form(name: str) -> None:
    model = load_model(name)
    keys = [t.form_key for t in model.human_tasks.values()]
    assert all(keys) and len(keys) == len(set(keys))
    for task in model.human_tasks.values():
        assert task.form_key == f"{PREFIX[name]}{task.element_id}.form.json"
        assert (FORMS_DIR / task.form_key).is_file()


def test_every_form_of_the_pack_is_used() -> None:
    used = set().union(*(referenced_forms(diagram_root(name)) for name in PACK))
    ours = {p.name for p in FORMS_DIR.glob("*.form.json") if p.name.startswith(tuple(PREFIX.values()))}
    assert ours == used


def _components(components: list[dict[str, object]]) -> list[dict[str, object]]:
    found = []
    for comp in components:
        found.append(comp)
        found += _components(comp.get("components", []))  # type: ignore[arg-type]
    return found


@pytest.mark.parametrize("form", sorted(p.name for p in FORMS_DIR.glob("*.form.json")
                                        if p.name.startswith(tuple(PREFIX.values()))))
def test_form_is_bilingual_and_constrained(form: str) -> None:
    data = json.loads((FORMS_DIR / form).read_text(encoding="utf-8"))
    assert data["type"] == "default" and data["schemaVersion"] == 16
    fields = [c for c in _components(data["components"]) if c.get("key") or c.get("path")]
    assert fields and any(c.get("validate", {}).get("required") for c in fields)
    keys = [c.get("key") or c.get("path") for c in data["components"] if c.get("key") or c.get("path")]
    assert len(keys) == len(set(keys)), "duplicate keys"
    for comp in fields:
        label, english = str(comp["label"]), comp.get("properties", {}).get("label_en")
        assert english and english.isascii() and label != english, comp
        assert VIETNAMESE.search(label) or comp["key"] in ("petition_id",), label
        if comp["type"] in ("textfield", "textarea"):
            assert comp["validate"]["maxLength"] > 0
        if comp["type"] == "select" and comp["key"] in AGENCY_KEYS:  # filled with the deployment's agencies
            assert comp["values"] == []
        elif comp["type"] == "select":
            values = comp["values"]
            assert values and len({v["value"] for v in values}) == len(values)
            assert all(" / " in v["label"] for v in values)
        if comp["type"] == "datetime":
            assert comp["subtype"] == "date" and comp["dateLabel"] == label
    assert VIETNAMESE.search(data["components"][0]["text"])


def test_decision_tables_cover_every_option_of_the_forms() -> None:
    intake = json.loads((FORMS_DIR / "petition_intake.form.json").read_text(encoding="utf-8"))
    consolidate = json.loads((FORMS_DIR / "petition_consolidate_office.form.json").read_text(encoding="utf-8"))
    components = intake["components"] + consolidate["components"]
    options = {c["key"]: {v["value"] for v in c.get("values", [])} for c in components if c.get("key")}
    route = (DMN_DIR / "route_petition.dmn").read_text(encoding="utf-8")
    classify = (DMN_DIR / "classify_petition.dmn").read_text(encoding="utf-8")
    assert all(f'<text>"{v}"</text>' in route for v in options["field"])
    # the statutory table names the complaint and denunciation procedures; every other type (kiến nghị, phản
    # ánh) falls to its catch-all row, whose deadlines come from the plan; every handling decision that
    # reaches the table (all but lưu đơn, which ends before it) has its row
    named = set(re.findall(r'<inputEntry id="Rule_[a-z_]+_in1"><text>"([a-z_]+)"</text>', classify))
    assert named == {"khieu_nai", "to_cao"} and 'not in ("khieu_nai", "to_cao")' in classify
    assert {"khieu_nai", "to_cao", "kien_nghi", "phan_anh"} == options["petition_type"] == options["classified_type"]
    decided = set(re.findall(r'<inputEntry id="Rule_[a-z_]+_in0"><text>"([a-z_]+)"</text>', classify))
    assert decided | {"thu_ly", "luu_don"} == options["handling_result"]
    units = {v["value"] for v in json.loads((FORMS_DIR / "petition_assign_unit.form.json").read_text(
        encoding="utf-8"))["components"][1]["values"]}
    assert set(re.findall(r'<outputEntry id="[^"]+"><text>"([a-z_]+)"</text>', route)) <= units
    deadlines = {v["value"] for v in json.loads((FORMS_DIR / "petition_assign_unit.form.json").read_text(
        encoding="utf-8"))["components"][2]["values"]}
    assert set(re.findall(r'"(P\d+D)"', classify)) <= deadlines


@pytest.mark.parametrize("name", PACK)
def test_names_are_bilingual(name: str) -> None:
    root = diagram_root(name)
    for node in flow_nodes(root):
        tag = etree.QName(node).localname
        named = node.get("name") or ""
        if tag.endswith("Task") or tag in ("subProcess", "startEvent", "boundaryEvent") or named:
            assert " / " in named and VIETNAMESE.search(named.split(" / ")[0]), (node.get("id"), named)
    process = root.find("bpmn:process", NS)
    assert " / " in process.get("name")


@pytest.mark.parametrize("name", PACK)
def test_every_element_has_diagram_interchange(name: str) -> None:
    root = diagram_root(name)
    shapes = bounds(root)
    ids = [str(n.get("id")) for n in flow_nodes(root)]
    ids += [str(n.get("id")) for n in root.iterfind(".//bpmn:lane", NS)]
    ids += [str(n.get("id")) for n in root.iterfind(".//bpmn:participant", NS)]
    assert sorted(ids) == sorted(shapes)
    edges = {str(e.get("bpmnElement")): e for e in root.iterfind(".//bpmndi:BPMNEdge", NS)}
    flows = {str(f.get("id")): f for f in root.iterfind(".//bpmn:sequenceFlow", NS)}
    assert sorted(edges) == sorted(flows)
    for flow_id, flow in flows.items():
        points = [(float(p.get("x")), float(p.get("y"))) for p in edges[flow_id].iterfind("di:waypoint", NS)]
        assert len(points) >= 2
        assert all(a[0] == b[0] or a[1] == b[1] for a, b in pairwise(points)), flow_id
        src, tgt = shapes[str(flow.get("sourceRef"))], shapes[str(flow.get("targetRef"))]
        assert inside((*points[0], 0, 0), src, 1) and inside((*points[-1], 0, 0), tgt, 1), flow_id
        if flow.get("name"):
            assert edges[flow_id].find("bpmndi:BPMNLabel", NS) is not None
    for node in flow_nodes(root):
        tag = etree.QName(node).localname
        if node.get("name") and ("Event" in tag or "Gateway" in tag):
            shape = root.find(f".//bpmndi:BPMNShape[@bpmnElement='{node.get('id')}']", NS)
            assert shape.find("bpmndi:BPMNLabel", NS) is not None, node.get("id")


@pytest.mark.parametrize("name", PACK)
def test_shapes_sit_in_their_lanes_without_overlapping(name: str) -> None:
    root = diagram_root(name)
    shapes = bounds(root)
    lane_of = lanes_of(root)
    host = {str(b.get("id")): str(b.get("attachedToRef")) for b in root.iterfind(".//bpmn:boundaryEvent", NS)}
    lane_boxes = [shapes[str(lane.get("id"))] for lane in root.iterfind(".//bpmn:lane", NS)]
    pool = shapes[str(root.find(".//bpmn:participant", NS).get("id"))]
    for a, b in pairwise(lane_boxes):
        assert a[1] + a[3] == b[1] and a[0] == b[0] and a[2] == b[2]
    assert all(inside(lane, pool) for lane in lane_boxes)
    for node in flow_nodes(root):
        node_id = str(node.get("id"))
        if etree.QName(node).localname == "subProcess":
            assert node_id not in lane_of  # its children carry the lanes (see bpmn/README.md)
            continue
        assert node_id in lane_of, f"{node_id} is in no lane"
        assert inside(shapes[node_id], shapes[lane_of[node_id]]), f"{node_id} lies outside its lane"
    by_lane: dict[str, list[str]] = {}
    for node_id, lane in lane_of.items():
        by_lane.setdefault(lane, []).append(node_id)
    for members in by_lane.values():
        for a, b in combinations(members, 2):
            if host.get(a) == b or host.get(b) == a:
                continue
            assert not overlap(shapes[a], shapes[b]), f"{a} overlaps {b}"


@pytest.mark.parametrize("name", PACK)
def test_edges_do_not_cross_other_shapes(name: str) -> None:
    root = diagram_root(name)
    shapes = bounds(root)
    skip = {str(n.get("id")) for n in root.iterfind(".//bpmn:lane", NS)}
    skip |= {str(n.get("id")) for n in root.iterfind(".//bpmn:participant", NS)}
    skip |= {str(n.get("id")) for n in root.iterfind(".//bpmn:subProcess", NS)}
    host = {str(b.get("id")): str(b.get("attachedToRef")) for b in root.iterfind(".//bpmn:boundaryEvent", NS)}
    for flow in root.iterfind(".//bpmn:sequenceFlow", NS):
        ends = {str(flow.get("sourceRef")), str(flow.get("targetRef"))}
        ends |= {host[e] for e in list(ends) if e in host}
        edge = root.find(f".//bpmndi:BPMNEdge[@bpmnElement='{flow.get('id')}']", NS)
        points = [(float(p.get("x")), float(p.get("y"))) for p in edge.iterfind("di:waypoint", NS)]
        for (x1, y1), (x2, y2) in pairwise(points):
            segment = (min(x1, x2), min(y1, y2), abs(x2 - x1) or 0.001, abs(y2 - y1) or 0.001)
            for element, box in shapes.items():
                if element in skip or element in ends:
                    continue
                shrunk = (box[0] + 1, box[1] + 1, box[2] - 2, box[3] - 2)
                assert not overlap(segment, shrunk), f"{flow.get('id')} crosses {element}"


@pytest.mark.parametrize("name", PACK)
def test_labels_cover_no_shape_and_no_other_label(name: str) -> None:
    root = diagram_root(name)
    shapes = bounds(root)
    containers = {str(n.get("id")) for tag in ("lane", "participant", "subProcess")
                  for n in root.iterfind(f".//bpmn:{tag}", NS)}
    labels: dict[str, Box] = {}
    for tag in ("BPMNShape", "BPMNEdge"):
        for element in root.iterfind(f".//bpmndi:{tag}", NS):
            b = element.find("bpmndi:BPMNLabel/dc:Bounds", NS)
            if b is not None:
                labels[str(element.get("bpmnElement"))] = (float(b.get("x")), float(b.get("y")),
                                                           float(b.get("width")), float(b.get("height")))
    for owner, box in labels.items():
        for element, shape in shapes.items():
            if element not in containers and element != owner:
                assert not overlap(box, shape), f"label of {owner} covers {element}"
    for (a, box_a), (b, box_b) in combinations(labels.items(), 2):
        assert not overlap(box_a, box_b), f"labels of {a} and {b} overlap"
