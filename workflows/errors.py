"""Errors raised by the engine binding, each naming what went wrong in a designer's or user's terms."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a process model, pointing at the element when there is one."""

    message: str
    element_id: str | None = None
    file_name: str | None = None
    line: int | None = None
    element_name: str | None = None
    template: str = ""
    """The message before `values` filled its `{name}` placeholders, so a page can show it translated."""
    values: tuple[tuple[str, str], ...] = ()

    @classmethod
    def worded(cls, template: str, *, element_id: str | None = None, file_name: str | None = None,
               **values: str) -> Problem:
        """A problem whose message is `template` filled with `values` (the designer's own words)."""
        return cls(template.format(**values), element_id=element_id, file_name=file_name, template=template,
                   values=tuple(sorted(values.items())))

    def __str__(self) -> str:
        where = [p for p in (self.file_name, f"line {self.line}" if self.line else None) if p]
        if self.element_id:
            named = f' "{self.element_name}"' if self.element_name and self.element_name != self.element_id else ""
            where.append(f"element {self.element_id}{named}")
        return f"{', '.join(where)}: {self.message}" if where else self.message


class WorkflowError(Exception):
    """Base class of every error the engine binding raises."""


class ModelError(WorkflowError):
    """A process model (BPMN, DMN or form bundle) was refused; `problems` lists why."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


class ScriptError(WorkflowError):
    """An expression or script in a diagram failed or tried something forbidden."""

    def __init__(self, message: str, element_id: str | None = None) -> None:
        self.element_id = element_id
        super().__init__(f"{element_id}: {message}" if element_id else message)


class TaskNotReady(WorkflowError):
    """The task does not exist in this instance or is no longer waiting for a person."""


class MessageNotExpected(WorkflowError):
    """The instance is not waiting for the message that was delivered to it."""


class StateError(WorkflowError):
    """Stored engine state could not be restored (corrupt, or from an unknown format)."""
