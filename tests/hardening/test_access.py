"""Abuse of access: sign-in guessing is slowed and audited, cookies and headers are strict, tracking
codes are unguessable and reveal nothing, and confidential petitions stay out of outsiders' views."""

from __future__ import annotations

import dataclasses
import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from service.app import create_app
from service.usecases import clock
from service.usecases.context import Context
from tests.api.conftest import PASSWORD, Api, problem_of
from tests.conftest import deploy_sample
from tests.dates import service_today

TEMPLATES = Path(__file__).resolve().parents[2] / "service" / "web" / "templates"


def _login(app: Flask, username: str, password: str, address: str = "10.0.0.1") -> Any:
    return app.test_client().post("/api/v1/auth/login", json={"username": username, "password": password},
                                  environ_base={"REMOTE_ADDR": address})


def _events(ctx: Context, event_type: str) -> list[dict[str, Any]]:
    from sqlalchemy import select

    from service.store.tables import AuditEvent
    with ctx.uow(write=False) as uow:
        rows = uow.session.execute(select(AuditEvent).where(AuditEvent.event_type == event_type)
                                   .order_by(AuditEvent.id)).scalars()
        return [dict(r.data or {}) for r in rows]


@pytest.fixture
def moving_clock(monkeypatch: pytest.MonkeyPatch) -> list[datetime]:
    """`now[0] += timedelta(...)` moves the clock the use cases see."""
    now = [clock.now()]
    monkeypatch.setattr(clock, "now", lambda: now[0])
    return now


def test_account_guessing_is_slowed_exponentially_and_audited(app: Flask, ctx: Context,
                                                              moving_clock: list[datetime]) -> None:
    for _ in range(5):
        problem_of(_login(app, "tiepnhan", "wrong-password"), 401)
    refused = _login(app, "tiepnhan", PASSWORD)  # the right password, from the guessing address
    body = problem_of(refused, 429)
    first_wait = int(refused.headers["Retry-After"])
    assert 50 <= first_wait <= 60 and "wait" in body["detail"]
    problem_of(_login(app, "tiepnhan", "wrong-password"), 429)
    assert len(_events(ctx, "login_failed")) == 5
    throttled = _events(ctx, "login_throttled")
    assert len(throttled) == 1 and throttled[0]["key"] == "login:pair:tiepnhan@10.0.0.1"  # once per block

    moving_clock[0] += timedelta(seconds=first_wait + 1)
    problem_of(_login(app, "tiepnhan", "wrong-password"), 401)  # the 6th failure: a doubled wait
    second = _login(app, "tiepnhan", PASSWORD)
    problem_of(second, 429)
    assert 110 <= int(second.headers["Retry-After"]) <= 120
    assert len(_events(ctx, "login_throttled")) == 2

    moving_clock[0] += timedelta(seconds=121)
    assert _login(app, "tiepnhan", PASSWORD).status_code == 200  # success forgets the account's failures
    problem_of(_login(app, "tiepnhan", "wrong-password"), 401)
    assert _login(app, "tiepnhan", PASSWORD).status_code == 200


def test_address_guessing_is_slowed_across_accounts_and_workers(app: Flask, ctx: Context) -> None:
    other_worker = create_app(context=Context.from_settings(ctx.settings))  # counters live in the database
    limit = ctx.settings.login_max_failures_per_address
    for n in range(limit):
        problem_of(_login(app if n % 2 else other_worker, f"guess{n}", "x", address="10.9.9.9"), 401)
    refused = _login(other_worker, "vanphong", PASSWORD, address="10.9.9.9")
    problem_of(refused, 429)
    assert int(refused.headers["Retry-After"]) > 0
    assert _login(app, "vanphong", PASSWORD, address="10.9.9.10").status_code == 200


def _cookie(response: Any) -> str:
    found = [v for v in response.headers.getlist("Set-Cookie") if v.startswith("petitionflow_session=")]
    assert found, response.headers
    return str(found[0])


