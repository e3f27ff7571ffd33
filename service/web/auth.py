"""Signing in and out, choosing the language, and the home page."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response

from ..usecases import sessions
from ..usecases.errors import Unauthenticated
from ..usecases.throttle import Throttled
from . import security
from .i18n import LANGUAGES
from .i18n import translate as _
from .navigation import navigation

bp = Blueprint("auth", __name__)


@bp.get("/home")
def home() -> Response | str:
    """Staff go to the first page their roles open; anyone else to the sign-in page."""
    actor = security.current_actor()
    if actor is None:
        return redirect(url_for("web.auth.sign_in"))
    items = navigation(actor)
    return redirect(url_for(items[0].endpoint)) if items else render_template("home.html")


@bp.route("/signin", methods=["GET", "POST"])
def sign_in() -> Response | str | tuple[str, int] | tuple[str, int, dict[str, str]]:
    """The sign-in form; a wrong password is said once, without saying which part was wrong."""
    next_page = security.safe_next(request.values.get("next"), "") or None
    if request.method == "GET":
        return render_template("signin.html", next=next_page, error=None, username="", agency="")
    username = request.form.get("username", "").strip()
    agency = request.form.get("agency", "").strip() or None
    try:
        actor = sessions.login(security.context(), username, request.form.get("password", ""), agency,
                               address=request.remote_addr)
    except Unauthenticated:
        error = _("Wrong username or password, or the account cannot sign in to that agency.")
        return render_template("signin.html", next=next_page, error=error, username=username,
                               agency=agency or ""), 401
    except Throttled as exc:
        error = _("Too many failed attempts. Try again in {minutes} minutes.",
                  minutes=max(1, -(-exc.retry_after // 60)))
        page = render_template("signin.html", next=next_page, error=error, username=username, agency=agency or "")
        return page, 429, {"Retry-After": str(exc.retry_after)}
    security.sign_in(actor)
    return redirect(security.safe_next(next_page, url_for("web.auth.home")))


@bp.post("/signout")
def sign_out() -> Response:
    """End the session."""
    security.sign_out()
    return redirect(url_for("web.auth.sign_in"))


@bp.get("/lang/<code>")
def language(code: str) -> Response:
    """Switch the pages' language and come back to the same page."""
    if code in LANGUAGES:
        session["lang"] = code
    return redirect(security.safe_next(request.args.get("next"), url_for("web.auth.home")))
