"""What this machine allows for one task completion, measured in the same run as the completions.

The floor of an HTTP completion is the sum of three things no implementation avoids:

- an authenticated HTTP no-op POST to the same server (`POST /api/v1/auth/logout` with the bearer
  token: the request is parsed, the token resolved, a 204 sent back);
- the raw engine step: one user task of the petition diagram run by the engine in memory, with
  the restricted script engine, without restore or save;
- the commit of a state-sized row: one UPDATE of a text column as long as a petition's state,
  and COMMIT, on the same kind of database with the service's settings.

Every figure of the suite is then reported as a ratio to this floor (`bench/summary.py`).
"""

from __future__ import annotations

import os
from typing import Any

import requests
from sqlalchemy import text

from service.config import Settings
from service.store.db import make_engine
from workflows.engine import Instance

from . import journey
from .engine_bench import petition_model
from .stats import repeat, summary


def http_noop_post(base: str, token: str, times: int) -> dict[str, float]:
    """Milliseconds of an authenticated POST that does nothing, over one keep-alive connection."""
    http = requests.Session()
    headers = {"Authorization": f"Bearer {token}"}

    def post() -> None:
        answer = http.post(f"{base}/api/v1/auth/logout", headers=headers, timeout=30)
        if answer.status_code != 204:
            raise RuntimeError(f"no-op POST answered {answer.status_code}: {answer.text[:200]}")

    return summary(repeat(post, times, warmup=5))


def raw_engine_step(times: int) -> dict[str, float]:
    """Milliseconds of one user task run by the engine in memory (the journey's first five tasks in turn)."""
    model = petition_model()
    samples: list[float] = []
    steps = journey.BEFORE_MESSAGE
    while len(samples) < times:
        instance, _ = Instance.start(model, journey.start_data(journey.new_id()))
        workflow = instance._wf  # the engine's own object: no wrapper, no snapshot, no events
        for element, data in steps:
            task = next(t for t in instance._ready_human() if t.task_spec.bpmn_id == element)

            def step(task: Any = task, data: dict[str, Any] = data, workflow: Any = workflow) -> None:
                task.set_data(**data)
                task.run()
                workflow.do_engine_steps()

            samples += repeat(step, 1, warmup=0)
    return summary(samples[2:] or samples)


def state_commit(url: str, state_bytes: int, times: int) -> dict[str, float]:
    """Milliseconds of UPDATE + COMMIT of one row with a state-sized text, on the database at `url`."""
    engine = make_engine(Settings(database_url=url, secret_key="floor"))
    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE pf_floor (id INTEGER PRIMARY KEY, state TEXT, version INTEGER)"))
            conn.execute(text("INSERT INTO pf_floor VALUES (1, '', 0)"))
        payload = os.urandom(state_bytes // 2).hex()

        def commit() -> None:
            with engine.begin() as conn:
                conn.execute(text("UPDATE pf_floor SET state = :s, version = version + 1 WHERE id = 1 "
                                  "AND version = version"), {"s": payload})

        found = summary(repeat(commit, times, warmup=5))
        with engine.begin() as conn:
            conn.execute(text("DROP TABLE pf_floor"))
        return found
    finally:
        engine.dispose()


def measure(url: str, base: str, token: str, state_bytes: int, times: int) -> dict[str, Any]:
    """The three parts and their sum (medians), for the database at `url` and the server at `base`."""
    parts = {"http_noop_post_ms": http_noop_post(base, token, times), "raw_engine_step_ms": raw_engine_step(times),
             "state_commit_ms": state_commit(url, state_bytes, times)}
    floor = sum(float(p["median"]) for p in parts.values())
    return {**parts, "state_bytes": state_bytes, "floor_ms": round(floor, 3)}
