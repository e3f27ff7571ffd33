"""Process models: parsing and validating a designer's BPMN bundle, and the cache of parsed specs.

A bundle is one BPMN file plus the resources it refers to: DMN decision tables and form
definitions. Parsing goes through `safe_xml` first, then the BPMN/DMN schemas, then our own
checks (scripts and expressions under the sandbox rules, lanes known, forms and decisions present).
Parsed specs are cached by the bundle's content hash, so each deployed version is parsed once.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import LoopTask
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser

from . import checks
from .bounds import bound_collections, expression_problem, recursion_problems
from .errors import ModelError, Problem
from .form_rules import form_problems
from .safe_xml import parse_xml
from .sandbox import check_expression, check_script

NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core",
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
}
FORM_PROPERTY = "formKey"
"""Name of the `spiffworkflow:property` on a user task that names its form file."""

HUMAN_TASK_TAGS = ("userTask", "manualTask")

EXPRESSION_PATHS = (
    ".//bpmn:conditionExpression", ".//bpmn:timeDuration", ".//bpmn:timeDate", ".//bpmn:timeCycle",
    ".//bpmn:formalExpression", ".//bpmn:messagePath", ".//bpmn:loopCardinality",
    ".//bpmn:completionCondition", ".//bpmn:loopCondition", ".//bpmn:conditionalEventDefinition/bpmn:condition",
    ".//spiffworkflow:messagePayload", ".//spiffworkflow:processVariableCorrelation/spiffworkflow:expression",
)
"""Every element whose text the engine evaluates as an expression."""
DMN_CELLS = ("inputExpression", "inputEntry", "outputEntry")
"""DMN elements whose `text` child the engine evaluates."""
_DMN_INPUT = re.compile(r"(\?)(?=(?:[^'\"]|['\"][^'\"]*['\"])*$)")


@dataclass(frozen=True)
class HumanTaskInfo:
    """What the diagram says about one human task, known before any instance runs."""

    element_id: str
    name: str
    lane: str | None
    form_key: str | None
    properties: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ProcessModel:
    """A parsed, validated bundle: the executable process `key` and everything it needs to run."""

    key: str
    name: str
    sha256: str
    lanes: tuple[str, ...]
    human_tasks: Mapping[str, HumanTaskInfo]
    forms: Mapping[str, Any]
    _spec: Any = field(repr=False, compare=False)
    _subprocess_specs: Mapping[str, Any] = field(repr=False, compare=False)
    lane_ids: Mapping[str, str] = field(default_factory=dict)
    """The id of each named lane, by its name: a lane whose name names no group may name one by its id."""


def bundle_hash(bpmn: bytes, resources: Mapping[str, bytes]) -> str:
    """The content hash of a bundle: BPMN bytes and every resource, by name, in a stable order."""
    digest = hashlib.sha256()
    digest.update(b"bpmn\0" + bpmn)
    for name in sorted(resources):
        digest.update(b"\0" + name.encode("utf-8") + b"\0" + resources[name])
    return digest.hexdigest()


def parse_model(
    bpmn: bytes,
    resources: Mapping[str, bytes] | None = None,
    *,
    file_name: str = "diagram.bpmn",
    known_lanes: Iterable[str] | None = None,
    lanes_required: bool = False,
) -> ProcessModel:
    """Parse and validate a bundle, raising `ModelError` with every problem found.

    `resources` maps file names to bytes: `*.dmn` decision tables and form definitions (JSON).
    Decision tables the diagram never calls are ignored. When `known_lanes` is given, every lane
    of the diagram must be one of them. With `lanes_required` (or `known_lanes`), every human task
    must be in a lane: its own, or the one its sub-process or calling activity is in. Each problem
    names its element (id and name).
    """
    try:
        return _parse_model(bpmn, resources, file_name=file_name, known_lanes=known_lanes,
                            lanes_required=lanes_required or known_lanes is not None)
    except ModelError as exc:
        try:
            root: etree._Element | None = parse_xml(bpmn, file_name)
        except ModelError:
            root = None
        names = checks.element_names(root) if root is not None else {}
        clearer = [checks.reworded(p, root) if root is not None else p for p in exc.problems]
        raise ModelError([
            replace(p, message=checks.clearer(p.message),
                    element_name=p.element_name or names.get(p.element_id or "") or None)
            if not p.template else replace(p, element_name=p.element_name or names.get(p.element_id or "") or None)
            for p in clearer
        ]) from None


def _parse_model(
    bpmn: bytes,
    resources: Mapping[str, bytes] | None,
    *,
    file_name: str,
    known_lanes: Iterable[str] | None,
    lanes_required: bool = False,
) -> ProcessModel:
    resources = dict(resources or {})
    root = parse_xml(bpmn, file_name)
    if etree.QName(root).localname != "definitions" or etree.QName(root).namespace != NS["bpmn"]:
        raise ModelError([Problem("not a BPMN 2.0 document (root must be bpmn:definitions)", file_name=file_name)])
    problems = checks.quote_timer_literals(root, file_name)
    problems += checks.service_task_problems(root, file_name)
    if problems:
        raise ModelError(problems)  # the engine's own messages for these name no element
    parser = SpiffBpmnParser(validator=VALIDATOR)
    problems = _schema_problems(lambda: parser.add_bpmn_xml(root, file_name), file_name)
    dmn_roots, dmn_errors = {}, []
    for name in sorted(n for n in resources if n.endswith(".dmn")):
        try:
            dmn_roots[name] = parse_xml(resources[name], name)
        except ModelError as exc:
            dmn_errors += exc.problems
    dmn_names = checks.referenced_dmn(root, dmn_roots)
    if dmn_errors and checks.called_decisions(root) - {d for n in dmn_names for d in checks.decision_ids(dmn_roots[n])}:
        problems += dmn_errors  # a called decision may be in a file that is not even XML
    for name in dmn_names:
        dmn_root = _spaced_word_operators(dmn_roots[name])
        problems += _schema_problems(partial(parser.add_dmn_xml, dmn_root, name), name)
    if problems:
        raise ModelError(problems)

    forms, form_problems = _load_forms(resources)
    problems += form_problems
    problems += _code_problems(root, file_name)
    problems += checks.disconnected_problems(root, file_name)
    problems += _dmn_code_problems(resources, dmn_names)
    lane_nodes = list(root.iterfind(".//bpmn:lane", NS))
    lanes = tuple(str(lane.get("name") or lane.get("id")) for lane in lane_nodes)
    if known_lanes is not None:
        allowed = set(known_lanes)
        problems += [
            Problem.worded("lane '{lane}' is not one of the known lanes: {known}", element_id=node.get("id") or None,
                           file_name=file_name, lane=lane, known=", ".join(sorted(allowed)))
            for lane, node in zip(lanes, lane_nodes, strict=True) if lane not in allowed
        ]
    human = _human_tasks(root)
    if lanes_required:
        problems += [
            Problem(f"human task '{info.name}' is in no lane, so nobody would be offered it: put it in the lane of "
                    "the group that works it (or put the sub-process holding it in one)",
                    element_id=info.element_id, file_name=file_name)
            for info in human.values() if info.lane is None
        ]
    problems += [
        Problem.worded("form '{form}' is not in the bundle: make it with the new-form button or choose another form",
                       element_id=info.element_id, file_name=file_name, form=info.form_key)
        for info in human.values() if info.form_key and info.form_key not in forms
    ]
    key = _executable_process(root, file_name, problems)
    if problems:
        raise ModelError(problems)
    try:
        spec = parser.get_spec(key)
        subprocess_specs = parser.get_subprocess_specs(key)
    except (ValidationException, SpiffWorkflowException) as exc:
        raise ModelError([_problem_from_engine(exc, file_name)]) from None
    bound_collections([spec, *subprocess_specs.values()])
    _wire_loops([spec, *subprocess_specs.values()])
    return ProcessModel(
        key=key,
        name=str(spec.description or key),
        sha256=bundle_hash(bpmn, resources),
        lanes=lanes,
        human_tasks=human,
        forms=forms,
        _spec=spec,
        _subprocess_specs=subprocess_specs,
        lane_ids={str(lane.get("name")): str(lane.get("id")) for lane in root.iterfind(".//bpmn:lane", NS)
                  if lane.get("name") and lane.get("id")},
    )


def _wire_loops(process_specs: Iterable[Any]) -> None:
    """Connect each loop or multi-instance task to its children's completion, as the engine does itself
    only when it creates the children: an instance restored on a freshly parsed spec (another process,
    a cache eviction) then still merges its last child and moves on instead of stalling."""
    for process in process_specs:
        for task_spec in list(process.task_specs.values()):
            if not isinstance(task_spec, LoopTask):
                continue
            child = process.task_specs.get(task_spec.task_spec)
            if child is not None and not child.completed_event.is_connected(task_spec.merge_child):
                child.completed_event.connect(task_spec.merge_child)


def _schema_problems(add: Callable[[], None], file_name: str) -> list[Problem]:
    try:
        add()
    except (ValidationException, SpiffWorkflowException) as exc:
        return [_problem_from_engine(exc, file_name)]
    return []


def _problem_from_engine(exc: Exception, file_name: str) -> Problem:
    message = str(getattr(exc, "error", None) or exc).strip().splitlines()[0]
    return Problem(
        message,
        element_id=getattr(exc, "id", None) or None,
        file_name=getattr(exc, "file_name", None) or file_name,
        line=getattr(exc, "line_number", None) or None,
    )


def _executable_process(root: etree._Element, file_name: str, problems: list[Problem]) -> str:
    # the engine takes a process without isExecutable as executable
    processes = [p for p in root.iterfind("bpmn:process", NS) if p.get("isExecutable", "true") == "true"]
    called = {c.get("calledElement") for c in root.iterfind(".//bpmn:callActivity", NS)}
    top = [p.get("id") for p in processes if p.get("id") not in called]
    if not top:
        problems.append(Problem(
            'the diagram has no executable process: set isExecutable="true" on the process to run',
            file_name=file_name,
        ))
        return ""
    if len(top) != 1:
        problems.append(Problem(
            f"the diagram must have exactly one executable top-level process, found {len(top)} "
            f"({', '.join(str(t) for t in top)}): mark the others isExecutable=\"false\" or call them "
            "from the main one with a call activity",
            file_name=file_name,
        ))
        return ""
    return str(top[0])


_CONTAINERS = ("subProcess", "transaction", "adHocSubProcess")


def _lane_finder(root: etree._Element) -> Callable[[etree._Element], str | None]:
    """The lane of a flow node: its own (the innermost lane listing it), else the lane of the sub-process
    holding it, else (in a called process) the lane of the call activity calling that process."""
    direct = {
        ref.text.strip(): str(lane.get("name") or lane.get("id"))
        for lane in root.iterfind(".//bpmn:lane", NS)  # a child lane comes after its parent and wins
        for ref in lane.iterfind("bpmn:flowNodeRef", NS) if ref.text
    }
    callers: dict[str, list[etree._Element]] = {}
    for call in root.iterfind(".//bpmn:callActivity", NS):
        callers.setdefault(str(call.get("calledElement") or ""), []).append(call)

    def lane_of(node: etree._Element, seen: frozenset[str] = frozenset()) -> str | None:
        current: etree._Element | None = node
        while current is not None:
            found = direct.get(str(current.get("id")))
            if found is not None:
                return found
            parent = current.getparent()
            if parent is not None and etree.QName(parent).localname == "process":
                process_id = str(parent.get("id"))
                if process_id in seen:
                    return None
                for call in callers.get(process_id, []):
                    inherited = lane_of(call, seen | {process_id})
                    if inherited is not None:
                        return inherited
                return None
            current = parent if parent is not None and etree.QName(parent).localname in _CONTAINERS else None
        return None

    return lane_of


def _human_tasks(root: etree._Element) -> dict[str, HumanTaskInfo]:
    lane_of = _lane_finder(root)
    found: dict[str, HumanTaskInfo] = {}
    for tag in HUMAN_TASK_TAGS:
        for node in root.iterfind(f".//bpmn:{tag}", NS):
            props = {
                str(p.get("name")): str(p.get("value", ""))
                for p in node.iterfind("bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property", NS)
            }
            element_id = str(node.get("id"))
            found[element_id] = HumanTaskInfo(
                element_id=element_id,
                name=str(node.get("name") or element_id),
                lane=lane_of(node),
                form_key=props.get(FORM_PROPERTY) or None,
                properties=props,
            )
    return found


def _element_id(node: etree._Element | None) -> str | None:
    """The id of the flow element (task, event, flow, gateway, decision cell) that holds `node`."""
    while node is not None:
        name = etree.QName(node).localname
        if node.get("id") is not None and name not in _NOT_ELEMENTS and not name.endswith("EventDefinition"):
            return str(node.get("id"))
        node = node.getparent()
    return None


_NOT_ELEMENTS = ("conditionExpression", "timeDuration", "timeDate", "timeCycle", "script", "formalExpression",
                 "text", "extensionElements", "loopCardinality", "completionCondition",
                 "multiInstanceLoopCharacteristics", "standardLoopCharacteristics")


def _code_problems(root: etree._Element, file_name: str) -> list[Problem]:
    problems: list[Problem] = []
    scripts = [*root.iterfind(".//bpmn:script", NS), *root.iterfind(".//spiffworkflow:preScript", NS),
               *root.iterfind(".//spiffworkflow:postScript", NS)]
    for node in scripts:
        reason = check_script(node.text or "")
        if reason:
            problems.append(Problem(f"script refused: {reason}", element_id=_element_id(node), file_name=file_name))
    expressions = [node for path in EXPRESSION_PATHS for node in root.iterfind(path, NS)]
    for node in expressions:
        if node.text and node.text.strip():
            reason = check_expression(node.text) or expression_problem(etree.QName(node).localname, node.text)
            tag = etree.QName(node).localname
            if reason and reason.startswith("syntax error"):
                problems.append(checks.timer_not_understood(tag, node.text, _element_id(node), file_name)
                                if tag in ("timeDuration", "timeDate", "timeCycle")
                                else checks.expression_not_understood(node.text, _element_id(node), file_name))
            elif reason:
                problems.append(Problem(f"expression refused: {reason}", element_id=_element_id(node),
                                        file_name=file_name))
    problems += [Problem(message, element_id=element, file_name=file_name)
                 for message, element in recursion_problems(root)]
    for node in root.iterfind(".//spiffworkflow:parameter[@value]", NS):
        reason = check_expression(str(node.get("value")))
        if reason:
            problems.append(Problem(f"parameter refused: {reason}", element_id=_element_id(node.getparent()),
                                    file_name=file_name))
    return problems


def _dmn_code_problems(resources: Mapping[str, bytes], dmn_names: list[str]) -> list[Problem]:
    problems: list[Problem] = []
    for name in dmn_names:
        root = parse_xml(resources[name], name)
        cells = [text for tag in DMN_CELLS for cell in root.iter(f"{{*}}{tag}") for text in cell.iterfind("{*}text")]
        for node in cells:
            text = _DMN_INPUT.sub("dmninputexpr", (node.text or "").strip())
            if not text or text == "-":
                continue
            reason = check_expression(text)
            if reason and check_expression(f"v {text}") is not None:
                problems.append(Problem(f"decision cell refused: {reason}", element_id=_element_id(node),
                                        file_name=name))
    return problems


def _spaced_word_operators(root: etree._Element) -> etree._Element:
    """Put a space before input cells that start with `in`, `not in` or `is`.

    The engine joins the input expression and such a cell with no space between them
    (`urgency` + `in ["a"]` gives `urgencyin ["a"]`), so without this they never match.
    """
    for cell in root.iter("{*}inputEntry"):
        for text in cell.iterfind("{*}text"):
            if text.text and _WORD_OPERATOR.match(text.text):
                text.text = " " + text.text
    return root


_WORD_OPERATOR = re.compile(r"(?:not\s+in|in|is)\b")


def _load_forms(resources: Mapping[str, bytes]) -> tuple[dict[str, Any], list[Problem]]:
    forms: dict[str, Any] = {}
    problems: list[Problem] = []
    for name, data in resources.items():
        if not name.endswith((".form", ".form.json")):
            continue
        try:
            form = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            problems.append(Problem(f"form is not valid JSON: {exc}", file_name=name))
            continue
        if not isinstance(form, dict) or not isinstance(form.get("components"), list):
            problems.append(Problem("form must be an object with a 'components' list", file_name=name))
            continue
        problems += [Problem(f"form refused: {reason}", file_name=name) for reason in form_problems(form)]
        forms[name] = form
    return forms, problems


class ModelCache:
    """Parsed models by bundle hash, least recently used dropped first; safe across threads."""

    def __init__(self, capacity: int = 64) -> None:
        self._capacity = capacity
        self._models: OrderedDict[str, ProcessModel] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_parse(
        self, bpmn: bytes, resources: Mapping[str, bytes] | None = None, *, file_name: str = "diagram.bpmn"
    ) -> ProcessModel:
        """Return the parsed model for this bundle, parsing it only the first time it is seen."""
        digest = bundle_hash(bpmn, dict(resources or {}))
        with self._lock:
            model = self._models.get(digest)
            if model is not None:
                self._models.move_to_end(digest)
                return model
        model = parse_model(bpmn, resources, file_name=file_name)
        with self._lock:
            self._models[digest] = model
            while len(self._models) > self._capacity:
                self._models.popitem(last=False)
        return model
