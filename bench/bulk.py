"""Filling a deployment with many petitions quickly: real instances' rows, copied with new ids.

A few petitions are driven through the use cases, each stopped at a different stage; their rows
(instance with its state, petition, task list, audit trail, message waits) are read back raw and
copied with new ids, codes, titles and dates: PostgreSQL by COPY, SQLite by executemany.
"""

from __future__ import annotations

import io
import random
import secrets
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, text

from service import search_text
from service.usecases import clock, instances
from service.usecases.context import Context

from . import journey
from .service_journey import SYSTEM, complete, ready_tasks, submit

TABLES = {  # table -> (column holding the instance id, columns copied; ids of serial tables left out)
    "process_instances": ("id", "id, agency_id, process_version_id, business_key, status, state, version, "
                          "next_timer_at, started_by, created_at, updated_at, completed_at, audit_seq, audit_head, "
                          "confidential"),
    "petitions": ("instance_id", "id, agency_id, plan_id, code, tracking_code, instance_id, source, channel, field, "
                  "title, content, petitioner_name, petitioner_contact, confidential, stage, urgency, competence, "
                  "assigned_unit, outcome, answer, dialogue_id, submitted_by, submitted_at, answered_at, closed_at, "
                  "search_head, search_body, body_key"),
    "human_tasks": ("instance_id", "id, instance_id, agency_id, element_id, name, lane, candidate_role, form_key, "
                    "assignee, status, due_at, created_at, completed_at, completed_by, unit_code"),
    "audit_events": ("instance_id", "agency_id, chain, seq, event_type, actor, at, instance_id, task_id, element_id, "
                     "data, prev_hash, hash"),
    "message_waits": ("instance_id", "instance_id, agency_id, name, correlation"),
}
OPEN_STAGES = (0, 1, 2, 3, 4, 5, 6)
"""Completed steps of the open templates: each has one ready task (intake ... publish)."""
CLOSED = len(journey.STEPS)
SUBJECTS = (
    "Đề nghị hỗ trợ ứng dụng tiến bộ kỹ thuật", "Kiến nghị về thủ tục cấp phép", "Phản ánh chậm giải quyết hồ sơ",
    "Đề nghị hướng dẫn đăng ký sở hữu trí tuệ", "Kiến nghị về tiêu chuẩn đo lường chất lượng",
    "Phản ánh về chế độ chính sách cán bộ", "Đề nghị hỗ trợ đổi mới sáng tạo", "Kiến nghị về an toàn bức xạ",
)


def advance(ctx: Context, steps: int) -> uuid.UUID:
    """A petition driven through its first `steps` task completions (the message delivered when due)."""
    petition_id, instance_id = submit(ctx)
    ready = ready_tasks(ctx, instance_id)
    for index, (element, data) in enumerate(journey.STEPS[:steps]):
        task_id, lane = ready[element]
        ready = complete(ctx, task_id, lane, data)
        if index + 1 == len(journey.BEFORE_MESSAGE):
            payload, correlations = journey.outcome(str(petition_id))
            info = instances.deliver_message(ctx, SYSTEM, instance_id, journey.MESSAGE, payload, correlations)
            ready = {t.element_id: (t.id, t.lane or "") for t in info.open_tasks}
    return instance_id


@dataclass
class Template:
    """The raw rows of one real instance, per table, as lists of column values."""

    instance_id: uuid.UUID
    rows: dict[str, list[list[Any]]]
    ready_task: str | None


