"""Task endpoints: the task list, one task with its form, claim, unclaim, assign, complete.

Task responses carry the ETag of their instance's version; writes honour `If-Match`.
"""

from __future__ import annotations

import uuid
from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from ..domain import staffing
from ..usecases import task_queries, tasks
from .common import PREFIX, actor, context, if_match, with_etag
from .schemas.tasks import (
    AssignSchema,
    CompleteSchema,
    CompletionSchema,
    MoveSchema,
    TaskDetailSchema,
    TaskListArgs,
    TaskPageSchema,
    TaskSchema,
)
from .task_json import completion_json

blp = Blueprint("tasks", __name__, url_prefix=f"{PREFIX}/tasks", description="Human tasks")
ETAG_HEADER = {"ETag": {"description": "the instance and its version: \"<instance id>:<version>\"",
                        "schema": {"type": "string"}}}


@blp.route("")
class TaskList(MethodView):
    """The task list (read from the projection only)."""

    @blp.arguments(TaskListArgs, location="query")
    @blp.response(200, TaskPageSchema)
    def get(self, args: dict[str, Any]) -> Any:
        """List open tasks: mine, my lanes' (group), or all of the agency's; overdue first with sort=due."""
        return task_queries.list_tasks(context(), actor(), **args)


@blp.route("/<uuid:task_id>")
class Task(MethodView):
    """One task."""

    @blp.response(200, TaskDetailSchema, headers=ETAG_HEADER)
    def get(self, task_id: uuid.UUID) -> Any:
        """A task with its form definition and the data the form shows."""
        detail = task_queries.get_task(context(), actor(), task_id)
        return with_etag(detail, detail.task.instance_id, detail.task.instance_version)


@blp.route("/<uuid:task_id>/claim")
class TaskClaim(MethodView):
    """Claiming a task."""

    @blp.response(200, TaskSchema, headers=ETAG_HEADER)
    def post(self, task_id: uuid.UUID) -> Any:
        """Claim a task of your lane: from now on only you complete it."""
        row = tasks.claim(context(), actor(), task_id, if_match())
        return with_etag(row, row.instance_id, row.instance_version)


@blp.route("/<uuid:task_id>/unclaim")
class TaskUnclaim(MethodView):
    """Giving a task back."""

    @blp.response(200, TaskSchema, headers=ETAG_HEADER)
    def post(self, task_id: uuid.UUID) -> Any:
        """Give a claimed task back to its lane (its assignee or a lead)."""
        row = tasks.unclaim(context(), actor(), task_id, if_match())
        return with_etag(row, row.instance_id, row.instance_version)


@blp.route("/<uuid:task_id>/assign")
class TaskAssign(MethodView):
    """Assigning a task to someone."""

    @blp.arguments(AssignSchema)
    @blp.response(200, TaskSchema, headers=ETAG_HEADER)
    def post(self, body: dict[str, Any], task_id: uuid.UUID) -> Any:
        """Give a task to a named person of its lane (office, director, admin)."""
        row = tasks.assign(context(), actor(), task_id, body["username"], if_match())
        return with_etag(row, row.instance_id, row.instance_version)


@blp.route("/<uuid:task_id>/move")
class TaskMove(MethodView):
    """Moving a unit's task to another unit."""

    @blp.arguments(MoveSchema)
    @blp.response(200, TaskSchema, headers=ETAG_HEADER)
    def post(self, body: dict[str, Any], task_id: uuid.UUID) -> Any:
        """Move a unit's open task to another unit where someone works (office, director, inspectorate)."""
        row = staffing.move_to_unit(context(), actor(), task_id, body["unit"], body["reason"])
        return with_etag(row, row.instance_id, row.instance_version)


@blp.route("/<uuid:task_id>/complete")
class TaskComplete(MethodView):
    """Completing a task."""

    @blp.arguments(CompleteSchema)
    @blp.response(200, CompletionSchema, headers=ETAG_HEADER)
    def post(self, body: dict[str, Any], task_id: uuid.UUID) -> Any:
        """Complete a task with the data its form collects; the process runs on to its next wait."""
        done = tasks.complete(context(), actor(), task_id, body["data"], if_match())
        return with_etag(completion_json(done), done.task.instance_id, done.task.instance_version)
