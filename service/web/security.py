"""Who is signed in to the pages, and the CSRF token every page form carries.

The browser session is the API's (service/api/auth.py): the same cookie keys (`sid`, `csrf`) are
used, so a signed-in browser can call the API too. The cookie names a server-side session
(`sessions.resume`); the actor is rebuilt from the database on every request, so signing out,
expiry, a password change, a disabled account or a withdrawn role take effect at once.
"""

from __future__ import annotations

import functools
import hmac
import re
import secrets
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import abort, current_app, g, redirect, request, session, url_for

from ..usecases import sessions
from ..usecases.context import Actor, Context

F = TypeVar("F", bound=Callable[..., Any])

SESSION_ID = "sid"
SESSION_CSRF = "csrf"
CSRF_FIELD = "csrf_token"
_UNSAFE_IN_NEXT = re.compile(r"[\x00-\x20\x7f-\x9f\\\u2028\u2029]")


def context() -> Context:
    """The deployment's context, built in `create_app`."""
    ctx: Context = current_app.extensions["petitionflow"]
    return ctx


def current_actor() -> Actor | None:
    """The signed-in staff member of this request, or None."""
    if "web_actor" in g:
        found: Actor | None = g.web_actor
        return found
    sid = session.get(SESSION_ID)
    actor = sessions.resume(context(), sid) if isinstance(sid, str) else None
    if actor is None and sid is not None:
        session.pop(SESSION_ID, None)
    g.web_actor = actor
    return actor


def sign_in(actor: Actor) -> None:
    """Start a fresh session for `actor` (a new CSRF token too); the previous one ends."""
    lang, old = session.get("lang"), session.get(SESSION_ID)
    if isinstance(old, str):
        sessions.end_session(context(), old)
    session.clear()
    session[SESSION_ID] = sessions.start_session(context(), actor)
    if lang:
        session["lang"] = lang
    session.permanent = False
    g.web_actor = actor


def sign_out() -> None:
    """End the session on the server and in the cookie, keeping only the language choice."""
    lang, sid = session.get("lang"), session.get(SESSION_ID)
    if isinstance(sid, str):
        sessions.end_session(context(), sid)
    session.clear()
    if lang:
        session["lang"] = lang
    g.web_actor = None


def staff_required(func: F) -> F:
    """Pages for signed-in staff: anyone else is sent to the sign-in page, then brought back."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if current_actor() is None:
            return redirect(url_for("web.auth.sign_in", next=request.full_path.rstrip("?")))
        return func(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def actor() -> Actor:
    """The signed-in actor (pages behind `staff_required`)."""
    found = current_actor()
    if found is None:
        abort(401)
    return found


def csrf_token() -> str:
    """This session's CSRF token, created on first use."""
    token = session.get(SESSION_CSRF)
    if not token:
        token = secrets.token_urlsafe(32)
        session[SESSION_CSRF] = token
    return str(token)


def check_csrf() -> None:
    """Refuse (400) a page form post whose hidden token does not match the session's."""
    sent = request.form.get(CSRF_FIELD, "") or request.headers.get("X-CSRF-Token", "")
    expected = session.get(SESSION_CSRF, "")
    if not expected or not hmac.compare_digest(str(sent), str(expected)):
        abort(400, description="csrf")


def safe_next(target: str | None, fallback: str) -> str:
    """`target` when it is a path on this site, else `fallback`: the one check of every `next=` redirect.

    Refused: anything with a scheme or host, `//` or `\\` at the start, and any control character or
    whitespace (browsers drop tabs and line breaks, so `/%09/evil.com` would lead to `//evil.com`; CR/LF
    would break the `Location` header).
    """
    if not target or len(target) > 2000 or _UNSAFE_IN_NEXT.search(target):
        return fallback
    parts = urlsplit(target)
    if not target.startswith("/") or target.startswith("//") or parts.scheme or parts.netloc:
        return fallback
    return target
