"""What every API module shares: the URL prefix, the context and actor of a request, ETags, `If-Match`."""

from __future__ import annotations

import re
import uuid
from typing import Any, TypeVar

from flask import current_app, g, request

from ..usecases.access import Expected
from ..usecases.context import Actor, Context
from ..usecases.errors import StaleVersion, Unauthenticated

PREFIX = "/api/v1"
"""Every API route lives under this prefix."""

C = TypeVar("C", bound=type)

_ETAG = re.compile(r'^(?:W/)?"(?:(?P<id>[0-9a-fA-F-]{36}):)?(?P<version>\d{1,9})"$')


def public(view: C) -> C:
    """Mark a MethodView as reachable without signing in (login, the CSRF token, public tracking)."""
    view.public = True  # type: ignore[attr-defined]
    return view


def context() -> Context:
    """The deployment's context, built in `create_app()`."""
    ctx: Context = current_app.extensions["petitionflow"]
    return ctx


def actor() -> Actor:
    """Who makes this request; `Unauthenticated` (401) when nobody signed in."""
    found: Actor | None = g.get("actor")
    if found is None:
        raise Unauthenticated("sign in first (POST /api/v1/auth/login) or send an API token as 'Authorization: Bearer'")
    return found


def etag(instance_id: uuid.UUID, version: int) -> dict[str, str]:
    """The `ETag` header of a task or instance response: the instance and its version."""
    return {"ETag": f'"{instance_id}:{version}"'}


def if_match() -> Expected | None:
    """The request's `If-Match` precondition; 412 when it cannot be one of our ETags."""
    raw = request.headers.get("If-Match")
    if raw is None or raw.strip() == "*":
        return None
    found = _ETAG.match(raw.strip())
    if found is None:
        raise StaleVersion(f"If-Match {raw!r} is not an ETag this API hands out (\"<instance id>:<version>\")")
    ident = found.group("id")
    try:
        return Expected(int(found.group("version")), uuid.UUID(ident) if ident else None)
    except ValueError:
        raise StaleVersion(f"If-Match {raw!r} names no instance") from None


def with_etag(result: Any, instance_id: uuid.UUID, version: int) -> tuple[Any, dict[str, str]]:
    """A handler's result with its ETag header."""
    return result, etag(instance_id, version)
