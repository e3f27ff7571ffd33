"""Errors of the use-case layer, each mapped to one HTTP status and one CLI exit in one place."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from workflows.errors import Problem


class UseCaseError(Exception):
    """Base class; `title` names the kind of problem, the message explains this occurrence."""

    title = "Request failed"


class NotFound(UseCaseError):
    """The thing asked for does not exist (or the caller may not know it exists)."""

    title = "Not found"


class Unauthenticated(UseCaseError):
    """Nobody is signed in, or the credentials given are wrong, expired or revoked."""

    title = "Unauthenticated"


class Forbidden(UseCaseError):
    """The caller's roles do not allow this action."""

    title = "Forbidden"


class Invalid(UseCaseError):
    """The input was refused; `problems` lists every reason."""

    title = "Invalid input"

    def __init__(self, message: str, problems: Sequence[str] = (),
                 fields: Mapping[str, Sequence[str]] | None = None) -> None:
        super().__init__(message)
        self.problems = list(problems)
        self.fields = {name: list(msgs) for name, msgs in (fields or {}).items()}
        """Problems by input field, when the input was a set of named fields (a form, say)."""


class MissingGroups(Invalid):
    """A diagram's lanes name groups the deploying agency does not have (an admin creates them first)."""

    def __init__(self, message: str, problems: Sequence[str], needed: Sequence[str], missing: Sequence[str]) -> None:
        super().__init__(message, problems)
        self.needed_groups = list(needed)
        self.missing_groups = list(missing)
class ModelRefused(Invalid):
    """A process model was refused; `refusals` holds each problem as data (message, element id and name,
    file, line), so a page can mark the element without reading it back out of the text."""

    def __init__(self, message: str, refusals: Sequence[Problem]) -> None:
        super().__init__(message, [str(p) for p in refusals])
        self.refusals = tuple(refusals)


class Conflict(UseCaseError):
    """Someone else got there first (the task was completed, the instance moved on)."""

    title = "Conflict"

    def __init__(self, message: str, by: str | None = None, at: datetime | None = None) -> None:
        super().__init__(message)
        self.by = by
        self.at = at


class StaleVersion(Conflict):
    """The caller acted on an older version of the instance than the one stored."""

    title = "Stale version"


class ProcessFailed(UseCaseError):
    """The diagram itself failed while running (a script or expression error); nothing was saved."""

    title = "Process error"

    def __init__(self, message: str, element_id: str | None = None) -> None:
        super().__init__(message)
        self.element_id = element_id


class LimitExceeded(ProcessFailed):
    """An engine step went over one of its bounds (time, memory, tasks, state size, a cardinality or timer).

    Nothing was saved; the worker opens an incident that it never retries on its own (the same step
    would go over the same bound again), and waits for an admin."""
