"""Issue 12 point 1: `petitionflow serve` with its defaults (several workers, no secret in the
environment) keeps everyone signed in whichever worker answers, and across a restart."""

from __future__ import annotations

import dataclasses
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests

from service.app import create_app
from service.usecases import keys
from service.usecases.context import Context
from tests.api.conftest import PASSWORD, Api, add_demo_users
from tests.conftest import ROOT, make_context

SERVE = [sys.executable, "-c", "from service.cli import main; main()", "serve", "--host", "127.0.0.1"]
CLOSE = {"Connection": "close"}  # a new connection each time: any worker may answer it


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def _serving(database_url: str, log: Path) -> Iterator[str]:
    """`petitionflow serve` with its default worker count and no secret key, until the block ends."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "PETITIONFLOW_SECRET_KEY"}
    env["PETITIONFLOW_DATABASE_URL"] = database_url
    with log.open("ab") as out:
        proc = subprocess.Popen([*SERVE, "--port", str(port)], cwd=ROOT, env=env, stdout=out,
                                stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180  # a machine under full load starts gunicorn's workers slowly
        while True:  # ready when it answers
            assert proc.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "serve did not answer within 180 s:\n" + log.read_text()
            try:
                if requests.get(f"{base}/healthz", headers=CLOSE, timeout=5).status_code == 200:
                    break
            except (requests.ConnectionError, requests.Timeout):  # not listening yet, or a worker still booting
                time.sleep(0.05)
        yield base
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def _sign_in(base: str) -> requests.Session:
    browser = requests.Session()
    page = browser.get(f"{base}/signin", headers=CLOSE, timeout=30)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert page.status_code == 200 and token is not None
    answer = browser.post(f"{base}/signin", data={"username": "vanphong", "password": PASSWORD,
                                                  "csrf_token": token.group(1)},
                          headers=CLOSE, allow_redirects=False, timeout=30)
    assert answer.status_code == 302, (answer.status_code, answer.text[:300])
    return browser


def _load_pages(browser: requests.Session, base: str) -> None:
    for path in ("/home", "/petitions"):
        page = browser.get(f"{base}{path}", headers=CLOSE, timeout=30)
        assert page.status_code == 200 and "/signin" not in page.url, (path, page.status_code, page.url)


def test_i12_p01_sign_in_holds_on_every_worker_and_across_restarts(tmp_path: Path) -> None:
    database_url = f"sqlite:///{tmp_path / 'petitionflow.sqlite3'}"
    ctx = make_context(database_url)
    add_demo_users(ctx)
    ctx.db.dispose()
    log = tmp_path / "serve.log"
    with _serving(database_url, log) as base:
        for _ in range(20):
            browser = _sign_in(base)
            _load_pages(browser, base)
    with _serving(database_url, log) as base:  # restarted: the same key, the session still holds
        _load_pages(browser, base)


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_i12_p01_every_process_signs_with_the_one_kept_key(backend: str, request: pytest.FixtureRequest,
                                                           tmp_path: Path) -> None:
    url = (f"sqlite:///{tmp_path / 'petitionflow.sqlite3'}" if backend == "sqlite"
           else str(request.getfixturevalue("postgres_url")))
    first = make_context(url)
    add_demo_users(first)
    keyless = dataclasses.replace(first.settings, secret_key="")
    workers = [create_app(context=Context.from_settings(keyless)) for _ in range(2)]
    office = Api(workers[0], "vanphong")
    other = workers[1].test_client()
    other.set_cookie("petitionflow_session", office.client.get_cookie("petitionflow_session").value)  # type: ignore[union-attr]
    assert (other.get("/api/v1/auth/me").json or {})["username"] == "vanphong"
    assert keys.kept_secret(first, keys.SESSION_KEY) == workers[1].secret_key != ""
    configured = create_app(context=Context.from_settings(dataclasses.replace(first.settings, secret_key="set")))
    assert configured.secret_key == "set"  # PETITIONFLOW_SECRET_KEY still wins
    for app in workers:
        app.extensions["petitionflow"].db.dispose()
    first.db.dispose()
