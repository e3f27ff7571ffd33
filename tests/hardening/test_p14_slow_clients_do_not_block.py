"""Issue 16 point 14: two slow clients (a header line now and then) made a normal request time out.

`petitionflow serve` with one worker process: while two clients hold connections open, dribbling
their headers, a normal request is still answered promptly (threaded workers, not sync ones).
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from tests.conftest import ROOT, make_context
from tests.integration.diagrams import wait_until

SERVE = [sys.executable, "-c", "from service.cli import main; main()", "serve", "--host", "127.0.0.1"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _answers(port: int, timeout: float) -> int | None:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        conn.request("GET", "/healthz")
        status = conn.getresponse().status
        conn.close()
        return status
    except OSError:
        return None


def _slow_client(port: int, stop: threading.Event, started: threading.Event) -> None:
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        started.set()
        n = 0
        while not stop.wait(0.5):  # a header line every half second, never the end of the headers
            n += 1
            try:
                sock.sendall(f"X-Slow-{n}: {n}\r\n".encode())
            except OSError:
                return


def test_p14_slow_clients_do_not_block_a_normal_request(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'petitionflow.sqlite3'}"
    make_context(url).db.dispose()
    port = _free_port()
    log = tmp_path / "serve.log"
    env = {**os.environ, "PETITIONFLOW_DATABASE_URL": url, "PETITIONFLOW_SECRET_KEY": "test"}
    with log.open("wb") as out:
        server = subprocess.Popen([*SERVE, "--port", str(port), "--workers", "1"], cwd=ROOT, env=env,
                                  stdout=out, stderr=subprocess.STDOUT)
    stop = threading.Event()
    clients: list[threading.Thread] = []
    try:
        assert wait_until(lambda: _answers(port, 5) == 200 or server.poll() is not None, timeout=60), \
            log.read_text()
        for _ in range(2):
            started = threading.Event()
            client = threading.Thread(target=_slow_client, args=(port, stop, started), daemon=True)
            client.start()
            assert started.wait(10)
            clients.append(client)
        for _ in range(3):  # the slow clients stay connected throughout
            began = time.monotonic()
            assert _answers(port, timeout=5) == 200, log.read_text()
            assert time.monotonic() - began < 2.0
    finally:
        stop.set()
        for client in clients:
            client.join(timeout=10)
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
