"""Helpers for walking the process pack in `bpmn/`: load a diagram with its forms and decisions, and
drive an instance step by step, saving and restoring it after every step as the service does."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

from lxml import etree

from workflows.clock import ManualClock
from workflows.engine import Instance
from workflows.events import StepResult, TaskView
from workflows.models import ProcessModel, parse_model

BPMN_DIR = Path(__file__).resolve().parents[2] / "bpmn"
FORMS_DIR = BPMN_DIR / "forms"
DMN_DIR = BPMN_DIR / "dmn"
CLOCK: ManualClock | None = None
"""The engine clock of the running test (tests/bpmn/conftest.py): `fire_after` moves it."""
PACK = ("petition.bpmn", "dialogue.bpmn", "periodic_report.bpmn")
ROLES = ("reception", "office", "inspectorate", "director", "unit", "infocenter")
NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "dc": "http://www.omg.org/spec/DD/20100524/DC",
    "di": "http://www.omg.org/spec/DD/20100524/DI",
    "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core",
}


def diagram_root(name: str) -> etree._Element:
    return etree.fromstring((BPMN_DIR / name).read_bytes())


def referenced_forms(root: etree._Element) -> set[str]:
    return {
        str(p.get("value"))
        for p in root.iterfind(".//spiffworkflow:property", NS) if p.get("name") == "formKey"
    }


def referenced_decisions(root: etree._Element) -> set[str]:
    return {(n.text or "").strip() for n in root.iterfind(".//spiffworkflow:calledDecisionId", NS)}


def bundle(name: str) -> tuple[bytes, dict[str, bytes]]:
    """The diagram's bytes and the resources it refers to, as the service would deploy them."""
    root = diagram_root(name)
    resources = {form: (FORMS_DIR / form).read_bytes() for form in referenced_forms(root)}
    for decision in referenced_decisions(root):
        resources[f"{decision}.dmn"] = (DMN_DIR / f"{decision}.dmn").read_bytes()
    return (BPMN_DIR / name).read_bytes(), resources


@cache
def load_model(name: str) -> ProcessModel:
    bpmn, resources = bundle(name)
    return parse_model(bpmn, resources, file_name=name, known_lanes=ROLES)


def form_keys(model: ProcessModel, form_key: str) -> set[str]:
    """Every data key a form can submit (components with a `key`, list paths included)."""
    keys: set[str] = set()

    def visit(components: Iterable[Mapping[str, Any]]) -> None:
        for comp in components:
            if comp.get("key"):
                keys.add(str(comp["key"]))
            if comp.get("path"):
                keys.add(str(comp["path"]))
            visit(comp.get("components", []))

    visit(model.forms[form_key]["components"])
    return keys


def gateway_targets(result: StepResult, gateway: str) -> list[list[str]]:
    """The targets chosen by each pass through `gateway` during one step."""
    return [e.data["targets"] for e in result.events if e.kind == "gateway_taken" and e.element_id == gateway]


def kinds(result: StepResult, kind: str) -> list[Any]:
    return [e for e in result.events if e.kind == kind]


def trace(result: StepResult) -> list[tuple[Any, ...]]:
    """A step's events without the engine's task ids (they differ between two runs of one path)."""
    return [(e.kind, e.element_id, e.name, _no_ids(e.data)) for e in result.events]


def _no_ids(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _no_ids(v) for k, v in value.items() if k != "task_id"}
    return value


