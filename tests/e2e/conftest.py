"""Browser tests: Debian's Chromium, driven by Playwright, against a live server on 127.0.0.1 with a
temporary SQLite database and the demo pack loaded. Without Chromium (or the vendored bpmn.io files)
they skip with the reason; under CI=true that is a failure."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from service.app import create_app
from service.config import Settings
from service.domain.demo import DEMO_PASSWORD, load_demo
from service.store.migrate import upgrade
from service.usecases import accounts
from service.usecases.context import Actor, Context
from service.web import i18n

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
VENDOR = ROOT / "service" / "web" / "static" / "vendor"
SHOTS = ROOT / "test-results" / "screenshots"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync"]
DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
UNIT_USER = "donvi_khoahoc"
"""A unit account for the unit code the assignment form offers (`science`)."""


def _missing() -> str | None:
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing (make browser installs Debian's chromium)"
    if not (VENDOR / "bpmn-js" / "bpmn-navigated-viewer.production.min.js").exists():
        return f"{VENDOR} is not built (make js runs npm ci and copies the bpmn.io files)"
    return None


@dataclass
class Live:
    """The running server: its address and its deployment's context."""

    url: str
    ctx: Context


@pytest.fixture(scope="session")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """A server on a free port of 127.0.0.1 over a fresh database with the demo pack and users."""
    problem = _missing()
    if problem:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{problem} (required under CI=true)")
        pytest.skip(problem)
    db = tmp_path_factory.mktemp("e2e") / "petitionflow.sqlite3"
    settings = Settings(database_url=f"sqlite:///{db}", secret_key="e2e-secret")
    ctx = Context.from_settings(settings)
    upgrade(ctx.db.engine)
    load_demo(ctx, ROOT / "bpmn")
    accounts.add_user(ctx, Actor("system", "demo", frozenset(), True), UNIT_USER, DEMO_PASSWORD,
                      ["unit:science"], "demo", "Đơn vị Quản lý khoa học")
    app = create_app(settings, ctx)
    # a developer sharing the machine gives the port they may use; by default any free one
    server = make_server("127.0.0.1", int(os.environ.get("PETITIONFLOW_E2E_PORT", "0")), app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    i18n.missing.clear()
    yield Live(f"http://127.0.0.1:{server.server_port}", ctx)
    server.shutdown()
    ctx.db.dispose()


@pytest.fixture(scope="session")
def browser(live: Live) -> Iterator[Any]:
    """Debian's Chromium (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


class Console:
    """Console errors and uncaught page errors seen by every page of a test."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def watch(self, page: Any) -> Any:
        page.on("console", lambda m: self.errors.append(f"console: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        return page


@pytest.fixture
def console() -> Iterator[Console]:
    """Fails the test on any browser console error."""
    seen = Console()
    yield seen
    assert not seen.errors, "browser console errors:\n" + "\n".join(seen.errors)


@pytest.fixture
def open_page(browser: Any, live: Live, console: Console) -> Iterator[Any]:
    """`open_page(user=None, viewport=DESKTOP)`: a page in its own browser context, signed in as `user`."""
    contexts: list[Any] = []

    def make(user: str | None = None, viewport: dict[str, int] = DESKTOP) -> Any:
        context = browser.new_context(viewport=viewport, base_url=live.url)
        contexts.append(context)
        page = console.watch(context.new_page())
        page.set_default_timeout(15_000)
        if user:
            sign_in(page, user)
        return page

    yield make
    for context in contexts:
        context.close()


def sign_in(page: Any, user: str) -> None:
    """Sign in through the sign-in page."""
    page.goto("/signin")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("form.stack button[type=submit]")
    page.wait_for_selector("[data-testid=signed-in]")


def shot(page: Any, name: str) -> Path:
    """Save a full-page screenshot under test-results/screenshots/."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
