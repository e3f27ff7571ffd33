"""Small BPMN and DMN documents built in code, for the model and sandbox tests."""

from __future__ import annotations

import re
from xml.sax.saxutils import escape

HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"'
    ' xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"'
    ' id="defs" targetNamespace="http://petitionflow.vn/test">\n'
)


def definitions(*processes: str, extra: str = "") -> bytes:
    """A `bpmn:definitions` document holding `processes` (and `extra` root elements)."""
    return (HEAD + extra + "".join(processes) + "</bpmn:definitions>\n").encode("utf-8")


def process(body: str, process_id: str = "proc", executable: bool = True, lane: str | None = None) -> str:
    """One `bpmn:process` with `body` inside; with `lane`, every flow node of it in one lane of that name
    (a service that deploys it wants each human task in the lane of the group working it)."""
    flag = "true" if executable else "false"
    if lane is not None:
        nodes = [i for tag, i in re.findall(r'<bpmn:(\w+) id="([^"]+)"', body)
                 if tag != "sequenceFlow" and not tag.endswith("Definition")]
        body = _lanes({lane: nodes}, f"{process_id}_") + body
    return f'<bpmn:process id="{process_id}" isExecutable="{flag}">\n{body}</bpmn:process>\n'


def linear(elements: list[tuple[str, str, str]], prefix: str = "") -> str:
    """A straight line start -> elements -> end; each element is (tag, id, inner xml).
    `prefix` goes before the ids of the start, end and flows, so two lines can share a document."""
    ids = [f"{prefix}start", *[e[1] for e in elements], f"{prefix}end"]
    flows = [f"{prefix}f{i}" for i in range(len(ids) - 1)]
    parts = [f'<bpmn:startEvent id="{ids[0]}"><bpmn:outgoing>{flows[0]}</bpmn:outgoing></bpmn:startEvent>\n']
    for n, (tag, element_id, inner) in enumerate(elements):
        lead, tail = (inner, "") if inner.startswith("<bpmn:extensionElements") else ("", inner)
        parts.append(
            f'<bpmn:{tag} id="{element_id}">{lead}<bpmn:incoming>{flows[n]}</bpmn:incoming>'
            f"<bpmn:outgoing>{flows[n + 1]}</bpmn:outgoing>{tail}</bpmn:{tag}>\n"
        )
    parts.append(f'<bpmn:endEvent id="{ids[-1]}"><bpmn:incoming>{flows[-1]}</bpmn:incoming></bpmn:endEvent>\n')
    parts += [
        f'<bpmn:sequenceFlow id="{flow}" sourceRef="{ids[i]}" targetRef="{ids[i + 1]}" />\n'
        for i, flow in enumerate(flows)
    ]
    return "".join(parts)


def script_diagram(script: str, task_id: str = "hostile_script") -> bytes:
    """start -> script task `task_id` running `script` -> end."""
    inner = f"<bpmn:script>{escape(script)}</bpmn:script>"
    return definitions(process(linear([("scriptTask", task_id, inner)])))


def timer_diagram(expression: str, event_id: str = "wait_timer") -> bytes:
    """start -> intermediate timer catch event waiting `expression` -> end."""
    inner = (f'<bpmn:timerEventDefinition id="{event_id}_def">'
             f"<bpmn:timeDuration>{escape(expression)}</bpmn:timeDuration></bpmn:timerEventDefinition>")
    return definitions(process(linear([("intermediateCatchEvent", event_id, inner)])))


def message_diagram(payload: str, event_id: str = "send_notice") -> bytes:
    """start -> intermediate message throw event with `payload` as its payload expression -> end."""
    inner = (f'<bpmn:messageEventDefinition id="{event_id}_def" messageRef="notice"><bpmn:extensionElements>'
             f"<spiffworkflow:messagePayload>{escape(payload)}</spiffworkflow:messagePayload>"
             "</bpmn:extensionElements></bpmn:messageEventDefinition>")
    message = '<bpmn:message id="notice" name="notice" />\n'
    return definitions(process(linear([("intermediateThrowEvent", event_id, inner)])), extra=message)