class Walk:
    """One instance driven through the pack, round-tripped through `save()`/`restore()` after each step.

    Saving prunes the finished stretches of the task tree (`workflows/prune.py`). Beside it runs a
    shadow of the same path saved without pruning: after every step both must have taken the same
    events, have the same ready tasks with the same data, and wait for the same messages.
    """

    def __init__(self, diagram: str, data: Mapping[str, Any], *, shadow: bool = True, prune: bool = True) -> None:
        self.model = load_model(diagram)
        self.prune = prune
        self.instance, result = Instance.start(self.model, data)
        self.shadow: Instance | None = None
        shadow_result = None
        if shadow:
            self.shadow, shadow_result = Instance.start(self.model, data)
        self.results: list[StepResult] = []
        self.trace: list[tuple[Any, ...]] = []
        self._after(result, shadow_result)

    # -- steps ------------------------------------------------------------------------------
    def complete(self, element_id: str, data: Mapping[str, Any], *, extra: Iterable[str] = ()) -> StepResult:
        """Complete the one ready task `element_id` with `data`, which must fit the task's form
        (keys named in `extra` are allowed beyond the form, e.g. a deadline a test shortens)."""
        task = self.task(element_id)
        assert task.form_key, f"{element_id} has no form"
        unknown = set(data) - form_keys(self.model, task.form_key) - set(extra)
        assert not unknown, f"{element_id}: {sorted(unknown)} are not fields of {task.form_key}"
        shadow = None
        if self.shadow is not None:
            twin = [t for t in self.shadow.ready_tasks() if t.element_id == element_id]
            assert len(twin) == 1, f"the unpruned run has {len(twin)} {element_id} ready"
            shadow = self.shadow.complete_task(twin[0].id, data)
        return self._after(self.instance.complete_task(task.id, data), shadow)

    def deliver(self, name: str, payload: Mapping[str, Any], correlations: Mapping[str, Any]) -> StepResult:
        shadow = self.shadow.deliver_message(name, payload, correlations) if self.shadow is not None else None
        return self._after(self.instance.deliver_message(name, payload, correlations), shadow)

    def fire_after(self, seconds: float) -> StepResult:
        """Move the engine clock on by `seconds` (no real waiting), then fire what fell due."""
        assert CLOCK is not None, "tests/bpmn/conftest.py sets the engine clock"
        CLOCK.advance(seconds)
        shadow = self.shadow.fire_due_timers() if self.shadow is not None else None
        return self._after(self.instance.fire_due_timers(), shadow)

    def _after(self, result: StepResult, shadow: StepResult | None = None) -> StepResult:
        if self.shadow is not None and shadow is not None:
            self._compare(result, shadow)
        before = [(t.element_id, t.id) for t in result.snapshot.ready_tasks]
        state = self.instance.save(prune=self.prune)
        self.instance = Instance.restore(self.model, state)
        after = [(t.element_id, t.id) for t in self.instance.ready_tasks()]
        assert sorted(before) == sorted(after), "ready tasks changed across save/restore"
        assert self.instance.snapshot().waiting_messages == result.snapshot.waiting_messages
        assert self.instance.save(prune=self.prune) == state, "restored state differs from the saved one"
        for task in after:
            view = self.task(task[0])
            info = self.model.human_tasks[view.element_id]
            assert view.lane is not None and view.lane == info.lane, f"{view.element_id} runs in lane {view.lane}"
        self.results.append(result)
        self.trace.extend(trace(result))
        return result

    def _compare(self, pruned: StepResult, unpruned: StepResult) -> None:
        """The pruned run and the unpruned shadow took the same step; the shadow round-trips unpruned."""
        assert trace(pruned) == trace(unpruned), "pruning changed the events of a step"
        assert pruned.messages == unpruned.messages
        ours, theirs = pruned.snapshot, unpruned.snapshot
        assert ours.completed == theirs.completed and ours.data == theirs.data, "pruning changed the data"
        assert ours.waiting_messages == theirs.waiting_messages
        # timers count from the moment each run reached them: the two runs are a few ms apart
        assert (ours.next_timer_at is None) == (theirs.next_timer_at is None)
        if ours.next_timer_at is not None and theirs.next_timer_at is not None:
            assert abs((ours.next_timer_at - theirs.next_timer_at).total_seconds()) < 5
        ready = [(t.element_id, t.data) for t in ours.ready_tasks]
        assert ready == [(t.element_id, t.data) for t in theirs.ready_tasks]
        assert self.shadow is not None
        self.shadow = Instance.restore(self.model, self.shadow.save(prune=False))

    # -- looking ----------------------------------------------------------------------------
    @property
    def last(self) -> StepResult:
        return self.results[-1]

    def ready(self) -> list[str]:
        return sorted(t.element_id for t in self.instance.ready_tasks())

    def task(self, element_id: str) -> TaskView:
        found = [t for t in self.instance.ready_tasks() if t.element_id == element_id]
        assert len(found) == 1, f"expected {element_id} ready, ready: {self.ready()}"
        return found[0]

    def data(self, element_id: str) -> dict[str, Any]:
        return self.task(element_id).data

    @property
    def completed(self) -> bool:
        return self.instance.snapshot().completed

    def final_data(self) -> dict[str, Any]:
        snap = self.instance.snapshot()
        assert snap.completed, f"instance not completed; ready: {self.ready()}"
        return snap.data

    def waiting(self) -> dict[str, dict[str, Any]]:
        return {m.name: m.correlations for m in self.instance.snapshot().waiting_messages}
