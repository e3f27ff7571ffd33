"""Section 3: the petition journey over HTTP against a real server, with 1, 4 and 16 concurrent users.

Each user is a thread with a keep-alive `requests` session and the lane tokens; it receives petitions
and completes their tasks as the staff of each lane would. The dialogue's outcome (a message the
worker delivers in production) is handed over in this process. Latency is measured per completion.
"""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import requests

from service.usecases import instances

from . import databases, engine_bench, floor, journey
from .http_server import lane_tokens, serving
from .service_journey import SYSTEM
from .settings import RESULTS, scaled
from .stats import summary

USERS = (1, 4, 16)


@dataclass
class Load:
    """What the users did: completion latencies (ms), other requests, errors."""

    completion_ms: list[float] = field(default_factory=list)
    requests: int = 0
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


class User:
    """One member of staff at a browser-less client: receives petitions and works them to the end."""

    def __init__(self, base: str, tokens: dict[str, str], ctx: Any, load: Load) -> None:
        self.base, self.tokens, self.ctx, self.load = base, tokens, ctx, load
        self.http = requests.Session()

    def _call(self, method: str, path: str, lane: str, body: Any = None) -> Any:
        answer = self.http.request(method, f"{self.base}/api/v1{path}", json=body, timeout=60,
                                   headers={"Authorization": f"Bearer {self.tokens[lane]}"})
        if answer.status_code >= 300:
            raise RuntimeError(f"{method} {path}: {answer.status_code} {answer.text[:200]}")
        return answer.json()

    def journey(self, stop_at: float, quota: int) -> int:
        """One petition through its journey (fewer steps when time or quota runs out); completions done."""
        receipt = self._call("POST", "/petitions", "reception", dict(journey.SUBMISSION))
        petition = self._call("GET", f"/petitions/{receipt['id']}", "reception")
        detail = self._call("GET", f"/instances/{petition['instance_id']}", "office")
        ready = {t["element_id"]: (t["id"], t["lane"]) for t in detail["open_tasks"]}
        with self.load.lock:
            self.load.requests += 3
        done = 0
        for index, (element, data) in enumerate(journey.STEPS):
            if done >= quota or time.monotonic() >= stop_at:
                break
            if index == len(journey.BEFORE_MESSAGE):
                payload, correlations = journey.outcome(receipt["id"])
                info = instances.deliver_message(self.ctx, SYSTEM, uuid.UUID(petition["instance_id"]),
                                                 journey.MESSAGE, payload, correlations)
                ready = {t.element_id: (str(t.id), t.lane) for t in info.open_tasks}
            task_id, lane = ready[element]
            began = time.perf_counter()
            answer = self._call("POST", f"/tasks/{task_id}/complete", lane, {"data": data})
            elapsed = (time.perf_counter() - began) * 1000
            ready = {t["element_id"]: (t["id"], t["lane"]) for t in answer["next_tasks"]}
            done += 1
            with self.load.lock:
                self.load.completion_ms.append(elapsed)
                self.load.requests += 1
        return done

    def work(self, stop_at: float, quota: int) -> None:
        """Journeys until `quota` completions are done or time is up; failures are counted, not raised."""
        while quota > 0 and time.monotonic() < stop_at:
            try:
                quota -= self.journey(stop_at, quota)
            except Exception as exc:  # every failure is an error of the run, reported by name
                with self.load.lock:
                    self.load.errors.append(f"{type(exc).__name__}: {str(exc)[:200]}")
                quota -= 1


def drive(base: str, tokens: dict[str, str], ctx: Any, users: int, per_user: int, seconds: float) -> dict[str, Any]:
    """`users` threads at once, each up to `per_user` completions or `seconds`."""
    load = Load()
    stop_at = time.monotonic() + seconds
    crew = [User(base, tokens, ctx, load) for _ in range(users)]
    threads = [threading.Thread(target=u.work, args=(stop_at, per_user)) for u in crew]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    return {"users": users, "completions": len(load.completion_ms), "other_requests": load.requests - len(
        load.completion_ms), "seconds": round(wall, 2),
        "completions_per_s": round(len(load.completion_ms) / wall, 1), "latency_ms": summary(load.completion_ms),
        "errors": len(load.errors), "error_samples": load.errors[:5]}


def run(kind: str) -> dict[str, Any]:
    """The three load levels against one server on a fresh database of `kind`."""
    server = "petitionflow serve --workers 2 (gunicorn gthread workers, PETITIONFLOW_WEB_THREADS threads each)"
    found: dict[str, Any] = {"server": server, "levels": []}
    with databases.database(kind, "http") as url:
        ctx = databases.deployment(url)
        tokens = lane_tokens(ctx)
        with serving(url, 2, RESULTS / f"http-server-{kind}.log") as base:
            drive(base, tokens, ctx, 2, 14, 30)  # warm-up: both workers parse the pack
            state_bytes = len(engine_bench.grown(10)[1].encode())
            found["floor"] = floor.measure(url, base, tokens["reception"], state_bytes, scaled(200, 40))
            for users in USERS:
                per_user = scaled(max(300 // users, 60))
                found["levels"].append(drive(base, tokens, ctx, users, per_user, 30 * min(1.0, 0.2 + 0.8 * (
                    per_user / max(300 // users, 60)))))
        ctx.db.dispose()
    return found
