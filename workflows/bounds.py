"""Bounds on the engine's own work, outside diagram code: multi-instance cardinality, timers, tasks, recursion.

The sandbox bounds what a diagram's scripts and expressions do; this module bounds what the engine
does with their values. A `loopCardinality` of 10**9 makes the engine build 10**9 tasks in one
call; a timer of `"P99999999Y"` makes it loop over a hundred million months; a cycle `R/PT0S` fires
forever within one step; a call activity that calls its own process never stops. So:

- at upload, `expression_problem` refuses a literal cardinality over `MAX_CARDINALITY`, a duration
  beyond `HORIZON_YEARS`, a cycle without a repetition count, with more than `MAX_CYCLE_REPEATS`,
  or with a period under `MIN_CYCLE_PERIOD_S`; `recursion_problems` refuses call activities that
  lead back to their own process;
- at run time, `BoundedScriptEngine` checks the same values when the engine evaluates them (a
  cardinality or timer computed from task data), before the engine acts on them; the input
  collection of a multi-instance activity is held to the same bound (`bound_collections`); `StepGuard`
  checks, after every task the engine runs, the step's time and memory (`budget.check_element`)
  and the number of tasks it created (`budget.ALLOWANCES.tasks_per_step`).

A value over a bound raises `StepBudgetExceeded` naming the element and the bound: a
`BaseException` the engine does not wrap and no diagram script can catch.
"""

from __future__ import annotations

import ast
import re
from collections import Counter
from collections.abc import Iterable, Sized
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    DurationTimerEventDefinition,
)
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import MultiInstanceTask
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.task import Task

from . import budget
from .budget import StepBudgetExceeded
from .errors import ScriptError
from .sandbox import RestrictedEnvironment

MAX_CARDINALITY = 1_000
"""Most instances a multi-instance activity may have when it counts them (`loopCardinality`)."""
HORIZON_YEARS = 10
"""Longest timer duration (and cycle period) a diagram may ask for."""
MAX_CYCLE_REPEATS = 1_000
"""Most repetitions of a timer cycle (`R1000/P1D`)."""
MIN_CYCLE_PERIOD_S = 60
"""Shortest period of a timer cycle, in seconds."""
GUARD_EVERY = 16
"""Engine tasks run between two looks at the step's memory and task count (time is checked every task)."""

_BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
_NUMBER = r"(\d+(?:[.,]\d+)?)"
_DURATION = re.compile(
    rf"^P(?=.)(?:{_NUMBER}Y)?(?:{_NUMBER}M)?(?:{_NUMBER}W)?(?:{_NUMBER}D)?"
    rf"(?:T(?=.)(?:{_NUMBER}H)?(?:{_NUMBER}M)?(?:{_NUMBER}S)?)?$", re.IGNORECASE)
_DAYS_PER_UNIT = (366.0, 31.0, 7.0, 1.0, 1 / 24, 1 / 1440, 1 / 86400)
"""Upper bounds of the days in a year, month, week, day, hour, minute and second, in `_DURATION`'s order."""
_TIMER_TAGS = {"timeDuration": "duration", "timeCycle": "cycle", "timeDate": "date"}


# -- the values ----------------------------------------------------------------------------

def _duration_days(text: str) -> float | None:
    """At most how many days an ISO 8601 duration lasts; None when `text` is not one."""
    match = _DURATION.match(text.strip())
    if match is None:
        return None
    return sum(float(value.replace(",", ".")) * days
               for value, days in zip(match.groups(), _DAYS_PER_UNIT, strict=True) if value)


def _duration_problem(text: str) -> str | None:
    days = _duration_days(text)
    if days is not None and days > HORIZON_YEARS * 365.25:
        return f"timer duration '{text}' is longer than the limit of {HORIZON_YEARS} years"
    return None


