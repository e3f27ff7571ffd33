"""Section 4: the task list (the API's page and the staff's), petition search and one petition's audit
trail with 100,000 petitions.

Each query runs through its use case (what the API calls); the SQL it sends is captured and
explained, to check that it is answered from indexes.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable
from typing import Any

from sqlalchemy import event, select, text

from service.domain import intake_checks, petitions, web_queries
from service.store.tables import Agency, ProcessInstance
from service.usecases import audit_queries, task_queries
from service.usecases.context import Actor, Context

from . import bulk, databases, yearly_bench
from .service_journey import staff
from .settings import scaled
from .stats import summary

AGENCY = "demo"
GROUP = [staff(lane) for lane in ("reception", "inspectorate", "office", "unit", "director", "infocenter")]
AUDITOR = Actor("kiemtoan", AGENCY, frozenset({"auditor"}))
SEARCHER = staff("inspectorate")
AUDIT_SHARE = float(os.environ.get("BENCH_AUDIT_SHARE", "0.25"))


def _captured(ctx: Context, call: Callable[[], Any]) -> list[tuple[str, Any]]:
    seen: list[tuple[str, Any]] = []

    def listen(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        if not statement.lstrip().upper().startswith(("BEGIN", "EXPLAIN")):
            seen.append((statement, parameters))

    event.listen(ctx.db.engine, "before_cursor_execute", listen)
    try:
        call()
    finally:
        event.remove(ctx.db.engine, "before_cursor_execute", listen)
    return seen


def explain(ctx: Context, call: Callable[[], Any]) -> list[dict[str, Any]]:
    """The plan of every statement `call` sends, and the tables it reads without an index."""
    pg = ctx.db.engine.dialect.name == "postgresql"
    plans = []
    for statement, parameters in _captured(ctx, call):
        with ctx.db.engine.connect() as conn:
            raw: Any = conn.connection.driver_connection
            cur = raw.cursor()
            cur.execute(("EXPLAIN " if pg else "EXPLAIN QUERY PLAN ") + statement, parameters)
            lines = [str(r[0]) if pg else str(r[3]) for r in cur.fetchall()]
            cur.close()
        scans = [ln.strip() for ln in lines if ("Seq Scan" in ln if pg else ln.startswith("SCAN "))]
        big = [s for s in scans if any(t in s for t in ("petitions", "human_tasks", "audit_events",
                                                          "process_instances"))]
        plans.append({"sql": " ".join(statement.split())[:300], "plan": lines, "full_scans_of_big_tables": big})
    return plans


def _measure(calls: list[Callable[[], Any]], times: int) -> dict[str, float]:
    """Three untimed calls, then `times` timed ones, each the next of `calls` (varied actors and values)."""
    for call in calls[:3]:
        call()
    samples = []
    for index in range(times):
        began = time.perf_counter()
        calls[(index + 3) % len(calls)]()
        samples.append((time.perf_counter() - began) * 1000)
    return summary(samples)


def queries(ctx: Context) -> dict[str, tuple[Callable[[], Any], Callable[[int], Callable[[], Any]]]]:
    """Each query: (one call for EXPLAIN, a maker of the i-th varied call for timing)."""
    with ctx.uow(write=False) as uow:
        some = list(uow.session.execute(select(ProcessInstance.id).where(
            ProcessInstance.business_key.like("DEMO-B-%")).limit(200)).scalars())
        agency_id = uow.session.execute(select(Agency.id).where(Agency.code == AGENCY)).scalar_one()
    words = ["sở hữu trí tuệ", "cấp phép", "DEMO-B-0004", "bức xạ", "chậm giải quyết", "so huu tri tue",
             "CHAM GIAI QUYET", "Nguyễn Văn", "0912"]

    def task_page(i: int) -> Callable[[], Any]:  # each lane's first page, in turn all its tasks and the overdue
        overdue = True if (i // len(GROUP)) % 2 else None
        return lambda: task_queries.list_tasks(ctx, GROUP[i % len(GROUP)], scope="group", overdue=overdue,
                                               sort="due", page=1, per_page=50)

    def staff_page(i: int) -> Callable[[], Any]:  # the page staff work from: up to 200 tasks with their petitions
        return lambda: web_queries.list_tasks(ctx, GROUP[i % len(GROUP)], web_queries.TaskFilter())

    def search(i: int) -> Callable[[], Any]:
        return lambda: petitions.list_petitions(ctx, SEARCHER, text=words[i % len(words)], limit=50)

    def duplicate_check(i: int) -> Callable[[], Any]:  # what intake asks of every new petition's content
        def call() -> Any:
            with ctx.uow(write=False) as uow:
                return intake_checks.find_duplicate(uow.session, agency_id, {
                    "petitioner_name": "Người gửi mới", "content": f"Nội dung chưa có trong sổ, lần {i}"}, None)
        return call

    def trail(i: int) -> Callable[[], Any]:
        target: uuid.UUID = some[i % len(some)]
        return lambda: audit_queries.list_events(ctx, AUDITOR, audit_queries.AuditFilter(instance_id=target))

    return {"task_list_page": (task_page(1), task_page), "staff_task_page": (staff_page(1), staff_page),
            "petition_search": (search(0), search), "intake_duplicate_check": (duplicate_check(0), duplicate_check),
            "audit_of_one_petition": (trail(0), trail)}


def run(kind: str) -> dict[str, Any]:
    """Fill a fresh database, then time and explain each query."""
    count = scaled(100_000, 2000)
    found: dict[str, Any] = {}
    with databases.database(kind, "scale") as url:
        ctx = databases.deployment(url)
        began = time.perf_counter()
        found["data"] = bulk.fill(ctx, count, count // 10, AUDIT_SHARE)
        found["data"]["fill_seconds"] = round(time.perf_counter() - began, 1)
        if kind == "sqlite":
            found["data"]["database_bytes"] = os.path.getsize(url.removeprefix("sqlite:///"))
        else:
            with ctx.db.engine.connect() as conn:
                found["data"]["database_bytes"] = int(conn.execute(text(
                    "SELECT pg_database_size(current_database())")).scalar_one())
        times = scaled(200, 30)
        for name, (one, maker) in queries(ctx).items():
            calls = [maker(i) for i in range(times + 3)]
            found[name] = {"ms": _measure(calls, times), "explain": explain(ctx, one)}
        page = task_queries.list_tasks(ctx, GROUP[1], scope="group", overdue=True, sort="due")
        found["task_list_page"]["sample"] = {"total": page.total, "items": len(page.items)}
        found.update(yearly_bench.run(ctx))
        ctx.db.dispose()
    return found
