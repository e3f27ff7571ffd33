"""Administration pages (admins): accounts of the agency (list, add, disable or enable, roles), its groups
(list, create, grant and revoke) and stuck instances (incidents: list, retry, resolve). The use cases
check the rights; these pages only show the actions an admin may take and come back to the list after each."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from ..domain import staffing
from ..roles import LANE_ROLES, MAX_GROUP_KEY, OTHER_ROLES, UNIT_PREFIX
from ..usecases import accounts, groups, incidents
from ..usecases.errors import Conflict, Invalid, NotFound
from . import security
from .i18n import translate as _
from .security import staff_required

bp = Blueprint("admin", __name__)
FIXED_ROLES = tuple(r for r in (*LANE_ROLES, *OTHER_ROLES) if r != "unit")


def _roles(form_roles: list[str], units: str) -> list[str]:
    codes = [u.strip() for u in units.replace(";", ",").split(",") if u.strip()]
    return [*form_roles, *(f"{UNIT_PREFIX}{c}" for c in codes)]


def _users_page(status: int = 200, errors: list[str] | None = None, v: object = None) -> tuple[str, int]:
    ctx, actor = security.context(), security.actor()
    users = accounts.agency_users(ctx, actor)
    own = [g for g in groups.list_groups(ctx, actor) if not g.default]
    return render_template("admin/users.html", users=users, fixed_roles=FIXED_ROLES, errors=errors or [],
                           v=v or {}, units=staffing.units_with_staff(ctx, actor), own_groups=own,
                           min_password=accounts.MIN_PASSWORD_LENGTH), status


@bp.get("/admin/users")
@staff_required
def users() -> tuple[str, int]:
    """The agency's accounts with their roles, and the form to add one."""
    return _users_page()


@bp.post("/admin/users")
@staff_required
def add_user() -> Response | tuple[str, int]:
    """Create an account with its roles."""
    form = request.form
    try:
        accounts.create_user(security.context(), security.actor(), form.get("username", "").strip(),
                             form.get("password", ""), _roles(form.getlist("role"), form.get("units", "")),
                             form.get("display_name", "").strip(), form.get("email", ""))
    except (Invalid, Conflict):
        text = _("Check the user name (letters, digits, '.', '_', '-'; not taken), the password (at least {n} characters) and the roles.", n=accounts.MIN_PASSWORD_LENGTH)  # noqa: E501
        return _users_page(422, [text], form)
    return redirect(url_for("web.admin.users", done=form.get("username", "")))


@bp.post("/admin/users/<username>/roles")
@staff_required
def set_roles(username: str) -> Response | tuple[str, int]:
    """Replace an account's roles."""
    try:
        accounts.set_roles(security.context(), security.actor(), username,
                           _roles(request.form.getlist("role"), request.form.get("units", "")))
    except Invalid:
        return _users_page(422, [_("Give at least one known role; an administrator keeps their own.")])
    return redirect(url_for("web.admin.users", done=username))


@bp.post("/admin/users/<username>/active")
@staff_required
def set_active(username: str) -> Response | tuple[str, int]:
    """Disable an account, or let it sign in again."""
    ctx, actor = security.context(), security.actor()
    try:
        if request.form.get("active") == "1":
            accounts.enable_user(ctx, actor, username)
        else:
            accounts.disable_user(ctx, actor, username)
    except Conflict:
        return _users_page(409, [_("You cannot disable your own account.")])
    return redirect(url_for("web.admin.users", done=username))


def _groups_page(status: int = 200, errors: list[str] | None = None, name: str = "") -> tuple[str, int]:
    ctx, actor = security.context(), security.actor()
    return render_template("admin/groups.html", groups=groups.list_groups(ctx, actor), errors=errors or [],
                           users=accounts.agency_users(ctx, actor), name=name), status


@bp.get("/admin/groups")
@staff_required
def group_list() -> tuple[str, int]:
    """The agency's groups (the default ones and its own) with their members, and the forms to add and grant."""
    return _groups_page()


@bp.post("/admin/groups")
@staff_required
def add_group() -> Response | tuple[str, int]:
    """Create a group of the agency."""
    name = request.form.get("name", "")
    try:
        groups.create_group(security.context(), security.actor(), name)
    except Invalid:
        return _groups_page(422, [_("Name the group with letters, digits and spaces (at most {n} characters); it may not be a role's name.", n=MAX_GROUP_KEY)], name)  # noqa: E501
    except Conflict:
        return _groups_page(409, [_("The agency already has a group of that name.")], name)
    return redirect(url_for("web.admin.group_list", done=name.strip()))


@bp.post("/admin/groups/grants")
@staff_required
def grant_group() -> Response | tuple[str, int]:
    """Grant a group to a user of the agency, or revoke it (`revoke=1`)."""
    form, ctx, actor = request.form, security.context(), security.actor()
    group, username = form.get("group", ""), form.get("username", "")
    try:
        if form.get("revoke") == "1":
            groups.revoke_group(ctx, actor, group, username)
        else:
            groups.grant_group(ctx, actor, group, username)
    except NotFound:
        return _groups_page(404, [_("Choose a group and a user of this agency.")])
    except Conflict:
        return _groups_page(409, [_("This group is the user's only role: grant another first, or disable the account.")])  # noqa: E501
    return redirect(url_for("web.admin.group_list", done=group))


@bp.get("/admin/incidents")
@staff_required
def incident_list() -> str:
    """Instances stuck on a failed step, newest first."""
    status = request.args.get("status", "open")
    found = incidents.list_incidents(security.context(), security.actor(), status if status != "all" else None)
    return render_template("admin/incidents.html", items=found, status=status, errors=[])


@bp.post("/admin/incidents/<int:incident_id>/<action>")
@staff_required
def incident_action(incident_id: int, action: str) -> Response | tuple[str, int]:
    """Retry the failed step now, or close the incident with a note."""
    ctx, actor = security.context(), security.actor()
    try:
        if action == "retry":
            incidents.retry_incident(ctx, actor, incident_id)
        elif action == "resolve":
            incidents.resolve_incident(ctx, actor, incident_id, request.form.get("note", ""))
        else:
            return redirect(url_for("web.admin.incident_list"))
    except Conflict:
        found = incidents.list_incidents(ctx, actor)
        return render_template("admin/incidents.html", items=found, status="open",
                               errors=[_("Someone else handled this incident meanwhile.")]), 409
    return redirect(url_for("web.admin.incident_list", done=incident_id))
