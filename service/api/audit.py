"""Audit endpoints: filtered listing, streamed export (CSV or JSON lines), verification of the chains."""

from __future__ import annotations

from typing import Any

from flask import Response, stream_with_context
from flask.views import MethodView
from flask_smorest import Blueprint

from ..usecases import audit_queries
from ..usecases.audit_queries import AuditFilter
from .common import PREFIX, actor, context
from .schemas.audit import AuditExportArgs, AuditListArgs, EventPageSchema, VerificationSchema

blp = Blueprint("audit", __name__, url_prefix=f"{PREFIX}/audit", description="The audit trail (auditors)")
MIMETYPES = {"csv": "text/csv", "jsonl": "application/jsonl"}


@blp.route("")
class AuditList(MethodView):
    """Audit events."""

    @blp.arguments(AuditListArgs, location="query")
    @blp.response(200, EventPageSchema)
    def get(self, args: dict[str, Any]) -> Any:
        """List events of the agency, oldest first; continue with `after_id=next_after_id`."""
        limit = args.pop("limit")
        return audit_queries.list_events(context(), actor(), AuditFilter(**args), limit)


@blp.route("/export")
class AuditExport(MethodView):
    """Exporting audit events."""

    @blp.arguments(AuditExportArgs, location="query")
    @blp.response(200, content_type="text/csv", description="CSV (cells that could start a formula prefixed "
                  "with ') or JSON lines (format=jsonl, application/jsonl)")
    def get(self, args: dict[str, Any]) -> Any:
        """Stream every matching event as CSV or JSON lines."""
        fmt = args.pop("format")
        lines = audit_queries.export_events(context(), actor(), AuditFilter(**args), fmt)
        return Response(stream_with_context(lines), mimetype=MIMETYPES[fmt],
                        headers={"Content-Disposition": f'attachment; filename="audit.{fmt}"'})


@blp.route("/verify")
class AuditVerify(MethodView):
    """Verifying the trail."""

    @blp.response(200, VerificationSchema)
    def get(self) -> Any:
        """Check the agency's hash chains now, from the last sealed checkpoint on; names every problem found."""
        return audit_queries.verify(context(), actor())
