"""What every benchmark reads: the scale, where results go, which PostgreSQL server to use."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench-results"
BPMN = ROOT / "bpmn"
DIAGRAMS = Path(__file__).resolve().parent / "diagrams"
POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", os.environ.get(
    "PETITIONFLOW_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"))
"""The server the PostgreSQL runs use; each creates its own `pf_bench_*` database and drops it."""
SCALE = float(os.environ.get("BENCH_SCALE", "1"))
"""1 = the full suite (about 15 minutes on 2 cores); 0.1 for a quick look."""
ONLY = {s.strip() for s in os.environ.get("BENCH_ONLY", "").split(",") if s.strip()}
"""Run only these sections (engine, service, http, scale, growth, timers); all when empty."""


def scaled(full: int, minimum: int = 1) -> int:
    """`full` multiplied by the scale, never below `minimum`."""
    return max(minimum, round(full * SCALE))


def wanted(section: str) -> bool:
    """Whether `section` runs in this invocation."""
    return not ONLY or section in ONLY