def _cycle_problem(text: str) -> str | None:
    parts = text.strip().upper().replace("--", "/").split("/")
    if len(parts) < 2 or not parts[0].startswith("R"):
        return None  # not a cycle: the engine refuses it with its own message
    count = parts[0][1:]
    if not count:
        return (f"timer cycle '{text}' repeats without end; say how many times it repeats "
                f"(for example R5/P1D, at most {MAX_CYCLE_REPEATS})")
    if count.isdigit() and (len(count) > 9 or int(count) > MAX_CYCLE_REPEATS):
        return f"timer cycle '{text}' repeats {count} times; the limit is {MAX_CYCLE_REPEATS}"
    for part in parts[1:]:
        days = _duration_days(part) if part.startswith("P") else None
        if days is None:
            continue
        if days * 86400 < MIN_CYCLE_PERIOD_S:
            return f"timer cycle '{text}' repeats every {part}; the shortest period allowed is {MIN_CYCLE_PERIOD_S} s"
        if days > HORIZON_YEARS * 365.25:
            return f"timer cycle '{text}' has a period longer than the limit of {HORIZON_YEARS} years"
    return None


def timer_problem(kind: str, value: Any) -> str | None:
    """Why a timer value (`kind`: duration, cycle or date) is over the bounds, or None."""
    if not isinstance(value, str):
        return None
    if kind == "duration":
        return _duration_problem(value)
    if kind == "cycle":
        return _cycle_problem(value)
    return None


def cardinality_problem(value: Any) -> str | None:
    """Why a multi-instance cardinality is over the bound, or None."""
    if isinstance(value, int) and not isinstance(value, bool) and value > MAX_CARDINALITY:
        shown = str(value) if value.bit_length() < 64 else f"a number of {value.bit_length()} bits"
        return f"loopCardinality {shown} is over the limit of {MAX_CARDINALITY} instances"
    return None


