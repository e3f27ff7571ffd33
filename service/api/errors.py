"""The one place where errors become HTTP answers: RFC 7807 `application/problem+json`, never HTML.

Use-case errors map by class (NotFound 404, Unauthenticated 401, Forbidden 403, Invalid 422,
Conflict 409 with `completed_by`/`completed_at`, StaleVersion 412, ProcessFailed 422 with the
element id); werkzeug's errors (404, 405, 413, 415, bad JSON 400, schema errors 422) keep their
status and get the same body. Under /api an unexpected exception is a 500 problem, logged.
"""

from __future__ import annotations

import http
import logging
from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, json, request
from flask_smorest import Api
from flask_smorest.utils import prepare_response
from marshmallow import Schema, fields
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import HTTPException

from ..store.db import RETRY_AFTER_S, is_unavailable
from ..usecases import errors as uc
from ..usecases.throttle import Throttled
from .common import PREFIX

PROBLEM_JSON = "application/problem+json"
_LOG = logging.getLogger(__name__)

_STATUS: tuple[tuple[type[uc.UseCaseError], int], ...] = (
    (uc.NotFound, 404), (uc.Unauthenticated, 401), (uc.Forbidden, 403), (uc.Invalid, 422),
    (uc.StaleVersion, 412), (uc.Conflict, 409), (uc.ProcessFailed, 422), (Throttled, 429),
)


class FieldErrorSchema(Schema):
    """One refused input field."""

    field = fields.String(allow_none=True, metadata={"description": "the field, dotted for nested ones"})
    location = fields.String(metadata={"description": "json, query, files, headers or form"})
    message = fields.String(required=True)


class ProblemSchema(Schema):
    """An RFC 7807 problem: what went wrong, for people and programs."""

    type = fields.String(required=True, metadata={"example": "about:blank"})
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String(required=True)
    instance = fields.String(required=True, metadata={"description": "the path of the request"})
    errors = fields.List(fields.Nested(FieldErrorSchema), metadata={"description": "every refused field"})
    completed_by = fields.String(allow_none=True)
    completed_at = fields.DateTime(allow_none=True)
    element_id = fields.String(allow_none=True)


def problem(status: int, detail: str, title: str | None = None, **extra: Any) -> Response:
    """A problem+json response."""
    body = {"type": "about:blank", "title": title or http.HTTPStatus(status).phrase, "status": status,
            "detail": detail, "instance": request.path, **{k: v for k, v in extra.items() if v is not None}}
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_JSON)
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="petitionflow"'
    return response


def _field_errors(messages: Any, location: str | None, prefix: str = "") -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    if isinstance(messages, Mapping):
        for key, value in messages.items():
            if prefix == "" and location is None and isinstance(value, Mapping | list) and key in (
                    "json", "query", "files", "form", "headers", "path", "view_args"):
                found += _field_errors(value, str(key))
            else:
                found += _field_errors(value, location, f"{prefix}{key}.")
    elif isinstance(messages, list):
        for value in messages:
            if isinstance(value, str):
                found.append({"field": prefix.rstrip(".") or None, "location": location or "json", "message": value})
            else:
                found += _field_errors(value, location, prefix)
    return found


def use_case_problem(exc: uc.UseCaseError) -> Response:
    """The answer to a use-case error."""
    status = next((code for cls, code in _STATUS if isinstance(exc, cls)), 500)
    extra: dict[str, Any] = {}
    if isinstance(exc, uc.Invalid):
        errors = [{"field": n, "location": "json", "message": " ".join(m)} for n, m in exc.fields.items()]
        extra["errors"] = errors or [{"field": None, "location": "json", "message": p} for p in exc.problems]
    if isinstance(exc, uc.Conflict) and not isinstance(exc, uc.StaleVersion):
        extra["completed_by"] = exc.by
        extra["completed_at"] = exc.at.isoformat() if exc.at else None
    if isinstance(exc, uc.ProcessFailed):
        extra["element_id"] = exc.element_id
    if isinstance(exc, uc.MissingGroups):
        extra["needed_groups"], extra["missing_groups"] = exc.needed_groups, exc.missing_groups
    if isinstance(getattr(exc, "expected", None), list):
        extra["expected"] = exc.expected  # type: ignore[attr-defined]
    response = problem(status, str(exc) or exc.title, exc.title, **extra)
    if isinstance(exc, Throttled):
        response.headers["Retry-After"] = str(exc.retry_after)
    return response


def unavailable(detail: str) -> Response:
    """503 with `Retry-After`: problem+json under /api, plain text elsewhere."""
    if request.path.startswith(PREFIX):
        response = problem(503, detail, "Service Unavailable")
    else:
        response = Response(f"503 Service Unavailable: {detail}\n", status=503, mimetype="text/plain")
    response.headers["Retry-After"] = str(RETRY_AFTER_S)
    return response


def http_problem(exc: HTTPException) -> Response:
    """The answer to a werkzeug error (a route not found, a wrong method, a body too large, bad JSON)."""
    status = exc.code or 500
    data = getattr(exc, "data", None) or {}
    detail = str(data.get("message") or exc.description or http.HTTPStatus(status).phrase)
    extra: dict[str, Any] = {}
    if "messages" in data or "errors" in data:
        extra["errors"] = _field_errors(data.get("errors") or data.get("messages"), None)
        detail = "the request was refused: " + "; ".join(
            f"{e['field'] or e['location']}: {e['message']}" for e in extra["errors"])
    response = problem(status, detail, **extra)
    if status == 405 and exc.get_headers():
        response.headers.update({k: v for k, v in exc.get_headers() if k == "Allow"})
    return response


class ProblemApi(Api):  # type: ignore[misc]
    """flask-smorest's Api, documenting and answering every error as problem+json."""

    ERROR_SCHEMA = ProblemSchema
    DEFAULT_ERROR_RESPONSE_NAME = "DEFAULT_ERROR"

    def _register_responses(self) -> None:
        for status in http.HTTPStatus:
            response: dict[str, Any] = {"description": status.phrase}
            if not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM_JSON)
            self.spec.components.response(status.name, response, lazy=True)
        default: dict[str, Any] = {"description": "A problem (RFC 7807)", "schema": self.ERROR_SCHEMA}
        prepare_response(default, self.spec, PROBLEM_JSON)
        self.spec.components.response("DEFAULT_ERROR", default, lazy=True)

    def handle_http_exception(self, error: HTTPException) -> Any:
        """Errors under /api are problem+json; elsewhere werkzeug's own page."""
        if request.path.startswith(PREFIX):
            return http_problem(error)
        return error


def register_error_handlers(app: Flask) -> None:
    """Map use-case errors, and unexpected exceptions under /api, to problems."""
    app.register_error_handler(uc.UseCaseError, use_case_problem)

    @app.errorhandler(DBAPIError)
    def database_error(exc: DBAPIError) -> Any:
        if is_unavailable(exc):
            _LOG.warning("database unavailable on %s %s: %s", request.method, request.path,
                         str(exc.orig or exc).splitlines()[0] if str(exc.orig or exc) else type(exc).__name__)
            return unavailable("the database cannot be reached just now; nothing was changed unless told "
                               "otherwise, try again shortly")
        return unexpected(exc)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> Any:
        if isinstance(exc, HTTPException):
            return http_problem(exc) if request.path.startswith(PREFIX) else exc
        _LOG.exception("unexpected error on %s %s", request.method, request.path)
        if request.path.startswith(PREFIX):
            return problem(500, "an unexpected error happened; it was logged")
        raise exc
