"""A second version of the intake diagram for the version tests: classification is dropped, the
recording script changes, and a new Office review step comes before the petitioner is notified."""

from __future__ import annotations

import re

from tests.conftest import BPMN

REVIEW_TASK = """    <bpmn:userTask id="review_summary" name="Xem lại tóm tắt / Review the summary">
      <bpmn:extensionElements>
        <spiffworkflow:properties>
          <spiffworkflow:property name="formKey" value="sample_notify.form.json" />
        </spiffworkflow:properties>
      </bpmn:extensionElements>
      <bpmn:incoming>flow_record_review</bpmn:incoming>
      <bpmn:outgoing>flow_review_notify</bpmn:outgoing>
    </bpmn:userTask>
"""


def intake_v2() -> str:
    """intake_review.bpmn as a designer changed it (ids kept where the step is the same)."""
    xml = (BPMN / "intake_review.bpmn").read_text(encoding="utf-8")
    xml = xml.replace("        <bpmn:flowNodeRef>classify_petition</bpmn:flowNodeRef>\n",
                      "        <bpmn:flowNodeRef>review_summary</bpmn:flowNodeRef>\n")
    xml = re.sub(r'    <bpmn:userTask id="classify_petition".*?</bpmn:userTask>\n', "", xml, flags=re.S)
    xml = xml.replace("<bpmn:outgoing>flow_register_classify</bpmn:outgoing>",
                      "<bpmn:outgoing>flow_register_record</bpmn:outgoing>")
    xml = xml.replace("<bpmn:incoming>flow_classify_record</bpmn:incoming>",
                      "<bpmn:incoming>flow_register_record</bpmn:incoming>")
    xml = xml.replace("<bpmn:outgoing>flow_record_notify</bpmn:outgoing>",
                      "<bpmn:outgoing>flow_record_review</bpmn:outgoing>")
    xml = xml.replace("<bpmn:incoming>flow_record_notify</bpmn:incoming>",
                      "<bpmn:incoming>flow_review_notify</bpmn:incoming>")
    xml = xml.replace('summary = field + " / " + urgency', "summary = title")
    notify = '    <bpmn:userTask id="notify_petitioner"'
    xml = xml.replace(notify, REVIEW_TASK + notify)
    old_flows = "".join(
        f'    <bpmn:sequenceFlow id="{i}" sourceRef="{a}" targetRef="{b}" />\n' for i, a, b in (
            ("flow_register_classify", "register_petition", "classify_petition"),
            ("flow_classify_record", "classify_petition", "record_classification"),
            ("flow_record_notify", "record_classification", "notify_petitioner")))
    new_flows = "".join(
        f'    <bpmn:sequenceFlow id="{i}" sourceRef="{a}" targetRef="{b}" />\n' for i, a, b in (
            ("flow_register_record", "register_petition", "record_classification"),
            ("flow_record_review", "record_classification", "review_summary"),
            ("flow_review_notify", "review_summary", "notify_petitioner")))
    assert old_flows in xml
    xml = xml.replace(old_flows, new_flows)
    xml = xml.replace('bpmnElement="classify_petition">\n        <dc:Bounds x="460" y="260"',
                      'bpmnElement="review_summary">\n        <dc:Bounds x="800" y="260"')
    xml = xml.replace('id="classify_petition_di"', 'id="review_summary_di"')
    xml = xml.replace('id="record_classification_di" bpmnElement="record_classification">\n        <dc:Bounds x="630"',
                      'id="record_classification_di" bpmnElement="record_classification">\n        <dc:Bounds x="460"')
    xml = re.sub(r'      <bpmndi:BPMNEdge id="flow_register_classify_di".*?</bpmndi:BPMNEdge>\n',
                 '      <bpmndi:BPMNEdge id="flow_register_record_di" bpmnElement="flow_register_record">\n'
                 '        <di:waypoint x="410" y="140" /><di:waypoint x="435" y="140" /><di:waypoint x="435" y="300" />'
                 '<di:waypoint x="460" y="300" />\n      </bpmndi:BPMNEdge>\n', xml, flags=re.S)
    xml = re.sub(r'      <bpmndi:BPMNEdge id="flow_classify_record_di".*?</bpmndi:BPMNEdge>\n',
                 '      <bpmndi:BPMNEdge id="flow_record_review_di" bpmnElement="flow_record_review">\n'
                 '        <di:waypoint x="580" y="300" /><di:waypoint x="800" y="300" />\n      </bpmndi:BPMNEdge>\n',
                 xml, flags=re.S)
    xml = re.sub(r'      <bpmndi:BPMNEdge id="flow_record_notify_di".*?</bpmndi:BPMNEdge>\n',
                 '      <bpmndi:BPMNEdge id="flow_review_notify_di" bpmnElement="flow_review_notify">\n'
                 '        <di:waypoint x="860" y="260" /><di:waypoint x="860" y="180" />\n      </bpmndi:BPMNEdge>\n',
                 xml, flags=re.S)
    assert "classify_petition" not in xml and "flow_record_notify" not in xml
    return xml
