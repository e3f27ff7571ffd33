"""Process model endpoints: list, deploy (files or JSON), validate, read a version's diagram."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from werkzeug.datastructures import FileStorage

from ..usecases import models
from ..usecases import versions as model_versions
from .common import PREFIX, actor, context
from .schemas.models import (
    BundleSchema,
    CheckReportSchema,
    ModelListArgs,
    UploadSchema,
    VersionDetailSchema,
    VersionSchema,
)
from .schemas.versions import BulkMoveBodySchema, BulkMoveSchema, ComparisonSchema, DraftSchema

blp = Blueprint("models", __name__, url_prefix=f"{PREFIX}/models", description="Process models")


def _files(body: dict[str, Any]) -> tuple[bytes, dict[str, bytes], str]:
    bpmn: FileStorage = body["bpmn"]
    resources = {str(f.filename or "resource"): f.read() for f in body["resources"]}
    return bpmn.read(), resources, str(bpmn.filename or "diagram.bpmn")


def _json(body: dict[str, Any]) -> tuple[bytes, dict[str, bytes], str]:
    resources = {name: text.encode("utf-8") for name, text in body["resources"].items()}
    return body["bpmn_xml"].encode("utf-8"), resources, body["file_name"]


@blp.route("")
class ModelList(MethodView):
    """Deployed models."""

    accepts = ("multipart/form-data",)

    @blp.arguments(ModelListArgs, location="query")
    @blp.response(200, VersionSchema(many=True))
    def get(self, args: dict[str, Any]) -> Any:
        """Every deployed version, newest first within each process (designers, admins, auditors)."""
        return models.list_models(context(), actor(), args.get("key"))

    @blp.arguments(UploadSchema, location="files")
    @blp.response(201, VersionSchema)
    def post(self, body: dict[str, Any]) -> Any:
        """Deploy an uploaded bundle (one .bpmn plus its forms and decision tables) as a new version."""
        return models.deploy_bundle(context(), actor(), *_files(body))


@blp.route("/validate")
class ModelValidate(MethodView):
    """Checking a bundle."""

    @blp.arguments(BundleSchema)
    @blp.response(200, CheckReportSchema)
    def post(self, body: dict[str, Any]) -> Any:
        """Validate a bundle without deploying it; every problem names its element."""
        return models.check_bundle(context(), actor(), *_json(body))


@blp.route("/<string:key>/versions")
class ModelVersions(MethodView):
    """Versions of one model."""

    @blp.arguments(BundleSchema)
    @blp.response(201, VersionSchema)
    def post(self, body: dict[str, Any], key: str) -> Any:
        """Deploy a bundle given as JSON as the next version of process `key`."""
        return models.deploy_bundle(context(), actor(), *_json(body), key=key)


@blp.route("/<string:key>/versions/<int(max=2147483647):version>")
class ModelVersion(MethodView):
    """One version of a model."""

    @blp.response(200, VersionDetailSchema)
    def get(self, key: str, version: int) -> Any:
        """A deployed version with its BPMN XML."""
        return models.get_version(context(), actor(), key, version)


@blp.route("/<string:key>/versions/<int(max=2147483647):version>/diff/<int(max=2147483647):other>")
class VersionDiff(MethodView):
    """Two versions of a model compared."""

    @blp.response(200, ComparisonSchema)
    def get(self, key: str, version: int, other: int) -> Any:
        """Elements added, removed and changed from `version` to `other` (and forms or decision tables)."""
        return model_versions.compare(context(), actor(), key, version, other)


@blp.route("/<string:key>/versions/<int(max=2147483647):version>/migrations")
class VersionMigration(MethodView):
    """Moving a version's running instances."""

    @blp.arguments(BulkMoveBodySchema)
    @blp.response(200, BulkMoveSchema)
    def post(self, body: dict[str, Any], key: str, version: int) -> Any:
        """Move the agency's running instances of `version` to `to_version`, each in its own transaction;
        a dry run (the default) writes nothing and lists which cannot move and why."""
        return model_versions.migrate_all(context(), actor(), key, version, body["to_version"], body["dry_run"])


@blp.route("/<string:key>/drafts")
class ModelDrafts(MethodView):
    """Drafts of a model: saving one never deploys it."""

    @blp.response(200, DraftSchema(many=True))
    def get(self, key: str) -> Any:
        """The agency's drafts of `key`, most recently saved first (designers, admins)."""
        return model_versions.drafts_of(context(), actor(), key)

    @blp.arguments(BundleSchema)
    @blp.response(201, DraftSchema)
    def post(self, body: dict[str, Any], key: str) -> Any:
        """Save a bundle as a new draft of `key`; it runs only after `POST .../drafts/{id}/publish`."""
        return model_versions.save_draft(context(), actor(), key, 0, body["file_name"], body["bpmn_xml"],
                                         body["resources"])


@blp.route("/<string:key>/drafts/<int(max=2147483647):draft_id>")
class ModelDraft(MethodView):
    """One draft."""

    @blp.arguments(BundleSchema)
    @blp.response(200, DraftSchema)
    def post(self, body: dict[str, Any], key: str, draft_id: int) -> Any:
        """Overwrite a draft's diagram and resources (still not deployed)."""
        return model_versions.save_draft(context(), actor(), key, draft_id, body["file_name"], body["bpmn_xml"],
                                         body["resources"])


@blp.route("/<string:key>/drafts/<int(max=2147483647):draft_id>/publish")
class ModelDraftPublish(MethodView):
    """Publishing a draft."""

    @blp.response(201, VersionSchema)
    def post(self, key: str, draft_id: int) -> Any:
        """Deploy the saved draft as the next version of `key` (validated first; problems answer 422)."""
        return model_versions.publish_draft(context(), actor(), key, draft_id)