def test_session_cookie_flags_and_trusted_proxies(app: Flask, ctx: Context) -> None:
    plain = _cookie(_login(app, "vanphong", PASSWORD))
    assert "HttpOnly" in plain and "SameSite=Lax" in plain and "Secure" not in plain
    spoofed = app.test_client().post("/api/v1/auth/login", json={"username": "vanphong", "password": PASSWORD},
                                     headers={"X-Forwarded-Proto": "https"})
    assert "Secure" not in _cookie(spoofed)  # no trusted proxy configured: the header is not believed
    assert "Strict-Transport-Security" not in spoofed.headers
    behind = create_app(context=Context.from_settings(dataclasses.replace(ctx.settings, trusted_proxy_hops=1)))
    proxied = behind.test_client().post("/api/v1/auth/login", json={"username": "vanphong", "password": PASSWORD},
                                        headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"})
    assert proxied.status_code == 200 and "Secure" in _cookie(proxied) and "HttpOnly" in _cookie(proxied)
    assert proxied.headers["Strict-Transport-Security"].startswith("max-age=")
    for _ in range(ctx.settings.login_max_failures_per_address):  # the forwarded address is the one counted
        behind.test_client().post("/api/v1/auth/login", json={"username": "nobody", "password": "x"},
                                  headers={"X-Forwarded-For": "203.0.113.8"})
    assert _events(ctx, "login_failed")[-1]["address"] == "203.0.113.8"


@pytest.mark.parametrize("path", ["/signin", "/api/v1/auth/csrf", "/public/track", "/healthz"])
def test_security_headers(app: Flask, path: str) -> None:
    response = app.test_client().get(path)
    assert response.status_code < 400, (path, response.status_code)
    csp = response.headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["default-src"] == "'self'" and directives["frame-ancestors"] == "'none'"
    assert directives["img-src"] == "'self' data:" and directives["object-src"] == "'none'"
    assert "unsafe-inline" not in directives["script-src"]
    assert re.search(r"'nonce-[\w-]{16,}'", directives["script-src"])
    assert "unsafe-inline" not in directives["style-src"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response.headers["Permissions-Policy"]
    again = app.test_client().get(path).headers["Content-Security-Policy"]
    assert again != csp  # a fresh nonce per response


def test_templates_hold_no_inline_code_the_policy_would_block() -> None:
    offenders = []
    for template in sorted(TEMPLATES.rglob("*.html")):
        text = template.read_text(encoding="utf-8")
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag and "application/json" not in tag and "nonce=" not in tag:
                offenders.append(f"{template.name}: {tag}")
        offenders += [f"{template.name}: {m}" for m in re.findall(r"\son[a-z]+\s*=\s*[\"'][^\"']*", text)]
        offenders += [f"{template.name}: {m}" for m in re.findall(r"\sstyle\s*=\s*[\"'][^\"']*", text)]
        offenders += [f"{template.name}: <style>" for _ in re.findall(r"<style\b", text)]
    assert not offenders, "inline code the Content-Security-Policy blocks:\n" + "\n".join(offenders)


def test_tracking_codes_are_unguessable_and_wrong_ones_reveal_nothing(app: Flask, ctx: Context) -> None:
    deploy_sample(ctx, "petition.bpmn")
    public = app.test_client()
    sent = public.post("/api/v1/petitions", json={"source": "citizen", "field": "science", "title": "t",
                                                  "content": "c"})
    code = (sent.json or {})["tracking_code"]
    assert re.fullmatch(r"[A-Za-z0-9_-]{16,}", code) and len(code) * 6 >= 96
    assert public.get(f"/api/v1/public/petitions/{code}").status_code == 200
    bodies = []
    for wrong in (code[:-1] + ("A" if code[-1] != "A" else "B"), "x", "%00%ff", "a" * 5000, "' OR 1=1 --"):
        response = public.get(f"/api/v1/public/petitions/{wrong}")
        body = problem_of(response, 404)
        bodies.append({k: v for k, v in body.items() if k != "instance"})
    assert all(b == bodies[0] for b in bodies), bodies


def test_tracking_lookups_are_limited_per_address(app: Flask, ctx: Context) -> None:
    client = app.test_client()
    limit = ctx.settings.track_max_lookups
    statuses = [client.get(f"/api/v1/public/petitions/guess{n}", environ_base={"REMOTE_ADDR": "10.1.1.1"}).status_code
                for n in range(limit + 1)]
    assert statuses[:limit] == [404] * limit and statuses[-1] == 429
    refused = client.get("/public/track?code=abc", environ_base={"REMOTE_ADDR": "10.1.1.1"})
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert client.get("/api/v1/public/petitions/x", environ_base={"REMOTE_ADDR": "10.1.1.2"}).status_code == 404


def test_confidential_petitions_stay_out_of_outsiders_views(app: Flask, ctx: Context) -> None:
    deploy_sample(ctx, "petition.bpmn")
    public = app.test_client()
    secret_title, open_title = "Secret XYZZY <b>to cao</b>", "Open PLUGH kien nghi"  # ASCII: JSON escapes the rest
    sent = [public.post("/api/v1/petitions", json={"source": "citizen", "field": "science", "title": title,
                                                   "content": "c", "confidential": secret})
            for title, secret in ((secret_title, True), (open_title, False))]
    assert all(r.status_code == 201 for r in sent)
    secret_id = (sent[0].json or {})["id"]
    director = Api(app, "giamdoc")
    assert director.get(f"/api/v1/petitions/{secret_id}").status_code == 200  # entitled
    for username in ("ttthongtin", "donvi"):
        outsider = Api(app, username)
        problem_of(outsider.get(f"/api/v1/petitions/{secret_id}"), 404)
        for path in ("/api/v1/petitions", "/api/v1/petitions?text=Secret", "/api/v1/tasks?scope=all",
                     "/api/v1/tasks?scope=group", "/api/v1/instances", "/petitions", "/tasks",
                     "/petitions?text=Secret"):
            response = outsider.get(path)
            assert "XYZZY" not in response.get_data(as_text=True), (username, path)
        assert outsider.get("/api/v1/audit/export?format=csv").status_code == 403
        assert outsider.get(f"/petitions/{secret_id}").status_code == 404
    office = Api(app, "vanphong")
    listed = office.get("/api/v1/petitions").get_data(as_text=True)
    assert open_title in listed
    today = service_today().isoformat()
    for reader in (director, office):  # the director counts every petition; the Office what it may see (16.19)
        report = reader.get(f"/api/v1/reports/periodic?from={today}&to={today}")
        figures = report.json or {}
        assert report.status_code == 200 and figures["received"] + figures["confidential_hidden"] == 2
        assert "XYZZY" not in report.get_data(as_text=True)


def test_sign_in_page_is_throttled_per_address_too(app: Flask) -> None:
    client = app.test_client()
    page = client.get("/signin").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None

    def attempt(username: str) -> Any:
        return client.post("/signin", data={"username": username, "password": "wrong-password",
                                            "csrf_token": token.group(1)}, environ_base={"REMOTE_ADDR": "203.0.113.9"})

    statuses = [attempt(f"nobody{i}").status_code for i in range(25)]
    assert statuses[0] == 401 and statuses[-1] == 429  # a different account each time: the address is counted
    last = attempt("nobody99")
    assert last.status_code == 429 and int(last.headers["Retry-After"]) > 0
    assert "thử lại sau" in last.get_data(as_text=True)
