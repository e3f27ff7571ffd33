"""HTTP hardening in one place, installed by `create_app`: headers, CSP, cookies, proxies, hostile bodies.

- Security headers on every answer. The Content-Security-Policy lets pages load scripts, styles,
  fonts and images from this origin only (plus `data:` images and fonts, which bpmn-js and form-js
  use); inline scripts run only with this request's nonce (`{{ csp_nonce() }}` in templates), inline
  event handlers (`onclick=`) never. Only Swagger UI (`/api/v1/docs`), which ships an inline
  bootstrap script, gets `'unsafe-inline'` for scripts.
- The session cookie is signed with one key for every worker (`keys.session_key`); it is HttpOnly
  and SameSite=Lax always, and Secure when configured or when the
  request came over HTTPS. `X-Forwarded-For`/`-Proto`/`-Host` are believed only from as many
  proxies as `PETITIONFLOW_TRUSTED_PROXY_HOPS` says (werkzeug's ProxyFix); by default none.
- JSON bodies are checked before any parser sees them: at most `PETITIONFLOW_MAX_JSON_BYTES` and
  `PETITIONFLOW_MAX_JSON_KEYS` object keys (else 413, before any parsing work), valid UTF-8 (else 400),
  nested at most `MAX_JSON_DEPTH` levels (else 400, never a RecursionError), and holding nothing a
  database cannot store: no NUL or lone surrogate escapes, no NaN or Infinity, no number of more
  than `MAX_NUMBER_CHARS` characters (else 400). Form fields, the path and the query string may not
  hold NUL either (400; pages say so in words).
- Public tracking lookups are throttled in the use case (`petition_tracking.track`): only failed ones count
  against the client address, so a busy one-stop-shop desk is never blocked.
"""

from __future__ import annotations

import math
import re
import secrets
from itertools import accumulate

from flask import Flask, Request, g, request
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Response

from .config import Settings
from .usecases import keys
from .usecases.context import Context

MAX_JSON_DEPTH = 64
"""Deepest nesting of arrays and objects a JSON body may have."""
MAX_NUMBER_CHARS = 100
"""Longest number a JSON body may hold (digits, sign, point and exponent together)."""
TRACKING_ENDPOINTS = frozenset({"public.Tracking", "web.public.track"})
"""Endpoints that look a petition up by its tracking code (NUL in one is the same 404 as any wrong code)."""

_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKET = re.compile(rb"[^\[\]{}]+")
_ESCAPE = re.compile(rb"\\(?:u([0-9a-fA-F]{4})|.)", re.DOTALL)
_NUMBER = re.compile(rb"-?[0-9][0-9.eE+-]*")
_CONSTANT = re.compile(rb"NaN|Infinity")
_DEPTH_STEP = [0] * 256
for _open in b"[{":
    _DEPTH_STEP[_open] = 1
for _close in b"]}":
    _DEPTH_STEP[_close] = -1


def json_depth(body: bytes, outside: bytes | None = None) -> int:
    """How deeply arrays and objects nest in the JSON text `body` (brackets inside strings ignored)."""
    brackets = _NOT_BRACKET.sub(b"", _STRING.sub(b'""', body) if outside is None else outside)
    return max(accumulate(map(_DEPTH_STEP.__getitem__, brackets)), default=0)


class UnstorableInput(BadRequest):
    """A request holding characters or numbers nothing downstream can keep (NUL, lone surrogates, NaN...)."""


def _escapes_problem(body: bytes) -> str | None:
    """NUL or a lone surrogate written as a `\\u` escape in the JSON text (escapes read left to right)."""
    if b"\\u" not in body:
        return None
    lone = "a lone surrogate (half of a \\ud800-\\udfff pair)"
    pending = -1  # where the low half of a high surrogate must start
    for match in _ESCAPE.finditer(body):
        code = int(match.group(1), 16) if match.group(1) else -1
        low = 0xDC00 <= code <= 0xDFFF
        if pending >= 0:
            if not (low and match.start() == pending):
                return lone
            pending = -1
        elif code == 0:
            return "a NUL character (\\u0000)"
        elif 0xD800 <= code <= 0xDBFF:
            pending = match.end()
        elif low:
            return lone
    return lone if pending >= 0 else None


def _finite(number: bytes) -> bool:
    try:
        return math.isfinite(float(number))
    except ValueError:  # not a number at all: the JSON parser refuses it
        return True


