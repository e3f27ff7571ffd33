"""Signing in and out, who am I, the CSRF token; and the hook that authenticates every API request.

Browsers sign in with a password and get a session cookie (HttpOnly, SameSite=Lax, Secure when
configured) naming a server-side session that logout, expiry and account changes end; their
writes must echo the session's CSRF token in `X-CSRF-Token` (double submit:
the token comes back from login, `GET /auth/me` and `GET /auth/csrf`). Machine clients send
`Authorization: Bearer <token>` and are exempt from CSRF, having no cookie to abuse.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Any

from flask import Flask, current_app, g, request, session
from flask.views import MethodView
from flask_smorest import Blueprint
from werkzeug.exceptions import UnsupportedMediaType

from ..usecases import sessions, tokens
from ..usecases.context import Actor
from ..usecases.errors import Forbidden, Unauthenticated
from .common import PREFIX, actor, context, public
from .schemas.auth import CsrfSchema, LoginSchema, MeSchema

blp = Blueprint("auth", __name__, url_prefix=f"{PREFIX}/auth", description="Signing in and out")

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
CSRF_HEADER = "X-CSRF-Token"
JSON_TYPES = ("application/json",)


def _csrf_token() -> str:
    token = session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        session["csrf"] = token
    return token


def _me(who: Actor) -> dict[str, Any]:
    return {"username": who.username, "agency": who.agency, "roles": sorted(who.roles),
            "csrf_token": None if g.get("bearer") else _csrf_token()}


@blp.route("/login")
@public
class Login(MethodView):
    """Password sign-in."""

    @blp.arguments(LoginSchema)
    @blp.response(200, MeSchema)
    def post(self, body: dict[str, Any]) -> dict[str, Any]:
        """Sign in with username and password (and `agency` when you work in several); sets the session cookie.

        Repeated failures for an account or from an address are answered 429 with `Retry-After`.
        """
        who = sessions.login(context(), body["username"], body["password"], body.get("agency"),
                             address=request.remote_addr)
        _end_session()
        session.clear()
        session["sid"] = sessions.start_session(context(), who)
        return _me(who)


@blp.route("/logout")
@public
class Logout(MethodView):
    """Signing out."""

    @blp.response(204)
    def post(self) -> None:
        """Sign out: the session ends on the server (a replayed cookie no longer works) and the cookie is cleared."""
        _end_session()
        session.clear()


@blp.route("/me")
class Me(MethodView):
    """The signed-in user."""

    @blp.response(200, MeSchema)
    def get(self) -> dict[str, Any]:
        """Who is signed in, in which agency, with which roles, and the CSRF token for writes."""
        return _me(actor())


@blp.route("/csrf")
@public
class Csrf(MethodView):
    """The CSRF token of this session."""

    @blp.response(200, CsrfSchema)
    def get(self) -> dict[str, Any]:
        """The token browser writes send back in `X-CSRF-Token`."""
        return {"csrf_token": _csrf_token(), "header": CSRF_HEADER}


def _end_session() -> None:
    sid = session.get("sid")
    if isinstance(sid, str):
        sessions.end_session(context(), sid)


def _view_class(app: Flask) -> Any:
    view = app.view_functions.get(request.endpoint or "")
    return getattr(view, "view_class", None)


def _is_public(app: Flask) -> bool:
    endpoint = request.endpoint or ""
    return endpoint.startswith("api-docs.") or bool(getattr(_view_class(app), "public", False))


def authenticate() -> None:
    """Before every API request: find the actor, demand one unless public, check CSRF and the body's type."""
    if not request.path.startswith(PREFIX) or request.endpoint is None:
        return
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    g.actor, g.bearer = None, False
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer ":
        g.actor, g.bearer = tokens.authenticate(context(), header[7:].strip()), True
    elif isinstance(session.get("sid"), str):
        g.actor = sessions.resume(context(), session["sid"])
        if g.actor is None:
            session.clear()
    if g.actor is None and not _is_public(app):
        raise Unauthenticated("sign in first (POST /api/v1/auth/login) or send an API token as 'Authorization: Bearer'")
    if request.method not in SAFE_METHODS:
        _check_csrf()
        _check_body_type(app)


def _check_csrf() -> None:
    if g.bearer or "sid" not in session or request.endpoint == "auth.Login":
        return
    sent, expected = request.headers.get(CSRF_HEADER, ""), session.get("csrf")
    if not isinstance(expected, str) or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise Forbidden(f"missing or wrong {CSRF_HEADER} header: send the token from GET {PREFIX}/auth/csrf")


def _check_body_type(app: Flask) -> None:
    has_body = bool(request.content_length) or request.headers.get("Transfer-Encoding") == "chunked"
    accepts = getattr(_view_class(app), "accepts", JSON_TYPES)
    if has_body and request.mimetype not in accepts and not (
            "application/json" in accepts and request.mimetype.endswith("+json")):
        raise UnsupportedMediaType(f"send the body as {' or '.join(accepts)}, not '{request.mimetype or 'untyped'}'")
