"""The web pages: server-rendered Jinja pages with a little JavaScript, served by the same Flask app
as the API and following the same rules (every page calls the use cases, which check rights).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, redirect, render_template, request, url_for
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

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
    titles = {404: _("Not found"), 403: _("Not allowed"), 401: _("Please sign in"), 405: _("Not allowed")}
    return _error_page(exc.code or 500, titles.get(exc.code or 500, _("The request was refused")),
                       _("This page does not exist, or you may not see it.") if exc.code == 404 else "")


def _check_csrf() -> None:
    if request.method == "POST":
        security.check_csrf()


def _template_globals() -> dict[str, Any]:
    return {
        "_": i18n.translate, "lang": i18n.current_language(), "languages": i18n.language_links(),
        "here": i18n.request_path(), "current": security.current_actor(), "csrf_token": security.csrf_token,
        "nav": navigation(security.current_actor()), "bi": i18n.bilingual, "label_of": i18n.label_of,
        "when": i18n.format_when, "day": i18n.format_day, "num": i18n.format_number,
    }


def init_web(app: Flask, ctx: Context) -> None:
    """Register the pages on `app` (the use cases take `ctx` from `app.extensions`)."""
    from .audit_pages import bp as audit_bp
    from .auth import bp as auth_bp
    from .case_pages import bp as cases_bp
    from .designer import bp as designer_bp
    from .dialogue_pages import bp as dialogues_bp
    from .petition_pages import bp as petitions_bp
    from .public import bp as public_bp
    from .report_pages import bp as reports_bp
    from .task_pages import bp as tasks_bp

    app.extensions.setdefault("petitionflow", ctx)
    web = Blueprint("web", __name__, template_folder="templates", static_folder="static",
                    static_url_path="/assets")
    web.before_request(_check_csrf)
    web.context_processor(_template_globals)
    web.register_error_handler(UseCaseError, _use_case_error)
    web.register_error_handler(HTTPException, _http_error)
    for child in (auth_bp, tasks_bp, petitions_bp, public_bp, audit_bp, designer_bp, dialogues_bp, reports_bp,
                  cases_bp):
        web.register_blueprint(child)
    app.register_blueprint(web)
    register_filters(app)
    if "index" in app.view_functions:
        app.view_functions["index"] = _home