def expression_problem(tag: str, text: str) -> str | None:
    """Why the literal expression of a `loopCardinality` or timer element is over the bounds, or None.

    Only constants (`1000000000`, `10**9`, `"R/PT0S"`) can be judged at upload; values computed from
    task data are checked when the engine evaluates them.
    """
    try:
        tree = ast.parse(text.strip(), mode="eval")
        if any(isinstance(node, ast.Name | ast.Call | ast.Attribute) for node in ast.walk(tree)):
            return None
        value = RestrictedEnvironment().evaluate(text, {})  # the sandbox's size-checked operators
    except (ScriptError, ArithmeticError, ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return None
    if tag == "loopCardinality":
        return cardinality_problem(value)
    kind = _TIMER_TAGS.get(tag)
    return timer_problem(kind, value) if kind else None


# -- recursion -----------------------------------------------------------------------------

def recursion_problems(root: etree._Element) -> list[tuple[str, str | None]]:
    """(message, call activity id) for every call activity that leads back to the process holding it."""
    calls: dict[str, list[tuple[str, str | None]]] = {}
    for proc in root.iterfind(f"{{{_BPMN}}}process"):
        calls[str(proc.get("id"))] = [(str(c.get("calledElement") or ""), c.get("id"))
                                      for c in proc.iter(f"{{{_BPMN}}}callActivity")]
    problems: list[tuple[str, str | None]] = []
    for process_id, outgoing in calls.items():
        for called, element in outgoing:
            if called == process_id:
                problems.append((f"call activity calls its own process '{process_id}'; recursion is not allowed",
                                 element))
            elif process_id in _reachable(calls, called):
                problems.append((f"call activity calls '{called}', which leads back to '{process_id}'; "
                                 "recursion is not allowed", element))
    return problems


def _reachable(calls: dict[str, list[tuple[str, str | None]]], start: str) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        todo += [called for called, _ in calls.get(current, [])]
    return seen


# -- at run time ---------------------------------------------------------------------------

def _timer_kind(definition: Any) -> str | None:
    if isinstance(definition, CycleTimerEventDefinition):
        return "cycle"
    if isinstance(definition, DurationTimerEventDefinition):
        return "duration"
    return None


class BoundedScriptEngine(PythonScriptEngine):  # type: ignore[misc]
    """The engine's script engine, checking cardinalities and timers it evaluates before they are used."""

    def evaluate(self, task: Task, expression: str, external_context: Any = None) -> Any:
        """Evaluate as usual; `StepBudgetExceeded` when the value is a cardinality or timer over the bounds."""
        value = super().evaluate(task, expression, external_context)
        spec = task.task_spec
        problem = None
        if isinstance(spec, MultiInstanceTask) and expression == spec.cardinality:
            problem = cardinality_problem(value)
        else:
            definition = getattr(spec, "event_definition", None)
            kind = _timer_kind(definition)
            if kind is not None and expression == getattr(definition, "expression", None):
                problem = timer_problem(kind, value)
        if problem:
            raise StepBudgetExceeded(problem, getattr(spec, "bpmn_id", None))
        return value


class _BoundedCollection:
    """A multi-instance activity's input collection that refuses to hand the engine more than
    `MAX_CARDINALITY` items: the engine creates every instance of a parallel activity at once."""

    def __init__(self, inner: Any, element_id: str | None) -> None:
        self._inner = inner
        self._element_id = element_id

    def get(self, task: Task) -> Any:
        """The collection from the task's data, when it is within the bound."""
        value = self._inner.get(task)
        if isinstance(value, Sized) and len(value) > MAX_CARDINALITY:
            raise StepBudgetExceeded(f"the collection '{getattr(self._inner, 'bpmn_id', '?')}' holds {len(value)} "
                                     f"items; a multi-instance activity may have at most {MAX_CARDINALITY} "
                                     "instances", self._element_id)
        return value

    def __getattr__(self, name: str) -> Any:
        inner = self.__dict__.get("_inner")
        if inner is None:
            raise AttributeError(name)
        return getattr(inner, name)


def bound_collections(process_specs: Iterable[Any]) -> None:
    """Put the collection bound on every multi-instance activity of freshly parsed process specs."""
    for process in process_specs:
        for spec in process.task_specs.values():
            if isinstance(spec, MultiInstanceTask) and spec.data_input is not None \
                    and not isinstance(spec.data_input, _BoundedCollection):
                spec.data_input = _BoundedCollection(spec.data_input, getattr(spec, "bpmn_id", None))


class StepGuard:
    """Checks one engine step after every task the engine runs: time, memory, tasks created."""

    def __init__(self, workflow: BpmnWorkflow, tasks_before: int) -> None:
        self._wf = workflow
        self._before = tasks_before
        self._runs = 0

    def _count(self) -> int:
        return len(self._wf.tasks) + sum(len(sub.tasks) for sub in self._wf.subprocesses.values())

    def after_task(self, task: Task) -> None:
        """The engine's `did_complete_task` callback."""
        self._runs += 1
        element = getattr(task.task_spec, "bpmn_id", None)
        due = self._runs % GUARD_EVERY == 0
        budget.check_element(element, memory=due)
        if due:
            self.check_tasks()

    def check_tasks(self) -> None:
        """Raise when the step has created more tasks than it may, naming the element most of them run."""
        limit = budget.ALLOWANCES.tasks_per_step
        created = self._count() - self._before
        if limit and created > limit:
            raise StepBudgetExceeded(f"the step created {created} engine tasks; the limit is {limit} per step",
                                     _busiest(self._all_tasks()))

    def _all_tasks(self) -> Iterable[Task]:
        yield from self._wf.tasks.values()
        for sub in self._wf.subprocesses.values():
            yield from sub.tasks.values()


def _busiest(tasks: Iterable[Task]) -> str | None:
    counts = Counter(getattr(t.task_spec, "bpmn_id", None) for t in tasks)
    counts.pop(None, None)
    return str(counts.most_common(1)[0][0]) if counts else None