def decision_diagram(task_id: str = "decide") -> bytes:
    """start -> business rule task calling decision `decision` -> end."""
    inner = ("<bpmn:extensionElements><spiffworkflow:calledDecisionId>decision</spiffworkflow:calledDecisionId>"
             "</bpmn:extensionElements>")
    return definitions(process(linear([("businessRuleTask", task_id, inner)])))


def gateway_diagram(condition: str, gateway_id: str = "route", flow_id: str = "flow_hostile") -> bytes:
    """start -> exclusive gateway; `flow_id` guarded by `condition` to end_a, default flow to end_b."""
    body = f"""<bpmn:startEvent id="start"><bpmn:outgoing>f0</bpmn:outgoing></bpmn:startEvent>
<bpmn:exclusiveGateway id="{gateway_id}" default="flow_default"><bpmn:incoming>f0</bpmn:incoming>
<bpmn:outgoing>{flow_id}</bpmn:outgoing><bpmn:outgoing>flow_default</bpmn:outgoing></bpmn:exclusiveGateway>
<bpmn:endEvent id="end_a"><bpmn:incoming>{flow_id}</bpmn:incoming></bpmn:endEvent>
<bpmn:endEvent id="end_b"><bpmn:incoming>flow_default</bpmn:incoming></bpmn:endEvent>
<bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="{gateway_id}" />
<bpmn:sequenceFlow id="{flow_id}" sourceRef="{gateway_id}" targetRef="end_a">
<bpmn:conditionExpression>{escape(condition)}</bpmn:conditionExpression></bpmn:sequenceFlow>
<bpmn:sequenceFlow id="flow_default" sourceRef="{gateway_id}" targetRef="end_b" />
"""
    return definitions(process(body))


def dmn(input_expression: str, input_cell: str, output_cell: str, rule_id: str = "rule_1") -> bytes:
    """A one-rule decision table `decision` over `input_expression`, giving `level`."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="dmn_defs" name="d"
  namespace="http://petitionflow.vn/test">
  <decision id="decision" name="Decision">
    <decisionTable id="table">
      <input id="input_1" label="Input">
        <inputExpression id="input_expr_1" typeRef="string"><text>{escape(input_expression)}</text></inputExpression>
      </input>
      <output id="output_1" label="Level" name="level" typeRef="string" />
      <rule id="{rule_id}">
        <inputEntry id="{rule_id}_in"><text>{escape(input_cell)}</text></inputEntry>
        <outputEntry id="{rule_id}_out"><text>{escape(output_cell)}</text></outputEntry>
      </rule>
    </decisionTable>
  </decision>
</definitions>
""".encode()


def _lanes(lanes: dict[str, list[str]], prefix: str = "") -> str:
    inner = "".join(
        f'<bpmn:lane id="{prefix}Lane_{n}" name="{escape(name)}">'
        + "".join(f"<bpmn:flowNodeRef>{ref}</bpmn:flowNodeRef>" for ref in refs) + "</bpmn:lane>"
        for n, (name, refs) in enumerate(lanes.items())
    )
    return f'<bpmn:laneSet id="{prefix}LaneSet">{inner}</bpmn:laneSet>\n'


def lane_diagram(lane: str, task_id: str = "review_legal", process_id: str = "legal_review") -> bytes:
    """start -> user task `task_id` -> end, all in one lane named `lane` (any name, Vietnamese included)."""
    body = linear([("userTask", task_id, "")])
    return definitions(process(_lanes({lane: ["start", task_id, "end"]}) + body, process_id))


def subprocess_diagram(outer_lane: str | None, nested_lane: str | None = None, task_id: str = "inner_review") -> bytes:
    """start -> sub-process (user task `task_id` inside) -> end; the sub-process in `outer_lane` of the
    process (None: in no lane, the start and end in `office`), the inner task in `nested_lane` of the
    sub-process's own lanes (None: it has none)."""
    inner = linear([("userTask", task_id, "")], prefix="sub_")
    if nested_lane is not None:
        inner = _lanes({nested_lane: ["sub_start", task_id, "sub_end"]}, "sub_") + inner
    top = linear([("subProcess", "review_block", inner)])
    outer = {"office": ["start", "end"]}
    if outer_lane is not None:
        outer.setdefault(outer_lane, []).append("review_block")
    return definitions(process(_lanes(outer) + top, "block_review"))
