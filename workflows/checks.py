"""Checks that make validation predict run time, and messages that say what to do.

- ISO 8601 timer literals written as designers write them (`P10D`, `R6/P1D`, a date) are quoted for
  the engine, which evaluates timer text as an expression;
- service tasks, which our engine cannot run, are refused with our own message;
- activities and gateways no sequence flow reaches are reported (they would never run);
- decision tables that the diagram never calls are left out of the bundle;
- the engine's messages lose their object reprs and gain an example of what to write.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from lxml import etree

from .errors import Problem

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
NS = {"bpmn": BPMN, "spiffworkflow": SPIFF}

TIMER_EXAMPLE = ('write a duration such as P10D (ten days) or PT2H, a cycle such as R6/P1D, '
                 'or a date such as 2026-12-01T09:00:00+07:00')
TIMER_MISSING = f"the timer has no time: {TIMER_EXAMPLE}"
EXPRESSION_EXAMPLE = ("expressions are Python-like: write approved == True or amount > 1000000, "
                      "not ${approved} or #{approved}")

_ISO_LITERAL = re.compile(
    r"R\d*/[^\s'\"]+"                                  # a cycle: R6/P1D, R/2026-12-01T09:00:00Z/P1D
    r"|P(?=\d|T\d)(?:\d+[YMWD])*(?:T(?:\d+(?:[.,]\d+)?[HMS])+)?"  # a duration: P10D, PT2H30M
    r"|\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"  # a date or moment
)
_TIMER_TAGS = ("timeDuration", "timeDate", "timeCycle")
_ACTIVITIES = ("task", "userTask", "manualTask", "scriptTask", "businessRuleTask", "sendTask", "receiveTask",
               "serviceTask", "callActivity", "subProcess", "transaction", "exclusiveGateway",
               "parallelGateway", "inclusiveGateway", "eventBasedGateway", "complexGateway",
               "intermediateThrowEvent", "endEvent")
_REPR = re.compile(r"<Element \{[^}]*\}(\w+) at 0x[0-9a-f]+>")
_NO_DECISION = re.compile(r'No DMN Diagram available with id "([^"]*)", Available DMN ids are: (.*?)\.?$')
_NO_PROCESS = re.compile(r"The process '([^']*)' was not found\. Did you mean one of the following: (.*?)\??\.?$")
_ASSOCIATION = re.compile(r"Cannot resolve data(Input|Output)Association\b")


def quote_timer_literals(root: etree._Element, file_name: str) -> list[Problem]:
    """Put quotes around timer texts that are plain ISO 8601 literals, as the engine needs them.

    Returns the literals of the wrong kind (a cycle as a duration...), which fail when the timer starts."""
    problems: list[Problem] = []
    for tag in _TIMER_TAGS:
        for node in root.iter(f"{{{BPMN}}}{tag}"):
            text = (node.text or "").strip()
            if len(text) > 1 and text[0] == text[-1] and text[0] in "'\"":
                text = text[1:-1]
            if not text.strip():
                problems.append(Problem(TIMER_MISSING, element_id=_event_id(node), file_name=file_name))
                continue
            elif not (text and _ISO_LITERAL.fullmatch(text)):
                continue
            else:
                node.text = f'"{text}"'
            kind = "cycle" if text.startswith("R") else "duration" if text.startswith("P") else "date"
            if _ISO_LITERAL.fullmatch(text) and kind != _KIND[tag]:
                problems.append(Problem(
                    f"the timer's {_KIND[tag]} {text} is a {kind}: choose the timer type '{kind}' "
                    f"or {_EXAMPLE[_KIND[tag]]}",
                    element_id=_event_id(node), file_name=file_name))
    return problems


def _event_id(timer_text: etree._Element) -> str | None:
    """The id of the event that holds a timer's time (time element, timer definition, event)."""
    definition = timer_text.getparent()
    event = definition.getparent() if definition is not None else None
    return str(event.get("id")) if event is not None and event.get("id") else None


def timer_not_understood(tag: str, text: str, element_id: str | None, file_name: str) -> Problem:
    """What to say of a timer text that is neither ISO 8601 nor a valid expression."""
    return Problem.worded(f"the timer's {_KIND.get(tag, 'time')} '{{text}}' is not understood: {TIMER_EXAMPLE}",
                          element_id=element_id, file_name=file_name, text=text.strip())


def expression_not_understood(text: str, element_id: str | None, file_name: str) -> Problem:
    """What to say of an expression that does not parse (`${approved}` from other engines, say)."""
    example = EXPRESSION_EXAMPLE.replace("{", "{{").replace("}", "}}")
    return Problem.worded(f"expression refused: '{{text}}' is not understood; {example}",
                          element_id=element_id, file_name=file_name, text=text.strip())


