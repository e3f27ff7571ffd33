"""HTTP hardening in one place, installed by `create_app`: headers, CSP, cookies, proxies, hostile bodies.

- Security headers on every answer. The Content-Security-Policy lets pages load scripts, styles,
  fonts and images from this origin only (plus `data:` images and fonts, which bpmn-js and form-js
  use); inline scripts run only with this request's nonce (`{{ csp_nonce() }}` in templates), inline
  event handlers (`onclick=`) never. Only Swagger UI (`/api/v1/docs`), which ships an inline
  bootstrap script, gets `'unsafe-inline'` for scripts.
- The session cookie is HttpOnly and SameSite=Lax always, and Secure when configured or when the
  request came over HTTPS. `X-Forwarded-For`/`-Proto`/`-Host` are believed only from as many
  proxies as `PETITIONFLOW_TRUSTED_PROXY_HOPS` says (werkzeug's ProxyFix); by default none.
- JSON bodies are checked before any parser sees them: valid UTF-8 (else 400) and nested at most
  `MAX_JSON_DEPTH` levels (else 400, never a RecursionError).
- Public tracking lookups are throttled in the use case (`petitions.track`): only failed ones count
  against the client address, so a busy one-stop-shop desk is never blocked.
"""

from __future__ import annotations

import re
import secrets
from itertools import accumulate

from flask import Flask, Request, g, request
from flask.sessions import SecureCookieSessionInterface
from werkzeug.exceptions import BadRequest
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Response

from .usecases.context import Context

MAX_JSON_DEPTH = 64
"""Deepest nesting of arrays and objects a JSON body may have."""

_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKET = re.compile(rb"[^\[\]{}]+")
_DEPTH_STEP = [0] * 256
for _open in b"[{":
    _DEPTH_STEP[_open] = 1
for _close in b"]}":
    _DEPTH_STEP[_close] = -1


def json_depth(body: bytes) -> int:
    """How deeply arrays and objects nest in the JSON text `body` (brackets inside strings ignored)."""
    brackets = _NOT_BRACKET.sub(b"", _STRING.sub(b'""', body))
    return max(accumulate(map(_DEPTH_STEP.__getitem__, brackets)), default=0)


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
    """Flask's signed cookie session, Secure also whenever the request itself came over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or (bool(request) and request.is_secure)


def csp_nonce() -> str:
    """This request's CSP nonce, for `<script nonce="...">` in templates."""
    nonce: str | None = g.get("csp_nonce")
    if nonce is None:
        nonce = g.csp_nonce = secrets.token_urlsafe(16)
    return nonce


def _check_body(req: Request) -> None:
    if req.mimetype != "application/json" and not req.mimetype.endswith("+json"):
        return
    body = req.get_data(cache=True)
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadRequest(f"the body is not valid UTF-8 (byte {exc.start})") from None
    if json_depth(body) > MAX_JSON_DEPTH:
        raise BadRequest(f"the JSON body nests deeper than {MAX_JSON_DEPTH} levels")


def install(app: Flask, ctx: Context) -> None:
    """Put every protection of this module on `app`."""
    hops = ctx.settings.trusted_proxy_hops
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    app.session_interface = _SessionInterface()
    app.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax")
    app.jinja_env.globals["csp_nonce"] = csp_nonce

    @app.before_request
    def guard_request() -> Response | None:
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            _check_body(request)
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

