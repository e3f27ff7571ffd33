"""A real server for the HTTP benchmarks: `petitionflow serve --workers 2` on a free local port."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

from service.usecases import tokens
from service.usecases.context import Actor, Context

from . import databases, journey
from .settings import ROOT

OPERATOR = Actor.system_actor("demo")
"""Tokens for other accounts come from the operator (as the command line), never from an admin (16.9)."""


def free_port() -> int:
    """`BENCH_PORT` when set (a shared machine hands each developer a port), else a port nobody listens on."""
    if os.environ.get("BENCH_PORT"):
        return int(os.environ["BENCH_PORT"])
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def lane_tokens(ctx: Context) -> dict[str, str]:
    """A bearer token for the demo account of every lane, issued by the operator."""
    return {lane: tokens.create_token(ctx, OPERATOR, user, f"bench {lane}").token
            for lane, user in journey.LANE_USERS.items()}


@contextmanager
def serving(url: str, workers: int, log: Path) -> Iterator[str]:
    """`petitionflow serve` on `url`'s database until the block ends; yields the base URL."""
    port = free_port()
    command = [str(ROOT / ".venv" / "bin" / "petitionflow"), "serve", "--host", "127.0.0.1", "--port", str(port),
               "--workers", str(workers)]
    with log.open("w") as out:
        server = subprocess.Popen(command, env=databases.environment(url), stdout=subprocess.DEVNULL, stderr=out,
                                  cwd=ROOT)
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_ready(base, server)
            yield base
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def _wait_ready(base: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited with status {server.returncode}")
        try:
            if requests.get(f"{base}/healthz", timeout=1).ok:
                # every worker parses the pack on first use: warm both before measuring
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    raise RuntimeError("the server did not answer /healthz within 30 s")
