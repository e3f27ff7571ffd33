"""What the designer's pages need to know about a draft's files, and the blank diagram a new process
starts from. Pure functions over text; no I/O."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from xml.sax.saxutils import quoteattr

from .errors import ModelError, Problem
from .safe_xml import parse_xml

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]{0,99}$")
"""A process id (and draft key) the engine and the URLs accept."""
FORM_NAME = re.compile(r"^[a-z0-9_][a-z0-9_-]{0,80}\.form\.json$")
"""A form file name: lower-case letters, digits, `_` and `-`, ending in `.form.json`."""
EMPTY_FORM = '{\n  "type": "default",\n  "components": []\n}\n'
"""A form with no fields, as the form editor starts a new one."""


def decisions_in(resources: Mapping[str, str]) -> list[tuple[str, str]]:
    """(id, name) of every decision in the `.dmn` files; a file that does not parse is skipped (validation says why)."""
    found: list[tuple[str, str]] = []
    for name in sorted(resources):
        if not name.endswith(".dmn"):
            continue
        try:
            root = parse_xml(resources[name].encode("utf-8"), name)
        except ModelError:
            continue
        found += [(str(d.get("id")), str(d.get("name") or d.get("id"))) for d in root.iter("{*}decision")
                  if d.get("id")]
    return found


def forms_in(resources: Mapping[str, str]) -> list[str]:
    """The form files of a draft, by name."""
    return sorted(n for n in resources if n.endswith(".form.json"))


def form_name_for(text: str) -> str:
    """A form file name made from a step id or a typed name (`Xét duyệt hồ sơ` → `xet_duyet_ho_so.form.json`)."""
    plain = unicodedata.normalize("NFKD", text.strip().lower().replace("đ", "d"))
    stem = "".join(c for c in plain if not unicodedata.combining(c)).removesuffix(".form.json").removesuffix(".json")
    stem = re.sub(r"[^a-z0-9_-]+", "_", stem).strip("_-")[:80] or "form"
    return f"{stem}.form.json"


def process_key_of(bpmn_xml: bytes, file_name: str) -> str:
    """The id of the diagram's executable process (the first process when none says so); `ModelError` if none."""
    root = parse_xml(bpmn_xml, file_name)
    processes = list(root.iterfind(f"{{{BPMN}}}process"))
    if not processes:
        raise ModelError([Problem("the file has no BPMN process (bpmn:process)", file_name=file_name)])
    chosen = next((p for p in processes if p.get("isExecutable") == "true"), processes[0])
    key = str(chosen.get("id") or "")
    if not KEY.match(key):
        raise ModelError([Problem(f"process id '{key}' must start with a letter and use letters, digits, _ or -",
                                  file_name=file_name)])
    return key


def blank_diagram(key: str, name: str, lane: str) -> str:
    """A new process `key`: one pool with one lane `lane` holding a start event."""
    if not KEY.match(key):
        raise ValueError(f"process id '{key}' must start with a letter and use letters, digits, _ or -")
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="{BPMN}" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" \
xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" \
xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="Definitions_{key}" \
targetNamespace="http://petitionflow.vn/bpmn" exporter="petitionflow" exporterVersion="1">
  <bpmn:collaboration id="Collaboration_{key}">
    <bpmn:participant id="Participant_{key}" name={quoteattr(name)} processRef="{key}" />
  </bpmn:collaboration>
  <bpmn:process id="{key}" name={quoteattr(name)} isExecutable="true">
    <bpmn:laneSet id="LaneSet_{key}">
      <bpmn:lane id="Lane_{key}" name={quoteattr(lane)}>
        <bpmn:flowNodeRef>start</bpmn:flowNodeRef>
      </bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="start" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="Diagram_{key}">
    <bpmndi:BPMNPlane id="Plane_{key}" bpmnElement="Collaboration_{key}">
      <bpmndi:BPMNShape id="Participant_{key}_di" bpmnElement="Participant_{key}" isHorizontal="true">
        <dc:Bounds x="120" y="80" width="900" height="250" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="Lane_{key}_di" bpmnElement="Lane_{key}" isHorizontal="true">
        <dc:Bounds x="150" y="80" width="870" height="250" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="start_di" bpmnElement="start">
        <dc:Bounds x="212" y="187" width="36" height="36" />
      </bpmndi:BPMNShape>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>
"""
