"""A real SMTP server on 127.0.0.1 for the notification tests (aiosmtpd), recording what it accepted.

`hold_next()` makes the next message wait inside the DATA command, after the server has it all and before it
answers, until `release()`: the moment a worker is "mid-delivery". A held message is refused (451) when
released, as a server whose client went away never accepts it; `accepted` lists only messages answered 250.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


@dataclass
class Recorder:
    """The aiosmtpd handler: accepted messages, and an optional hold on the next one."""

    accepted: list[EmailMessage] = field(default_factory=list)
    refuse_with: str | None = None
    """Answer every message with this (a 4xx or 5xx line) instead of accepting it."""
    holding: threading.Event = field(default_factory=threading.Event)
    _hold: bool = False
    _release: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def hold_next(self) -> None:
        self._hold, self._release = True, threading.Event()
        self.holding.clear()

    def release(self) -> None:
        self._release.set()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self._hold:
            self._hold = False
            self.holding.set()
            await asyncio.get_running_loop().run_in_executor(None, self._release.wait, 120)
            return "451 4.3.0 interrupted, not accepted"
        if self.refuse_with:
            return self.refuse_with
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        with self.lock:
            self.accepted.append(message)
        return "250 2.0.0 accepted"

    def messages(self) -> list[EmailMessage]:
        with self.lock:
            return list(self.accepted)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def mail_server() -> Iterator[tuple[Recorder, int]]:
    """A running SMTP server on 127.0.0.1: (its recorder, its port); stopped afterwards."""
    recorder = Recorder()
    port = free_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()  # returns once the server answers (aiosmtpd checks it): a readiness signal
    try:
        yield recorder, port
    finally:
        recorder.release()
        controller.stop()