def json_problem(body: bytes, outside: bytes | None = None) -> str | None:
    """Why the JSON text `body` holds something no database can store, or None (`outside`: the
    text with its strings emptied, when the caller has it already)."""
    outside = _STRING.sub(b'""', body) if outside is None else outside
    if _CONSTANT.search(outside):
        return "NaN and Infinity are not JSON numbers and are not kept"
    for number in _NUMBER.findall(outside):
        if len(number) > MAX_NUMBER_CHARS:
            return f"a number longer than {MAX_NUMBER_CHARS} characters is not kept"
        if b"e" in number.lower() and not _finite(number):
            return "a number too large to keep (it would be Infinity)"
    escaped = _escapes_problem(body)
    return f"the body holds {escaped}, which cannot be stored" if escaped else None


def content_security_policy(nonce: str, docs: bool = False) -> str:
    """The CSP header for a page; `docs` relaxes scripts for Swagger UI's inline bootstrap."""
    scripts = "'self' 'unsafe-inline'" if docs else f"'self' 'nonce-{nonce}'"
    return "; ".join((
        "default-src 'self'", f"script-src {scripts}", "style-src 'self' 'unsafe-inline'" if docs
        else "style-src 'self'", "img-src 'self' data:", "font-src 'self' data:", "connect-src 'self'",
        "object-src 'none'", "base-uri 'self'", "form-action 'self'", "frame-ancestors 'none'",
    ))


SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


class _SessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie session, Secure also whenever the request itself came over HTTPS.

    The cookie carries the server-side session's id (`usecases.sessions`), the CSRF token and the
    language. It is signed with `PETITIONFLOW_SECRET_KEY`, or else with the key the deployment keeps
    in its database (`keys.session_key`), fetched on first use: every worker signs alike.
    """

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        if not app.secret_key:
            app.secret_key = keys.session_key(self._ctx)
        return super().get_signing_serializer(app)

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or (bool(request) and request.is_secure)


def csp_nonce() -> str:
    """This request's CSP nonce, for `<script nonce="...">` in templates."""
    nonce: str | None = g.get("csp_nonce")
    if nonce is None:
        nonce = g.csp_nonce = secrets.token_urlsafe(16)
    return nonce


def _check_text(req: Request) -> None:
    tracking = req.endpoint in TRACKING_ENDPOINTS  # a wrong tracking code, NUL or not, is the same 404
    if ("\x00" in req.path and not tracking) or b"\x00" in req.query_string or b"%00" in req.query_string:
        raise UnstorableInput("the address holds a NUL character")
    if req.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data") and any(
            "\x00" in key or "\x00" in value for key, value in req.form.items(multi=True)):
        raise UnstorableInput("a form field holds a NUL character, which cannot be stored")


def _check_body(req: Request, settings: Settings) -> None:
    _check_text(req)
    if req.mimetype != "application/json" and not req.mimetype.endswith("+json"):
        return
    limit = settings.max_json_bytes
    if req.content_length is not None and req.content_length > limit:
        raise RequestEntityTooLarge(f"the JSON body is larger than {limit} bytes")
    body = req.get_data(cache=True)
    if len(body) > limit:
        raise RequestEntityTooLarge(f"the JSON body is larger than {limit} bytes")
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadRequest(f"the body is not valid UTF-8 (byte {exc.start})") from None
    outside = _STRING.sub(b'""', body)
    if outside.count(b":") > settings.max_json_keys:
        raise RequestEntityTooLarge(f"the JSON body has more than {settings.max_json_keys} keys")
    if json_depth(body, outside) > MAX_JSON_DEPTH:
        raise BadRequest(f"the JSON body nests deeper than {MAX_JSON_DEPTH} levels")
    problem = json_problem(body, outside)
    if problem:
        raise UnstorableInput(problem)


def install(app: Flask, ctx: Context) -> None:
    """Put every protection of this module on `app`."""
    hops = ctx.settings.trusted_proxy_hops
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    app.session_interface = _SessionInterface(ctx)
    app.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax")
    app.jinja_env.globals["csp_nonce"] = csp_nonce

    @app.before_request
    def guard_request() -> Response | None:
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            _check_body(request, ctx.settings)
        else:
            _check_text(request)
        return None

    @app.after_request
    def add_headers(response: Response) -> Response:
        docs = (request.endpoint or "").startswith("api-docs.")
        response.headers.setdefault("Content-Security-Policy", content_security_policy(csp_nonce(), docs))
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response

