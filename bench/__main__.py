"""`python -m bench` (`make bench`): run every section, print the table, write bench-results/."""

from __future__ import annotations

import os
import platform
import time
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from . import (
    document_bench,
    engine_bench,
    growth_bench,
    http_bench,
    profiling,
    report,
    scale_bench,
    service_bench,
    timer_bench,
)
from .databases import KINDS, postgres_available
from .settings import RESULTS, SCALE, wanted


def _section(results: dict[str, Any], name: str, call: Callable[[], Any]) -> None:
    if not wanted(name):
        return
    began = time.perf_counter()
    print(f"[bench] {name} ...", flush=True)
    try:
        results[name] = call()
    except Exception:  # one broken section must not lose the others' figures
        results.setdefault("failures", {})[name] = traceback.format_exc()
        print(traceback.format_exc(), flush=True)
    took = round(time.perf_counter() - began, 1)
    results["seconds"][name] = took
    print(f"[bench] {name} done in {took} s (load average {os.getloadavg()[0]:.1f})", flush=True)


def _profiles(results: dict[str, Any]) -> None:
    """Profiles of where the time goes, for the targets this run missed."""
    missed = {t["section"] for t in results.get("targets", []) if not t["met"]}
    wanted_profiles = []
    if any(s.startswith(("3 http", "2 service")) for s in missed):
        wanted_profiles.append("completion")
    if any(s.startswith("5 growth") for s in missed):
        wanted_profiles.append("growth")
    for which in wanted_profiles:
        print(f"[bench] profiling {which} (py-spy) ...", flush=True)
        try:
            results.setdefault("profiles", {})[which] = str(profiling.record(which, 10).relative_to(RESULTS.parent))
        except Exception as exc:  # py-spy may lack the rights to sample here: say so, keep the figures
            results.setdefault("profiles", {})[which] = f"not recorded: {exc}"


def main() -> None:
    RESULTS.mkdir(exist_ok=True)
    problem = postgres_available()
    kinds = [k for k in KINDS if k == "sqlite" or problem is None]
    results: dict[str, Any] = {
        "started": datetime.now(UTC).isoformat(timespec="seconds"), "bench_scale": SCALE, "cpus": os.cpu_count(),
        "python": platform.python_version(), "postgresql": problem or "available", "seconds": {},
        "load_average_at_start": os.getloadavg()[0],
    }
    began = time.perf_counter()
    _section(results, "engine", engine_bench.run)
    _section(results, "service", lambda: {k: service_bench.run(k) for k in kinds})
    _section(results, "http", lambda: {k: http_bench.run(k) for k in kinds})
    _section(results, "scale", lambda: {k: scale_bench.run(k) for k in kinds})
    _section(results, "growth", lambda: growth_bench.run(kinds))
    if problem is None:
        _section(results, "timers", timer_bench.run)
    _section(results, "document", document_bench.run)
    results["seconds"]["total"] = round(time.perf_counter() - began, 1)
    report.write(results)
    _profiles(results)
    text = report.write(results)
    print(text)
    print(f"\n{RESULTS / 'results.json'} written; the suite took {results['seconds']['total']} s.")


if __name__ == "__main__":
    main()
