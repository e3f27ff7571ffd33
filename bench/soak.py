"""`make soak`: mixed load against gunicorn + the worker + PostgreSQL on loopback for SOAK_MINUTES
(30 by default), then the figures: requests, errors, p50/p95 latency per window, resident memory of
every process after warm-up and at the end. Exits 1 when a request failed, a process's memory kept
growing after warm-up, or the p95 latency of the last window is more than twice the first one's.

The mix, from SOAK_CLIENTS threads (4): public petition submissions; the sample intake process
worked through by reception and the office (start, register, classify, notify); task, petition and
instance list pages and two web pages; instances of a 1-second timer the worker must fire.
"""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import requests
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin" / "petitionflow"
SERVER = os.environ.get("PETITIONFLOW_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
MINUTES = float(os.environ.get("SOAK_MINUTES", "30"))
CLIENTS = int(os.environ.get("SOAK_CLIENTS", "4"))
WINDOWS = 6
WARMUP = 0.2
"""Share of the run before memory is taken as the baseline."""
MEMORY_SLACK = (0.10, 16 << 20)
"""Growth allowed after warm-up: 10 % of the baseline or 16 MB, whichever is larger."""


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry))
    return found


def _rss(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


class Load:
    """The clients, what they measured, and the checks on the answers."""

    def __init__(self, base: str, tokens: dict[str, str], until: float) -> None:
        self.base, self.tokens, self.until = base, tokens, until
        self.samples: list[tuple[float, str, float, int]] = []
        self.errors: list[str] = []
        self.timers: list[str] = []
        self.lock = threading.Lock()

    def call(self, http: requests.Session, kind: str, method: str, path: str, who: str | None = None,
             expect: tuple[int, ...] = (200,), **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.tokens[who]}"} if who else {}
        started = time.monotonic()
        try:
            response = http.request(method, self.base + path, headers=headers, timeout=30, **kwargs)
            status = response.status_code
        except requests.RequestException as exc:
            response, status = None, 0
            self._error(f"{kind} {path}: {exc}")
        took = time.monotonic() - started
        with self.lock:
            self.samples.append((started, kind, took, status))
        if response is not None and status not in expect:
            self._error(f"{kind} {method} {path}: {status} {response.text[:200]}")
            return None
        return response.json() if response is not None and "json" in response.headers.get("Content-Type", "") \
            else response

    def _error(self, text: str) -> None:
        with self.lock:
            self.errors.append(text)

    def journey(self, http: requests.Session) -> None:
        started = self.call(http, "start", "POST", "/api/v1/instances", "office", (201,),
                            json={"model_key": "intake_review", "data": {}})
        if not started:
            return
        steps = (("reception", {"title": "Đường hỏng", "source": "citizen", "content": "<b>Đường</b> hỏng"}),
                 ("office", {"field": "science", "urgency": "high"}), ("reception", {"notice": "Đã chuyển"}))
        task = started["open_tasks"][0]
        for who, data in steps:
            done = self.call(http, "complete", "POST", f"/api/v1/tasks/{task['id']}/complete", who,
                             json={"data": data})
            if not done:
                return
            task = next(iter(done.get("open_tasks") or []), None)
            if task is None:
                return

    def client(self, seed: int) -> None:
        rng, http = random.Random(seed), requests.Session()
        while time.monotonic() < self.until:
            roll = rng.random()
            if roll < 0.25:
                self.call(http, "submit", "POST", "/api/v1/petitions", None, (201,), json={
                    "source": "citizen", "field": "science", "title": f"Soak {uuid.uuid4().hex[:8]}",
                    "content": "=1+1 <script>x</script>", "confidential": rng.random() < 0.1})
            elif roll < 0.55:
                self.journey(http)
            elif roll < 0.85:
                for path in ("/api/v1/tasks?scope=group", "/api/v1/petitions?limit=50", "/api/v1/instances"):
                    self.call(http, "list", "GET", path, "office")
                self.call(http, "page", "GET", "/signin")
            else:
                fire_at = (datetime.now(UTC) + timedelta(seconds=1)).isoformat()
                started = self.call(http, "timer", "POST", "/api/v1/instances", "office", (201,),
                                    json={"model_key": "timer_step", "data": {"fire_at": fire_at, "amount": 21}})
                if started:
                    with self.lock:
                        self.timers.append(started["instance"]["id"])


def _prepare(url: str) -> dict[str, str]:
    env = {**os.environ, "PETITIONFLOW_DATABASE_URL": url}
    for command in (["db", "upgrade"], ["demo"], ["bpmn", "deploy", "bpmn/intake_review.bpmn",
                                                  "tests/integration/diagrams/timer_step.bpmn"]):
        subprocess.run([str(BIN), *command], env=env, cwd=ROOT, check=True, capture_output=True)
    from service.config import Settings
    from service.usecases import tokens
    from service.usecases.context import Actor, Context

    ctx = Context.from_settings(Settings(database_url=url, secret_key="soak"))
    admin = Actor("quantri", "demo", frozenset({"admin"}))
    made = {who: tokens.create_token(ctx, admin, user, f"soak {who}").token
            for who, user in (("office", "vanphong"), ("reception", "tiepnhan"))}
    ctx.db.dispose()
    return made


def _percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[q - 1] if len(values) >= 2 else (values[0] if values else 0.0)


def _report(load: Load, started: float, duration: float, memory: dict[str, list[int]], timers_done: int) -> bool:
    print(f"\nsoak: {duration / 60:.1f} min, {CLIENTS} clients, {len(load.samples)} requests, "
          f"{len(load.errors)} errors")
    width, p95s = duration / WINDOWS, []
    print(f"{'window':>8} {'requests':>9} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'errors':>7}")
    for n in range(WINDOWS):
        inside = [s for s in load.samples if started + n * width <= s[0] < started + (n + 1) * width]
        times = [s[2] * 1000 for s in inside]
        p95s.append(_percentile(times, 95))
        print(f"{n + 1:>8} {len(inside):>9} {len(inside) / width:>7.1f} {_percentile(times, 50):>8.1f} "
              f"{p95s[-1]:>8.1f} {sum(1 for s in inside if s[3] >= 500 or s[3] == 0):>7}")
    kinds = sorted({s[1] for s in load.samples})
    print("by kind (p95 ms): " + ", ".join(
        f"{k} {_percentile([s[2] * 1000 for s in load.samples if s[1] == k], 95):.1f}" for k in kinds))
    print(f"timers: {len(load.timers)} started, {timers_done} fired and completed")
    grew = []
    print(f"{'process':>22} {'warm MB':>8} {'end MB':>7} {'max MB':>7}")
    for name, values in memory.items():
        base = values[max(int(len(values) * WARMUP), 0)]
        end, top = values[-1], max(values)
        print(f"{name:>22} {base / 2**20:>8.1f} {end / 2**20:>7.1f} {top / 2**20:>7.1f}")
        if end - base > max(base * MEMORY_SLACK[0], MEMORY_SLACK[1]):
            grew.append(name)
    for error in load.errors[:10]:
        print("error:", error)
    steady = p95s[-1] <= 2 * max(p95s[1], 1.0)
    print(f"verdict: errors {len(load.errors)}, memory growing after warm-up: {grew or 'none'}, "
          f"p95 stable: {steady}")
    return not load.errors and not grew and steady and timers_done >= len(load.timers) * 0.95


def main() -> int:
    """Run the soak; 0 when it held."""
    name = f"pf_soak_{os.getpid()}"
    admin = create_engine(SERVER, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(SERVER).set(database=name).render_as_string(hide_password=False)
    procs: dict[str, subprocess.Popen[bytes]] = {}
    try:
        tokens = _prepare(url)
        import socket

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        env = {**os.environ, "PETITIONFLOW_DATABASE_URL": url, "PETITIONFLOW_SECRET_KEY": "soak"}
        log = open(Path(tempfile.gettempdir()) / "petitionflow-soak.log", "w")  # noqa: SIM115  (lives as long as the processes)
        procs["web"] = subprocess.Popen([str(BIN), "serve", "--host", "127.0.0.1", "--port", str(port),
                                         "--workers", "2"], env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log)
        procs["worker"] = subprocess.Popen([str(BIN), "worker"], env=env, cwd=ROOT, stdout=log, stderr=log)
        base = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                if requests.get(f"{base}/healthz", timeout=1).ok:
                    break
            except requests.RequestException:
                time.sleep(0.1)
        duration = MINUTES * 60
        started = time.monotonic()
        load = Load(base, tokens, started + duration)
        threads = [threading.Thread(target=load.client, args=(n,), daemon=True) for n in range(CLIENTS)]
        for thread in threads:
            thread.start()
        memory: dict[str, list[int]] = {}
        while time.monotonic() < started + duration:
            pids = {"gunicorn master": procs["web"].pid, "timer worker": procs["worker"].pid}
            pids.update({f"web worker {n + 1}": p for n, p in enumerate(sorted(_children(procs["web"].pid)))})
            for label, pid in pids.items():
                memory.setdefault(label, []).append(_rss(pid))
            time.sleep(min(5.0, duration / 60))
        for thread in threads:
            thread.join(timeout=60)
        time.sleep(2.5)  # the last timers fire
        done = _timers_done(url, load.timers)
        return 0 if _report(load, started, duration, memory, done) else 1
    finally:
        for proc in procs.values():
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _timers_done(url: str, ids: list[str]) -> int:
    if not ids:
        return 0
    engine = create_engine(url)
    with engine.connect() as conn:
        count = conn.execute(text("SELECT count(*) FROM process_instances WHERE status = 'completed' "
                                  "AND CAST(id AS text) = ANY(:ids)"), {"ids": ids}).scalar_one()
    engine.dispose()
    return int(count)


if __name__ == "__main__":
    sys.exit(main())
