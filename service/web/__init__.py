"""The web pages: server-rendered Jinja pages with a little JavaScript, served by the same Flask app
as the API and following the same rules (every page calls the use cases, which check rights).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, make_response, redirect, render_template, request, url_for
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from ..api.common import PREFIX as API_PREFIX
from ..api.errors import http_problem
from ..security import UnstorableInput
from ..usecases.context import Context
from ..usecases.errors import Conflict, Forbidden, NotFound, Unauthenticated, UseCaseError
from . import i18n, security
from .display import register_filters
from .navigation import navigation


def _home() -> Response:
    return redirect(url_for("web.auth.home"))


def _error_page(status: int, title: str, message: str) -> tuple[str, int]:
    return render_template("error.html", status=status, title=title, message=message), status


def _use_case_error(exc: UseCaseError) -> Any:
    _ = i18n.translate
    if isinstance(exc, Unauthenticated):
        return redirect(url_for("web.auth.sign_in", next=request.full_path.rstrip("?")))
    if isinstance(exc, NotFound):
        return _error_page(404, _("Not found"), _("This page does not exist, or you may not see it."))
    if isinstance(exc, Forbidden):
        return _error_page(403, _("Not allowed"), _("Your roles do not allow this."))
    if isinstance(exc, Conflict):
        return _error_page(409, _("Someone else got there first"),
                           _("This was changed by someone else in the meantime. Reload the page and try again."))
    return _error_page(400, _("The request was refused"), str(exc))


def _http_error(exc: HTTPException) -> Any:
    _ = i18n.translate
    if exc.code == 400 and exc.description == "csrf":
        return _error_page(400, _("The form has expired"),
                           _("The page was open too long or came from elsewhere. Go back, reload it and try again."))
    if isinstance(exc, UnstorableInput):
        unstorable = _("What you sent holds characters that cannot be kept (such as NUL). Remove them and resend.")
        return _error_page(400, _("The request was refused"), unstorable)
    if exc.code == 413:
        return _error_page(413, _("The request was refused"), _("What you sent is too large."))
    status = exc.code or 500
    titles = {404: _("Not found"), 403: _("Not allowed"), 401: _("Please sign in"),
              405: _("This cannot be done here"), 413: _("Too large"), 429: _("Too many requests"),
              500: _("Something went wrong"), 503: _("The service is busy")}
    messages = {
        404: _("This page does not exist, or you may not see it."),
        405: _("This address does not accept this kind of request. Go back and use the page's buttons."),
        413: _("What was sent is larger than the service accepts."),
        429: _("Too many requests came from this computer. Please wait a moment and try again."),
        500: _("The service could not finish this request; it was logged. Please try again later."),
        503: _("The service cannot answer just now. Please try again in a moment."),
    }
    page, code = _error_page(status, titles.get(status, _("The request was refused")), messages.get(status, ""))
    response = make_response(page, code)
    for name, value in exc.get_headers():
        if name in ("Retry-After", "Allow"):
            response.headers[name] = value
    return response


def _app_http_error(exc: HTTPException) -> Any:
    """Every HTTP error of the app: problem+json under the API, the error page (in the reader's
    language) everywhere else, never werkzeug's bare English page."""
    if request.path.startswith(API_PREFIX):
        return http_problem(exc)
    return _http_error(exc)


def _check_csrf() -> None:
    if request.method == "POST":
        security.check_csrf()


def _template_globals() -> dict[str, Any]:
    return {
        "_": i18n.translate, "lang": i18n.current_language(), "languages": i18n.language_links(),
        "here": i18n.request_path(), "current": security.current_actor(), "csrf_token": security.csrf_token,
        "nav": navigation(security.current_actor()), "bi": i18n.bilingual, "label_of": i18n.label_of,
        "when": i18n.format_when, "day": i18n.format_day, "num": i18n.format_number,
        "time_zone": i18n.zone_label(i18n.zone_name()),
    }


def init_web(app: Flask, ctx: Context) -> None:
    """Register the pages on `app` (the use cases take `ctx` from `app.extensions`)."""
    from .admin_pages import bp as admin_bp
    from .attachment_pages import bp as attachments_bp
    from .audit_pages import bp as audit_bp
    from .auth import bp as auth_bp
    from .case_pages import bp as cases_bp
    from .designer import bp as designer_bp
    from .dialogue_pages import bp as dialogues_bp
    from .export_pages import bp as exports_bp
    from .notification_pages import bp as notifications_bp
    from .petition_pages import bp as petitions_bp
    from .public import bp as public_bp
    from .reception_pages import bp as receptions_bp
    from .register_pages import bp as registers_bp
    from .report_pages import bp as reports_bp
    from .task_pages import bp as tasks_bp
    from .version_pages import bp as versions_bp

    app.extensions.setdefault("petitionflow", ctx)
    web = Blueprint("web", __name__, template_folder="templates", static_folder="static",
                    static_url_path="/assets")
    web.before_request(_check_csrf)
    app.context_processor(_template_globals)
    web.register_error_handler(UseCaseError, _use_case_error)
    web.register_error_handler(HTTPException, _http_error)
    for child in (auth_bp, tasks_bp, petitions_bp, public_bp, audit_bp, designer_bp, dialogues_bp, reports_bp,
                  admin_bp, exports_bp, cases_bp, receptions_bp, notifications_bp, versions_bp):
        web.register_blueprint(child)
    web.register_blueprint(registers_bp)
    web.register_blueprint(attachments_bp)
    app.register_blueprint(web)
    app.register_error_handler(HTTPException, _app_http_error)
    register_filters(app)
    if "index" in app.view_functions:
        app.view_functions["index"] = _home
