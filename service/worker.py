"""`petitionflow worker`: fires due timers, retries incidents and delivers messages, one instance per transaction.

The worker sleeps until the earliest due moment (at most `PETITIONFLOW_WORKER_MAX_SLEEP_MS`). It
is woken early when an earlier timer or a new message is stored: on PostgreSQL by LISTEN/NOTIFY
(a trigger notifies in the storing transaction), on SQLite by polling the earliest due moment every
`PETITIONFLOW_WORKER_POLL_MS`. Several workers share the work on PostgreSQL (claims use SKIP LOCKED);
on SQLite a lock file beside the database lets one worker run and refuses a second.

A lost database (a restart, a network cut) never ends the process: the loop backs off, polls until
it can LISTEN again, and catches up on everything that fell due meanwhile, each exactly once (the
claim and the commit are one transaction). `on_ready` is called once the worker is set up (the CLI
prints a `ready:` line then, which tests and supervisors wait for).
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy.exc import DBAPIError, IntegrityError, SQLAlchemyError

from . import limits, notifiers
from .domain import petition_deadlines
from .usecases import audit_checks, clock, notifications, notify_delivery, notify_digest, timers
from .usecases.context import Context
from .usecases.timers import Outcome

log = logging.getLogger("petitionflow.worker")

CHANNEL = "petitionflow_wakeup"
"""PostgreSQL channel the triggers of migration 0003 notify."""
BATCH = 200
"""Units of work per round before the worker looks at its stop flag and its other queues again."""


class WorkerRefused(Exception):
    """Another worker already runs on this SQLite database."""


class SqliteWorkerLock:
    """An exclusive OS lock on `<database>.worker.lock`; the OS releases it when the process dies."""

    def __init__(self, database_file: str) -> None:
        self.path = Path(f"{database_file}.worker.lock")
        self._fd: int | None = None

    def acquire(self) -> None:
        """Take the lock or raise `WorkerRefused` naming the holder."""
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "another process"
            os.close(fd)
            raise WorkerRefused(
                f"another worker ({holder}) already runs on this SQLite database; SQLite supports one "
                "worker: stop it first, or use PostgreSQL to run several") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()} on {socket.gethostname()} since {clock.now():%Y-%m-%d %H:%M:%S}Z"
                  .encode(), 0)
        self._fd = fd

    def release(self) -> None:
        """Give the lock up."""
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


class Worker:
    """One worker loop over a deployment; `run()` until `stop()` (or a signal the CLI turns into it)."""

    def __init__(self, ctx: Context, on_outcome: Callable[[Outcome], None] | None = None,
                 on_ready: Callable[[], None] | None = None) -> None:
        self.ctx = ctx
        self._on_ready = on_ready
        limits.configure(ctx.settings)  # each engine step bounded in memory and time (service/limits.py)
        self.name = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self._stop = threading.Event()
        self._on_outcome = on_outcome
        self._lock: SqliteWorkerLock | None = None
        self._listener: psycopg.Connection[Any] | None = None
        self._listen = False
        self._next_listen_try = 0.0
        self._backoff = 0.0
        self.rounds = 0
        """Rounds over the three queues so far (tests wait for rounds to pass instead of sleeping)."""
        self.outages = 0
        """Times the database could not be reached and the worker waited for it (for tests and logs)."""
        self.counts: dict[str, int] = {}
        self._next_checkpoint = time.monotonic() + ctx.settings.audit_checkpoint_interval_s
        notifications.configure(ctx.settings)
        self.notifiers = notifiers.configured(ctx.settings)
        """The channels notifications can be sent on; those of other channels wait in the outbox."""
        self._next_notice_scan = 0.0
        self._unrecorded: list[tuple[notify_delivery.Claimed, datetime]] = []
        self._alerts_at: datetime | None = None

    def stop(self) -> None:
        """Ask the loop to finish the unit of work in hand and return."""
        self._stop.set()

    @property
    def stopping(self) -> bool:
        """Whether a stop was asked for."""
        return self._stop.is_set()

    def run(self) -> None:
        """Work until stopped. Raises `WorkerRefused` when SQLite already has a worker.

        No database failure ends the loop: the worker waits (doubling from 0.5 s up to
        `PETITIONFLOW_WORKER_RETRY_MAX_MS`), reconnects, and then does everything that fell due meanwhile.
        """
        limits.limit_process_memory(self.ctx.settings.process_memory_mb)
        self._open()
        log.info("worker %s started on %s", self.name, self.ctx.db.engine.url.render_as_string(hide_password=True))
        if self._on_ready is not None:
            self._on_ready()
        try:
            while not self._stop.is_set():
                try:
                    if not self.run_once():
                        self._sleep()
                    self._backoff = 0.0
                except (DBAPIError, psycopg.Error) as exc:  # the database went away: wait, then go on
                    self._wait_for_database(exc)
                except Exception:  # a bug must not stop timers for every agency either
                    log.exception("unexpected failure in the worker loop; going on")
                    self._wait_for_database(None)
        finally:
            self._close()
            log.info("worker %s stopped", self.name)

    def _wait_for_database(self, exc: BaseException | None) -> None:
        self._close_listener()
        retry_max = max(self.ctx.settings.worker_retry_max_ms, 100) / 1000
        self._backoff = min(retry_max, self._backoff * 2 if self._backoff else 0.5)
        if exc is not None:
            self.outages += 1
            log.error("database unavailable, retrying in %.1f s: %s", self._backoff,
                      (str(exc).strip().splitlines() or [type(exc).__name__])[0])
        self._stop.wait(self._backoff)

    def run_once(self) -> bool:
        """Do everything due now (bounded per round); True when a round was full and more may wait."""
        full = False
        for step in (self._timers, self._incidents, self._messages, self._notifications):
            if self._stop.is_set():
                break
            full = step() or full
        self._staff_notices()
        self._deadline_alerts()
        self._audit_checkpoint()
        self.rounds += 1
        return full

    def _deadline_alerts(self) -> None:
        """Reminders before deadlines and "Cảnh báo quá hạn" after them, at most once a minute (issue 13)."""
        now = clock.now()
        if self._alerts_at is not None and now - self._alerts_at < timedelta(seconds=60):
            return
        self._alerts_at = now
        try:
            petition_deadlines.raise_alerts(self.ctx, now)
        except SQLAlchemyError as exc:  # the next round tries again; the database loop reports outages
            log.warning("deadline alerts not raised: %s", (str(exc).strip().splitlines() or [type(exc).__name__])[0])

    def _audit_checkpoint(self) -> None:
        """Every `PETITIONFLOW_AUDIT_CHECKPOINT_INTERVAL_S`: check each agency's audit chains, seal a checkpoint."""
        interval = self.ctx.settings.audit_checkpoint_interval_s
        if interval <= 0 or time.monotonic() < self._next_checkpoint or self._stop.is_set():
            return
        self._next_checkpoint = time.monotonic() + interval
        try:
            done = audit_checks.checkpoint(self.ctx)
        except DBAPIError:
            raise
        except Exception:  # a full disk or an unreadable key must not stop timers
            log.exception("audit checkpoint failed")
            return
        broken = sorted(code for code, result in done.results.items() if not result.ok)
        if broken:
            log.error("audit trail broken in %s; checkpoint %s", ", ".join(broken), done.number)
        else:
            log.info("audit checkpoint %s: %s chains sealed", done.number, done.chains_sealed)

    # -- the three queues ------------------------------------------------------------------

    def _drain(self, take: Callable[[datetime, set[Any]], Outcome | None]) -> bool:
        skip: set[Any] = set()
        for _ in range(BATCH):
            if self._stop.is_set():
                return False
            try:
                outcome = take(clock.now(), skip)
            except DBAPIError:
                raise
            except Exception:  # one bad row must not stop the others
                log.exception("unexpected failure; continuing with the next due work")
                return False
            if outcome is None:
                return False
            if outcome.kind in ("idle", "busy", "undeliverable"):
                skip.add(outcome.row_id if outcome.row_id is not None else outcome.instance_id)
            self._report(outcome)
        return True

    def _timers(self) -> bool:
        return self._drain(lambda now, skip: timers.fire_next_due(self.ctx, now, skip))

    def _incidents(self) -> bool:
        return self._drain(lambda now, skip: timers.retry_next_incident(self.ctx, now, skip))

    def _messages(self) -> bool:
        return self._drain(lambda now, skip: timers.deliver_next_message(self.ctx, now, skip))

    def _notifications(self) -> bool:
        notify_delivery.record_unrecorded(self.ctx, self.name, self._unrecorded)  # sends a lost database missed
        return self._drain(lambda now, skip: notify_delivery.send_next(self.ctx, self.notifiers, self.name, now, skip,
                                                                       self._unrecorded))

    def _staff_notices(self) -> None:
        """Every `PETITIONFLOW_NOTIFY_SCAN_INTERVAL_S`: notices of tasks falling due, and the daily digests."""
        if time.monotonic() < self._next_notice_scan or self._stop.is_set():
            return
        self._next_notice_scan = time.monotonic() + max(self.ctx.settings.notify_scan_interval_s, 1)
        try:
            now = clock.now()
            queued = notify_digest.task_notices(self.ctx, now) + notify_digest.write_digests(self.ctx, now)
        except IntegrityError:  # another worker queued the same notice first (its key is unique): theirs stands
            log.info("another worker wrote these task notices first")
            return
        except DBAPIError:
            raise
        except Exception:  # a broken template must not stop timers
            log.exception("writing task notices and digests failed")
            return
        if queued:
            log.info("%s task notice(s) and digest(s) queued", queued)

    def _report(self, outcome: Outcome) -> None:
        self.counts[outcome.kind] = self.counts.get(outcome.kind, 0) + 1
        if outcome.kind in ("fired", "delivered", "resolved", "sent"):
            log.info("%s", outcome.text)
        elif outcome.kind in ("incident", "undeliverable"):
            log.warning("%s", outcome.text)
        else:
            log.debug("%s", outcome.text)
        if self._on_outcome is not None:
            self._on_outcome(outcome)

    # -- sleeping and waking ---------------------------------------------------------------

    def _sleep(self) -> None:
        settings = self.ctx.settings
        started = time.monotonic()
        limit = settings.worker_max_sleep_ms / 1000
        poll = max(settings.worker_poll_ms, 10) / 1000
        while not self._stop.is_set():
            if self._listen and self._listener is None:  # before looking, so no wake-up falls in between
                self._reopen_listener()
            remaining = limit - (time.monotonic() - started)
            due = timers.next_due_at(self.ctx)
            mail = notify_delivery.next_due_at(self.ctx, self.name, clock.now(), self.notifiers.keys())
            due = min(due, mail) if due is not None and mail is not None else due or mail
            if due is not None:
                remaining = min(remaining, (due - clock.now()).total_seconds())
            if remaining <= 0:
                if time.monotonic() - started < poll / 5:  # due but not claimable (skipped): do not spin
                    self._stop.wait(poll / 5)
                return
            if self._listener is not None:
                if self._wait_notify(min(remaining, 0.5)):
                    return
            else:
                self._stop.wait(min(remaining, poll))

    def _wait_notify(self, seconds: float) -> bool:
        assert self._listener is not None
        try:
            got = [n.payload for n in self._listener.notifies(timeout=seconds, stop_after=1)]
        except psycopg.Error as exc:
            log.error("lost the notification connection (%s); reconnecting", str(exc).strip().splitlines()[:1])
            self._close_listener()
            return True  # look for due work at once: the database may have come back already
        if got:
            log.debug("woken by %s", got[0])
        return bool(got)

    def _reopen_listener(self) -> None:
        """Listen again after a lost connection; until it works, poll (at most one try a second)."""
        if time.monotonic() < self._next_listen_try:
            return
        try:
            self._open_listener()
        except psycopg.Error as exc:
            self._next_listen_try = time.monotonic() + 1.0
            log.warning("cannot listen for wake-ups yet (%s); polling", str(exc).strip().splitlines()[:1])
        else:
            log.info("listening for wake-ups again")

    def _open(self) -> None:
        url = self.ctx.db.engine.url
        if url.get_backend_name() == "sqlite":
            if url.database and url.database != ":memory:":
                self._lock = SqliteWorkerLock(url.database)
                self._lock.acquire()
        elif url.get_backend_name() == "postgresql":
            self._listen = True  # opened by `_sleep`, and opened again whenever the connection is lost

    def _open_listener(self) -> None:
        url = self.ctx.db.engine.url.set(drivername="postgresql")
        conn = psycopg.connect(url.render_as_string(hide_password=False), autocommit=True, connect_timeout=5)
        try:
            conn.execute(f"LISTEN {CHANNEL}")
        except psycopg.Error:
            conn.close()
            raise
        self._listener = conn

    def _close_listener(self) -> None:
        if self._listener is not None:
            with contextlib.suppress(psycopg.Error):
                self._listener.close()
            self._listener = None

    def _close(self) -> None:
        self._close_listener()
        if self._lock is not None:
            self._lock.release()
            self._lock = None