class Writer:
    """Reads rows raw and writes many copies, in the database's own text forms."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.pg = conn.dialect.name == "postgresql"

    def ident(self, value: uuid.UUID) -> str:
        return str(value) if self.pg else value.hex

    def time(self, value: datetime) -> str:
        return value.isoformat() if self.pg else value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")

    def read(self, table: str, instance_id: uuid.UUID) -> list[list[Any]]:
        key, columns = TABLES[table]
        if not self.pg:
            return [list(r) for r in self.conn.exec_driver_sql(
                f"SELECT {columns} FROM {table} WHERE {key} = ?", (instance_id.hex,)).all()]
        raw: Any = self.conn.connection.driver_connection
        found = io.BytesIO()
        with raw.cursor() as cur, cur.copy(
                f"COPY (SELECT {columns} FROM {table} WHERE {key} = '{instance_id}') TO STDOUT") as copy:
            for chunk in copy:
                found.write(chunk)
        lines = found.getvalue().decode().split("\n")
        return [line.split("\t") for line in lines if line]

    def write(self, table: str, rows: Iterator[list[Any]]) -> None:
        columns = TABLES[table][1]
        if not self.pg:
            marks = ", ".join("?" for _ in columns.split(","))
            driver: Any = self.conn.connection.driver_connection
            driver.executemany(
                f"INSERT INTO {table} ({columns}) VALUES ({marks})", (tuple(r) for r in rows))
            return
        raw: Any = self.conn.connection.driver_connection
        with raw.cursor() as cur, cur.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            buffer: list[str] = []
            for row in rows:
                buffer.append("\t".join(row))
                if len(buffer) >= 2000:
                    copy.write(("\n".join(buffer) + "\n").encode())
                    buffer.clear()
            if buffer:
                copy.write(("\n".join(buffer) + "\n").encode())

    def null(self) -> Any:
        return "\\N" if self.pg else None


def capture(ctx: Context) -> dict[int, Template]:
    """Real petitions stopped at each open stage and one closed, read back raw."""
    found: dict[int, Template] = {}
    for steps in (*OPEN_STAGES, CLOSED):
        instance_id = advance(ctx, steps)
        ready = ready_tasks(ctx, instance_id)
        with ctx.db.engine.connect() as conn:
            writer = Writer(conn)
            rows = {table: writer.read(table, instance_id) for table in TABLES}
        ready_id = next(iter(ready.values()))[0] if ready else None
        found[steps] = Template(instance_id, rows, str(ready_id) if ready_id else None)
    return found


def _columns(table: str) -> list[str]:
    return [c.strip() for c in TABLES[table][1].split(",")]


def copies(writer: Writer, template: Template, number: int, rng: random.Random,
           audit: bool = True) -> dict[str, list[list[Any]]]:
    """The rows of one copy of `template`: new ids, code, title and dates (no audit rows unless `audit`)."""
    w = writer
    new_id, petition_id, now = uuid.uuid4(), uuid.uuid4(), clock.now()
    submitted = now - timedelta(days=rng.uniform(0, 365))
    old_task = template.ready_task
    new_task = str(uuid.uuid4())
    code = f"DEMO-B-{number:07d}"
    out: dict[str, list[list[Any]]] = {}
    for table, rows in template.rows.items():
        if table == "audit_events" and not audit:
            continue
        cols = _columns(table)
        copied = []
        for source in rows:
            row = list(source)
            values = dict(zip(cols, row, strict=True))
            if table == "process_instances":
                row[cols.index("id")] = w.ident(new_id)
                row[cols.index("business_key")] = code
                row[cols.index("created_at")] = w.time(submitted)
                if old_task:
                    row[cols.index("state")] = str(values["state"]).replace(old_task, new_task)
            elif table == "petitions":
                row[cols.index("id")], row[cols.index("instance_id")] = w.ident(petition_id), w.ident(new_id)
                row[cols.index("code")], row[cols.index("tracking_code")] = code, secrets.token_urlsafe(12)
                row[cols.index("title")] = f"{SUBJECTS[number % len(SUBJECTS)]} (số {number})"
                row[cols.index("search_head")] = search_text.head(
                    code, row[cols.index("title")], values["petitioner_name"], values["petitioner_contact"])
                row[cols.index("submitted_at")] = w.time(submitted)
            elif table == "human_tasks":
                ready = values["status"] == "ready"
                row[cols.index("id")] = w.ident(uuid.UUID(new_task)) if ready else w.ident(uuid.uuid4())
                row[cols.index("instance_id")] = w.ident(new_id)
                if ready:
                    row[cols.index("created_at")] = w.time(now - timedelta(days=rng.uniform(0, 30)))
                    row[cols.index("due_at")] = w.time(now + timedelta(days=rng.uniform(-10, 20)))
            elif table == "audit_events":
                row[cols.index("chain")], row[cols.index("instance_id")] = f"instance:{new_id}", w.ident(new_id)
            else:
                row[cols.index("instance_id")] = w.ident(new_id)
            copied.append(row)
        out[table] = copied
    return out


def fill(ctx: Context, petitions: int, open_tasks: int, audit_share: float, seed: int = 7) -> dict[str, Any]:
    """`petitions` petitions, `open_tasks` of them open (spread over the stages), the rest closed.

    Every open petition gets its audit trail, and a closed one with probability `audit_share`
    (copying every closed trail would take most of the suite's time for a table whose queries
    are by instance).
    """
    templates = capture(ctx)
    rng = random.Random(seed)
    plan = [OPEN_STAGES[i % len(OPEN_STAGES)] for i in range(open_tasks)] + [CLOSED] * (petitions - open_tasks)
    rng.shuffle(plan)
    batch = 2000
    with ctx.db.engine.begin() as conn:
        writer = Writer(conn)
        for start in range(0, len(plan), batch):
            tables: dict[str, list[list[Any]]] = {t: [] for t in TABLES}
            for number, stage in enumerate(plan[start:start + batch], start=start):
                audit = stage != CLOSED or rng.random() < audit_share
                for table, rows in copies(writer, templates[stage], number, rng, audit).items():
                    tables[table].extend(rows)
            for table in TABLES:  # parents first
                writer.write(table, iter(tables[table]))
    with ctx.db.engine.begin() as conn:
        conn.execute(text("ANALYZE"))
        counts = {t: int(conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()) for t in TABLES}
    if ctx.db.engine.dialect.name == "sqlite":
        # The fill is one transaction of 2.4 GB of WAL at 100,000 petitions, which every read would then
        # search page by page; a deployment that grew over years checkpoints as it goes.
        with ctx.db.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    return {"petitions": petitions, "open_tasks": open_tasks, "audit_share_of_closed": audit_share,
            "rows": counts, "sample_instance": str(templates[CLOSED].instance_id)}
