"""Notification pages: each staff member's choice of how they hear of tasks, the admin's outbox of notifications,
and an account's e-mail address on the accounts page. The use cases check the rights."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from ..usecases import notification_admin
from ..usecases.errors import Conflict, Invalid
from ..usecases.notifications import MODES
from . import security
from .i18n import translate as _
from .security import staff_required

bp = Blueprint("notifications", __name__)
STATES = ("pending", "not_configured", "sending", "sent", "failed", "digest", "digested")


def _preferences_page(status: int = 200, errors: list[str] | None = None) -> tuple[str, int]:
    pref = notification_admin.get_preference(security.context(), security.actor())
    return render_template("notifications/preferences.html", pref=pref, modes=MODES, errors=errors or []), status


@bp.get("/notifications/preferences")
@staff_required
def preferences() -> tuple[str, int]:
    """How the signed-in person hears of new tasks, tasks due soon and overdue ones."""
    return _preferences_page()


@bp.post("/notifications/preferences")
@staff_required
def save_preferences() -> Response | tuple[str, int]:
    """Save the choice."""
    try:
        notification_admin.set_preference(security.context(), security.actor(), request.form.get("mode", ""))
    except Invalid:
        return _preferences_page(422, [_("Choose one of the ways of receiving notifications.")])
    return redirect(url_for("web.notifications.preferences", done=1))


def _outbox_page(status: int = 200, errors: list[str] | None = None) -> tuple[str, int]:
    shown = request.args.get("status") or None
    found = notification_admin.outbox(security.context(), security.actor(), shown if shown in STATES else None)
    return render_template("notifications/outbox.html", outbox=found, status=shown, states=STATES,
                           errors=errors or []), status


@bp.get("/admin/notifications")
@staff_required
def outbox() -> tuple[str, int]:
    """The agency's notifications and their delivery state, newest first."""
    return _outbox_page()


@bp.post("/admin/notifications/<int:notification_id>/retry")
@staff_required
def retry(notification_id: int) -> Response | tuple[str, int]:
    """Send a given-up notification again."""
    try:
        notification_admin.retry(security.context(), security.actor(), notification_id)
    except Conflict:
        return _outbox_page(409, [_("This notification is no longer waiting to be retried.")])
    return redirect(url_for("web.notifications.outbox", done=notification_id))


@bp.post("/admin/users/<username>/email")
@staff_required
def set_email(username: str) -> Response:
    """Set the e-mail address an account's notifications go to."""
    try:
        notification_admin.set_email(security.context(), security.actor(), username, request.form.get("email", ""))
    except Invalid:
        return redirect(url_for("web.admin.users", email_error=username))
    return redirect(url_for("web.admin.users", done=username))
