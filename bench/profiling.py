"""Profiles for the targets a run misses: py-spy samples a workload process from outside (the step
limits' profile hook rules out in-process profilers), and the stacks are summarised as text."""

from __future__ import annotations

import subprocess
from collections import Counter
from pathlib import Path

from .settings import RESULTS, ROOT

KEEP = "workload_"


def record(which: str, seconds: float) -> Path:
    """Sample `bench.profile_target which` for about `seconds`; returns the summary file."""
    raw = RESULTS / f"profile-{which}.collapsed.txt"
    command = [str(ROOT / ".venv" / "bin" / "py-spy"), "record", "--rate", "250", "--format", "raw", "--output",
               str(raw), "--", str(ROOT / ".venv" / "bin" / "python"), "-m", "bench.profile_target", which,
               str(seconds)]
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True, timeout=seconds + 300)
    summary = RESULTS / f"profile-{which}.txt"
    summary.write_text(summarise(raw.read_text()))
    return summary


def _name(frame: str) -> str:
    return frame.split(" (", 1)[0] + " (" + frame.split(" (", 1)[1].split(":")[0].split("site-packages/")[-1] + ")" \
        if " (" in frame else frame


def summarise(collapsed: str, top: int = 40) -> str:
    """Inclusive and own shares of the functions under the workload, from py-spy's collapsed stacks."""
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    total = 0
    for line in collapsed.splitlines():
        stack, _, count_text = line.rpartition(" ")
        if KEEP not in stack or not count_text.isdigit():
            continue
        frames = stack.split(";")
        frames = frames[next(i for i, f in enumerate(frames) if KEEP in f):]
        count = int(count_text)
        total += count
        for name in {_name(f) for f in frames}:
            inclusive[name] += count
        own[_name(frames[-1])] += count
    if not total:
        return "no samples under the workload\n"
    lines = [f"{total} samples under the workload\n", "inclusive share (function and what it calls):"]
    lines += [f"{100 * n / total:6.1f}%  {name}" for name, n in inclusive.most_common(top)]
    lines += ["", "own share (time in the function itself):"]
    lines += [f"{100 * n / total:6.1f}%  {name}" for name, n in own.most_common(25)]
    return "\n".join(lines) + "\n"
