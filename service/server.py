"""Serving the app with gunicorn, configured from the command line rather than a config file.

Each worker process serves requests on `PETITIONFLOW_WEB_THREADS` threads (gunicorn's `gthread`
worker): a client that sends its request slowly holds one thread, not the whole process, so a few
slow or idle connections cannot keep everyone else waiting. A request still running after
`PETITIONFLOW_WEB_TIMEOUT_S` gets its worker restarted; idle keep-alive connections are closed after
a few seconds. In production put a buffering reverse proxy in front (README, "Running in production").
"""

from __future__ import annotations

from typing import Any

from gunicorn.app.base import BaseApplication

from . import limits
from .app import create_app
from .config import Settings

KEEPALIVE_S = 5
"""Seconds an idle keep-alive connection is kept open."""


class _Server(BaseApplication):  # type: ignore[misc]
    def __init__(self, options: dict[str, Any]) -> None:
        self._options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        return create_app()


def options(host: str, port: int, workers: int, settings: Settings) -> dict[str, Any]:
    """gunicorn's settings for `serve`."""
    memory_mb = settings.process_memory_mb
    return {"bind": f"{host}:{port}", "workers": max(1, workers), "worker_class": "gthread",
            "threads": max(1, settings.web_threads), "timeout": max(1, settings.web_timeout_s),
            "graceful_timeout": max(1, settings.web_timeout_s), "keepalive": KEEPALIVE_S, "accesslog": "-",
            "post_fork": lambda _server, _worker: limits.limit_process_memory(memory_mb)}


def run_server(host: str, port: int, workers: int) -> None:
    """Serve until stopped (SIGTERM or Ctrl-C), each worker with its own app and connections."""
    _Server(options(host, port, workers, Settings.from_env())).run()
