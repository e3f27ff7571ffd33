"""How a folder of foreign diagrams fares: how many SpiffWorkflow's own parser parses, how many our validation
accepts (with the lanes every agency has), and why the others are refused, grouped.

    .venv/bin/python -m tests.tools.corpus FOLDER [--show N]

Each `.bpmn` file is one bundle with the decision tables (`.dmn`) and forms (`.json`) of its folder, as a
designer would upload it; a diagram that calls a process kept in another file cannot run on its own here.
Not collected by pytest (no test_ file) and not part of `make bench`; it lives under tests/ because it
calls SpiffWorkflow directly, which nothing outside workflows/ and the tests may do.
"""

from __future__ import annotations

import argparse
import contextlib
import re
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnParser
from SpiffWorkflow.camunda.parser.CamundaParser import CamundaParser
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser

from service.roles import LANE_ROLES
from workflows.errors import ModelError
from workflows.models import parse_model

PARSERS = {"spiff": SpiffBpmnParser, "camunda": CamundaParser, "bpmn": BpmnParser}
"""SpiffWorkflow's parser flavours; a diagram counts as parsed by the engine when one of them builds it."""


@dataclass
class Tally:
    """The figures of one folder."""

    files: int = 0
    engine: Counter[str] = field(default_factory=Counter)
    engine_any: int = 0
    accepted: int = 0
    accepted_engine_refused: int = 0
    reasons: Counter[str] = field(default_factory=Counter)
    examples: dict[str, str] = field(default_factory=dict)


def engine_parses(flavour: str, path: Path) -> bool:
    """Whether SpiffWorkflow's `flavour` parser builds every executable process of the file."""
    parser = PARSERS[flavour]()
    try:
        parser.add_bpmn_file(str(path))
        dmn = sorted(path.parent.glob("*.dmn"))
        if dmn:  # a broken neighbour only matters if the diagram calls it
            with contextlib.suppress(Exception):
                parser.add_dmn_files([str(d) for d in dmn])
        ids = parser.get_process_ids()
        executable = [i for i in ids if parser.get_process_parser(i).node.get("isExecutable", "true") == "true"]
        for process_id in executable or ids[:1]:
            parser.get_spec(process_id)
        return bool(ids)
    except Exception:  # any failure of the foreign parser is a refusal to count
        return False


_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"|“[^”]*”")
_NUMBERS = re.compile(r"\d+")


def reason_of(message: str) -> str:
    """A problem's message with the diagram's own words left out, so alike problems group together."""
    text = _QUOTED.sub("…", message)
    text = re.sub(r"found \d+ \([^)]*\)", "found N (…)", text)
    text = re.sub(r"Did you mean one of the following: .*", "Did you mean …", text)
    text = re.sub(r"(with name|repeats every) \S+", r"\1 …", text)
    text = _NUMBERS.sub("N", text)
    text = re.sub(r"known lanes: .*", "known lanes: …", text)
    return text[:110]


def bundle_of(path: Path) -> dict[str, bytes]:
    """The resources beside a diagram: decision tables and forms of its folder."""
    return {p.name: p.read_bytes() for p in sorted(path.parent.iterdir())
            if p.is_file() and p.suffix in (".dmn", ".json")}


def tally(paths: Iterable[Path]) -> Tally:
    """Parse and validate each diagram, counting and grouping the outcomes."""
    figures = Tally()
    for path in paths:
        figures.files += 1
        parsed = {flavour: engine_parses(flavour, path) for flavour in PARSERS}
        figures.engine.update(f for f, ok in parsed.items() if ok)
        figures.engine_any += any(parsed.values())
        try:
            parse_model(path.read_bytes(), bundle_of(path), file_name=path.name, known_lanes=LANE_ROLES)
        except ModelError as exc:
            for reason in sorted({reason_of(p.message) for p in exc.problems}):
                figures.reasons[reason] += 1
                figures.examples.setdefault(reason, f"{path.name}: {exc.problems[0]}")
            continue
        figures.accepted += 1
        figures.accepted_engine_refused += not parsed["spiff"]
    return figures


def report(figures: Tally, show: int) -> str:
    """The table of figures, then the most frequent refusal reasons (files per reason)."""
    lines = [
        f"| diagrams (.bpmn files) | {figures.files} |",
        "|---|---|",
        f"| parsed by SpiffWorkflow's spiff parser (ours) | {figures.engine['spiff']} |",
        f"| parsed by its camunda parser | {figures.engine['camunda']} |",
        f"| parsed by its plain bpmn parser | {figures.engine['bpmn']} |",
        f"| parsed by at least one of them | {figures.engine_any} |",
        f"| accepted by petitionflow's validation | {figures.accepted} |",
        f"| accepted by us but not by the spiff parser | {figures.accepted_engine_refused} |",
        "",
        "| files | refusal reason |",
        "|---|---|",
    ]
    lines += [f"| {n} | {reason.replace('|', '/')} |" for reason, n in figures.reasons.most_common(show)]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("folder", type=Path)
    args.add_argument("--show", type=int, default=15, help="how many refusal reasons to list")
    options = args.parse_args(argv)
    paths = sorted(options.folder.rglob("*.bpmn"))
    if not paths:
        print(f"no .bpmn files under {options.folder}", file=sys.stderr)
        return 1
    print(report(tally(paths), options.show))
    return 0


if __name__ == "__main__":
    sys.exit(main())
