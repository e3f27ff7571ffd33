"""The REST API under /api/v1: flask-smorest blueprints, problem+json errors, sessions and tokens.

Adding a resource: write `service/api/<name>.py` with `blp = Blueprint("<name>", __name__,
url_prefix=f"{PREFIX}/<name>")` and one `MethodView` per resource (`@blp.arguments` in, one
use-case call, `@blp.response` out), then add the module to `blueprints()` below. Every route
demands a signed-in actor unless its view class is decorated with `@public` (see `common.py`);
writes with the session cookie must carry `X-CSRF-Token`; a view that takes something other than
JSON names it in an `accepts` class attribute. The authorization matrix test
(`tests/api/test_matrix.py`) fails until the new routes have rows there.
"""

from __future__ import annotations

from flask import Flask, send_from_directory
from flask.typing import ResponseReturnValue
from flask_smorest import Blueprint
from swagger_ui_bundle import swagger_ui_path

from ..usecases.context import Context
from .auth import authenticate
from .common import PREFIX
from .errors import ProblemApi, register_error_handlers

DOCS_ASSETS = f"{PREFIX}/docs/assets/"


def blueprints() -> list[Blueprint]:
    """Every API blueprint, in the order they appear in the OpenAPI document."""
    from . import audit, auth, dialogues, documents, instances, messages, models, petitions, tasks, tokens, users
    from .deadlines import blp as deadlines_blp  # issue 13: extensions and deadline alerts
    from .groups import blp as groups_blp  # issue 15: groups working lanes
    from .groups import grants as group_grants_blp
    from .notifications import blp as notifications_blp
    from .publications import blp as publications_blp
    from .receptions import blp as receptions_blp

    return [auth.blp, tokens.blp, petitions.blp, documents.blp, petitions.tracking, tasks.blp, instances.blp,
            dialogues.blp, dialogues.report_blp, models.blp, audit.blp, users.blp, messages.blp,
            receptions_blp, attachments_blueprint(), notifications_blp, publications_blp, deadlines_blp,
            groups_blp, group_grants_blp]


def attachments_blueprint() -> Blueprint:
    """The petition attachments endpoints (issue 14 point 2)."""
    from . import attachments

    return attachments.blp


def init_api(app: Flask, ctx: Context) -> ProblemApi:
    """Set up the API on `app`: its OpenAPI document, Swagger UI (served locally), errors, authentication."""
    settings = ctx.settings
    app.config.update(
        API_TITLE="petitionflow", API_VERSION="1", OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX=PREFIX, OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="docs", OPENAPI_SWAGGER_UI_URL=DOCS_ASSETS,
        SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.session_cookie_secure, SESSION_COOKIE_NAME="petitionflow_session",
        MAX_CONTENT_LENGTH=max(settings.max_model_bytes * 8, settings.max_attachment_bytes * 2 + (1 << 20)),
    )
    api = ProblemApi(app, spec_kwargs={"components": {"securitySchemes": {
        "session": {"type": "apiKey", "in": "cookie", "name": "petitionflow_session"},
        "bearer": {"type": "http", "scheme": "bearer"},
    }}, "security": [{"session": []}, {"bearer": []}]})
    register_error_handlers(app)
    app.before_request(authenticate)
    for blueprint in blueprints():
        api.register_blueprint(blueprint)

    @app.get(f"{DOCS_ASSETS}<path:filename>", endpoint="api-docs.assets")
    def docs_assets(filename: str) -> ResponseReturnValue:
        return send_from_directory(str(swagger_ui_path), filename)

    return api
