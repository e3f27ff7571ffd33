"""A workload to profile from outside (py-spy): `python -m bench.profile_target completion|growth SECONDS`.

`completion`: the petition journey over the WSGI app in this process (Flask test client, bearer
tokens, SQLite), as a server worker runs it. `growth`: completions of a petition with 200 tasks in
its history (the profile also covers growing it there, from 3 tasks to 200). Only frames under
`workload_*` are kept by the summary.
"""

from __future__ import annotations

import sys
import time
from typing import Any

from service.app import create_app

from . import databases, journey
from .growth_bench import _grow, _loop
from .http_server import lane_tokens
from .service_journey import complete


def workload_completion(ctx: Any, seconds: float) -> None:
    """Journeys over the app until `seconds` pass."""
    client = create_app(context=ctx).test_client()
    tokens = lane_tokens(ctx)

    def call(path: str, lane: str, body: Any = None, method: str = "POST") -> Any:
        answer = client.open(f"/api/v1{path}", method=method, json=body,
                             headers={"Authorization": f"Bearer {tokens[lane]}"})
        assert answer.status_code < 300, answer.get_data(as_text=True)
        return answer.get_json()

    stop = time.monotonic() + seconds
    while time.monotonic() < stop:
        receipt = call("/petitions", "reception", dict(journey.SUBMISSION))
        petition = call(f"/petitions/{receipt['id']}", "reception", method="GET")
        detail = call(f"/instances/{petition['instance_id']}", "office", method="GET")
        ready = {t["element_id"]: (t["id"], t["lane"]) for t in detail["open_tasks"]}
        for element, data in journey.BEFORE_MESSAGE:
            task_id, lane = ready[element]
            answer = call(f"/tasks/{task_id}/complete", lane, {"data": data})
            ready = {t["element_id"]: (t["id"], t["lane"]) for t in answer["next_tasks"]}


def workload_growth(ctx: Any, seconds: float) -> None:
    """A petition grown to 200 completed tasks, then completions at that size until `seconds` pass."""
    ready = _grow(ctx, 200)
    stop = time.monotonic() + seconds
    while time.monotonic() < stop:
        (task_id, lane), data = _loop(ready)
        ready = complete(ctx, task_id, lane, data)


def main() -> None:
    which, seconds = sys.argv[1], float(sys.argv[2])
    with databases.database("sqlite", "profile") as url:
        ctx = databases.deployment(url)
        (workload_completion if which == "completion" else workload_growth)(ctx, seconds)
        ctx.db.dispose()


if __name__ == "__main__":
    main()