_KIND = {"timeDuration": "duration", "timeDate": "date", "timeCycle": "cycle"}
_EXAMPLE = {"duration": "write a duration such as P10D (ten days) or PT2H",
            "date": "write a date such as 2026-12-01T09:00:00+07:00",
            "cycle": "write a cycle such as R6/P1D (six times, a day apart)"}


def element_names(root: etree._Element) -> dict[str, str]:
    """Every element's name by id, for messages that name the element."""
    return {str(n.get("id")): str(n.get("name")) for n in root.iter() if isinstance(n.tag, str)
            and n.get("id") and n.get("name")}


def service_task_problems(root: etree._Element, file_name: str) -> list[Problem]:
    return [Problem("Service tasks are not supported: use a script task or a user task",
                    element_id=str(node.get("id")), file_name=file_name)
            for node in root.iter(f"{{{BPMN}}}serviceTask")]


def disconnected_problems(root: etree._Element, file_name: str) -> list[Problem]:
    """Activities and gateways that no sequence flow reaches, or that touch no flow at all."""
    problems: list[Problem] = []
    for container in [*root.iter(f"{{{BPMN}}}process"), *root.iter(f"{{{BPMN}}}subProcess"),
                      *root.iter(f"{{{BPMN}}}transaction")]:
        flows = container.findall("bpmn:sequenceFlow", NS)
        targets = {f.get("targetRef") for f in flows}
        sources = {f.get("sourceRef") for f in flows}
        for node in container:
            if not isinstance(node.tag, str) or etree.QName(node).localname not in _ACTIVITIES:
                continue
            element = str(node.get("id"))
            if node.get("isForCompensation") == "true" or node.get("triggeredByEvent") == "true":
                continue
            if element not in targets and element not in sources:
                message = ("is not connected: draw a sequence flow into it and one out of it, or delete it")
            elif element not in targets:
                message = "is never reached: no sequence flow leads into it; connect it or delete it"
            else:
                continue
            problems.append(Problem(message, element_id=element, file_name=file_name))
    return problems


def called_decisions(root: etree._Element) -> set[str]:
    return {(n.text or "").strip() for n in root.iter(f"{{{SPIFF}}}calledDecisionId")}


def decision_ids(dmn_root: etree._Element) -> set[str]:
    return {str(d.get("id")) for d in dmn_root.iter("{*}decision")}


def referenced_dmn(root: etree._Element, dmn_roots: Mapping[str, etree._Element]) -> list[str]:
    """Names of the decision-table files that hold a decision the diagram calls."""
    called = called_decisions(root)
    return sorted(name for name, dmn in dmn_roots.items() if decision_ids(dmn) & called)


def clearer(message: str) -> str:
    """The engine's message without object reprs, with an example where it was unclear."""
    message = _REPR.sub(lambda m: m.group(1), message).replace(f"{{{BPMN}}}", "bpmn:")
    if "Unknown Time Specification" in message:
        return TIMER_MISSING
    if message.startswith("Time Specification Error"):
        return f"the timer's time is not understood ({message.removeprefix('Time Specification Error. ')}): " \
               f"{TIMER_EXAMPLE}"
    association = _ASSOCIATION.match(message)
    if association:
        side = "output" if association.group(1) == "Output" else "input"
        return (f"a data {side} association of this element leads to nothing the process defines: "
                "connect it to a data object or data store of the process, or delete it")
    if "A Service Task must have an operator" in message or "name 'script' is not defined" in message:
        return "Service tasks are not supported: use a script task or a user task"
    return message




def reworded(problem: Problem, root: etree._Element) -> Problem:
    """The engine's messages for a missing decision table or called process, in a designer's words with
    the calling element named (the engine names no element for a missing process)."""
    decision = _NO_DECISION.match(problem.message)
    if decision:
        return Problem.worded(
            "the task calls the decision '{decision}', which no decision table of the process holds: add a "
            "decision table with that decision id, or call one it has ({known})",
            element_id=problem.element_id, file_name=problem.file_name,
            decision=decision.group(1), known=decision.group(2).strip() or "—")
    process = _NO_PROCESS.match(problem.message)
    if process:
        caller = next((str(n.get("id")) for n in root.iter(f"{{{BPMN}}}callActivity")
                       if n.get("calledElement") == process.group(1)), problem.element_id)
        return Problem.worded(
            "the call activity calls the process '{process}', which is not in this diagram: draw that process "
            "in the same file, or call one it has ({known})",
            element_id=caller, file_name=problem.file_name, process=process.group(1),
            known=process.group(2).strip() or "—")
    return problem
