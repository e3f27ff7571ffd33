"""Instance endpoints: start any deployed model, list, read, diagram state, suspend, resume, terminate."""

from __future__ import annotations

import uuid
from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from ..usecases import instance_queries, lifecycle
from ..usecases.versions import migrate_instance
from .common import PREFIX, actor, context, if_match, with_etag
from .schemas.common import ReasonSchema, RequiredReasonSchema
from .schemas.instances import (
    DiagramStateSchema,
    InstanceDetailSchema,
    InstanceListArgs,
    InstancePageSchema,
    StartSchema,
)
from .schemas.versions import MigrateBodySchema, MoveResultSchema
from .tasks import ETAG_HEADER

blp = Blueprint("instances", __name__, url_prefix=f"{PREFIX}/instances", description="Process instances")


def _detail(detail: instance_queries.InstanceDetail) -> Any:
    return with_etag(detail, detail.instance.id, detail.instance.version)


@blp.route("")
class InstanceList(MethodView):
    """Instances of the agency."""

    @blp.arguments(InstanceListArgs, location="query")
    @blp.response(200, InstancePageSchema)
    def get(self, args: dict[str, Any]) -> Any:
        """List instances, newest first, by status, model and business key."""
        return instance_queries.list_instances(context(), actor(), **args)

    @blp.arguments(StartSchema)
    @blp.response(201, InstanceDetailSchema, headers=ETAG_HEADER)
    def post(self, body: dict[str, Any]) -> Any:
        """Start a deployed model (its latest version unless one is named) with starting data."""
        return _detail(lifecycle.start(context(), actor(), body["model_key"], body["data"], body.get("version"),
                                       body.get("business_key")))


@blp.route("/<uuid:instance_id>")
class Instance(MethodView):
    """One instance."""

    @blp.response(200, InstanceDetailSchema, headers=ETAG_HEADER)
    def get(self, instance_id: uuid.UUID) -> Any:
        """An instance with its open tasks."""
        return _detail(instance_queries.get_instance(context(), actor(), instance_id))


@blp.route("/<uuid:instance_id>/diagram-state")
class DiagramState(MethodView):
    """The instance painted on its diagram."""

    @blp.response(200, DiagramStateSchema)
    def get(self, instance_id: uuid.UUID) -> Any:
        """Completed, active and overdue element ids, and the path taken, from the audit trail."""
        return instance_queries.diagram_state(context(), actor(), instance_id)


@blp.route("/<uuid:instance_id>/suspend")
class Suspend(MethodView):
    """Suspending an instance."""

    @blp.arguments(ReasonSchema)
    @blp.response(200, InstanceDetailSchema, headers=ETAG_HEADER)
    def post(self, body: dict[str, Any], instance_id: uuid.UUID) -> Any:
        """Pause a running instance (office, director, admin)."""
        return _detail(lifecycle.suspend(context(), actor(), instance_id, body["reason"], if_match()))


@blp.route("/<uuid:instance_id>/resume")
class Resume(MethodView):
    """Resuming an instance."""

    @blp.response(200, InstanceDetailSchema, headers=ETAG_HEADER)
    def post(self, instance_id: uuid.UUID) -> Any:
        """Let a suspended instance run again (office, director, admin)."""
        return _detail(lifecycle.resume(context(), actor(), instance_id, if_match()))


@blp.route("/<uuid:instance_id>/terminate")
class Terminate(MethodView):
    """Terminating an instance."""

    @blp.arguments(RequiredReasonSchema)
    @blp.response(200, InstanceDetailSchema, headers=ETAG_HEADER)
    def post(self, body: dict[str, Any], instance_id: uuid.UUID) -> Any:
        """End an instance for good, with a reason; its tasks are cancelled, its history kept (director, admin)."""
        return _detail(lifecycle.terminate(context(), actor(), instance_id, body["reason"], if_match()))


@blp.route("/<uuid:instance_id>/migrate")
class InstanceMigrate(MethodView):
    """Moving one instance to another version of its process."""

    @blp.arguments(MigrateBodySchema)
    @blp.response(200, MoveResultSchema)
    def post(self, body: dict[str, Any], instance_id: uuid.UUID) -> Any:
        """Move the instance to `to_version` (designers, admins); with `dry_run`, only say whether it can
        and why not. A move is recorded on the instance's audit chain (`instance_migrated`)."""
        return migrate_instance(context(), actor(), instance_id, body["to_version"], body["dry_run"])
