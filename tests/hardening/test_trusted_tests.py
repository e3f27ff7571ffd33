"""Issue 16, "tests that cannot be trusted": tests of time move a clock, tests of processes wait for readiness.

The engine's timers follow the clock a test holds (no real timers racing each other on a busy
machine), and the worker says "ready" only once its SIGTERM handler is installed, so a test that
waits for that line and then stops it gets a clean exit, not -15.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

from tests.bpmn.walk import Walk, kinds
from tests.conftest import ROOT
from tests.integration.diagrams import wait_until
from workflows.clock import ManualClock

WORKER = [sys.executable, "-c", "from service.cli import main; main()", "worker"]


def test_engine_timers_follow_the_test_clock_not_real_time() -> None:
    # The clock stands an hour in the past: on real time the report's drafting date is already past. (The
    # petition pack has no timers any more: its deadlines are working days the service counts.)
    with ManualClock() as clock:
        clock.advance(-3600)
        due = datetime.now() - timedelta(minutes=10)
        walk = Walk("periodic_report.bpmn", {"period_start": "2026-01-01", "period_end": "2026-06-15",
                                             "due_date": due.isoformat(), "lead_days": 0, "recipients": ["Sở Nội vụ"],
                                             "drafter_role": "office", "figures": {}})
        assert walk.ready() == []
        assert walk.instance.fire_due_timers().events == ()  # nothing is due until the clock moves
        clock.advance(3600)
        fired = kinds(walk.instance.fire_due_timers(), "timer_fired")
        assert [e.element_id for e in fired] == ["wait_drafting"]


def test_worker_says_ready_after_installing_its_stop_handler(tmp_path: Path) -> None:
    log = tmp_path / "worker.log"
    env = {**os.environ, "PETITIONFLOW_DATABASE_URL": f"sqlite:///{tmp_path / 'petitionflow.sqlite3'}"}
    with log.open("wb") as out:
        proc = subprocess.Popen(WORKER, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        assert wait_until(lambda: "ready: worker" in log.read_text() or proc.poll() is not None, timeout=60)
        assert proc.poll() is None, log.read_text()
        proc.send_signal(signal.SIGTERM)  # at once: the handler must already be there
        assert proc.wait(timeout=30) == 0, log.read_text()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
