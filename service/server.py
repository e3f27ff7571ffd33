"""Serving the app with gunicorn, configured from the command line rather than a config file."""

from __future__ import annotations

from typing import Any

from gunicorn.app.base import BaseApplication

from . import limits
from .app import create_app
from .config import Settings


class _Server(BaseApplication):  # type: ignore[misc]
    def __init__(self, options: dict[str, Any]) -> None:
        self._options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        return create_app()


def run_server(host: str, port: int, workers: int) -> None:
    """Serve until stopped (SIGTERM or Ctrl-C), each worker with its own app and connections."""
    memory_mb = Settings.from_env().process_memory_mb
    _Server({"bind": f"{host}:{port}", "workers": max(1, workers), "accesslog": "-", "timeout": 60,
             "post_fork": lambda _server, _worker: limits.limit_process_memory(memory_mb)}).run()
