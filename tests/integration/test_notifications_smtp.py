"""Issue 14 point 5: a petition submitted with an e-mail address produces, through the worker, exactly one receipt
at a real SMTP server on 127.0.0.1, also when the worker is killed mid-delivery and started again.

The worker runs as a separate process (`petitionflow worker`), as in production; the test waits for its
`ready:` line and for the server's own signal that a message is in flight, never for a fixed time.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from service.domain import petitions
from service.store.notification_tables import Notification
from service.store.tables import AuditEvent
from service.usecases import audit
from service.usecases.context import Actor, Context
from tests.conftest import ROOT, deploy_sample, make_context
from tests.integration.diagrams import wait_until
from tests.integration.mailserver import Recorder, mail_server

WORKER = [sys.executable, "-c", "from service.cli import main; main()", "worker"]
PACK = ("petition.bpmn", "dialogue.bpmn", "periodic_report.bpmn")
RECEPTION = Actor("tiepnhan", "demo", frozenset({"reception"}))
ADDRESS = "huong.nguyen@example.vn"
PETITION = {"source": "citizen", "channel": "reception", "field": "other", "title": "Đường liên xã bị sạt lở",
            "content": "Đề nghị Sở xem xét sửa chữa đoạn đường bị sạt lở.", "petitioner_name": "Nguyễn Thị Hường",
            "petitioner_contact": f"Bản Củ, xã Chiềng Đông; ĐT 0912 345 678; thư: {ADDRESS}"}


@pytest.fixture
def mail() -> Iterator[tuple[Recorder, int]]:
    with mail_server() as server:
        yield server


def _rows(ctx: Context) -> list[Notification]:
    with ctx.uow(write=False) as uow:
        return list(uow.session.execute(select(Notification).order_by(Notification.id)).scalars())


def _row(ctx: Context, row_id: int) -> Notification:
    with ctx.uow(write=False) as uow:
        return uow.session.get_one(Notification, row_id)


class WorkerProcess:
    """`petitionflow worker` in a subprocess, its output in a log file."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.log = log
        with log.open("ab") as out:
            self.process = subprocess.Popen(WORKER, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_ready(self, readies: int) -> None:
        assert wait_until(lambda: self.text().count("ready: worker") >= readies or self.process.poll() is not None,
                          timeout=60), self.text()
        assert self.process.poll() is None, self.text()

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=30)


def test_one_receipt_reaches_the_mail_server_also_after_the_worker_is_killed_mid_delivery(
        database_url: str, tmp_path: Path, mail: tuple[Recorder, int]) -> None:
    """On SQLite the restarted worker resends at once; on PostgreSQL once the claim's lease (1 s here) ran out."""
    server, port = mail
    url = database_url
    ctx = make_context(url)
    for diagram in PACK:
        deploy_sample(ctx, diagram)
    info = petitions.submit(ctx, RECEPTION, PETITION)

    [queued] = _rows(ctx)  # queued in the transaction that recorded the petition
    assert (queued.kind, queued.channel, queued.recipient, queued.status) == ("document:receipt", "email", ADDRESS,
                                                                              "pending")
    assert info.tracking_code in queued.subject and info.tracking_code in queued.body

    env = {**os.environ, "PETITIONFLOW_DATABASE_URL": url, "PETITIONFLOW_SMTP_HOST": "127.0.0.1",
           "PETITIONFLOW_SMTP_PORT": str(port), "PETITIONFLOW_SMTP_SENDER": "tiepcongdan@sokhcn.example.vn",
           "PETITIONFLOW_WORKER_POLL_MS": "50", "PETITIONFLOW_AUDIT_CHECKPOINT_INTERVAL_S": "0",
           "PETITIONFLOW_NOTIFY_LEASE_S": "1", "PETITIONFLOW_WORKER_MAX_SLEEP_MS": "200"}
    log = tmp_path / "worker.log"
    server.hold_next()
    first = WorkerProcess(env, log)
    try:
        first.wait_ready(1)
        assert server.holding.wait(timeout=60), first.text()  # the server has the message, has not answered yet
        assert _row(ctx, queued.id).status == "sending"
        first.kill()  # mid-delivery: the row stays claimed, nothing was accepted
    finally:
        first.stop()
        server.release()
    assert server.messages() == []
    assert _row(ctx, queued.id).status == "sending"

    second = WorkerProcess(env, log)
    try:
        second.wait_ready(2)
        assert wait_until(lambda: _row(ctx, queued.id).status == "sent", timeout=60), second.text()
    finally:
        assert second.stop() == 0, second.text()

    [message] = server.messages()  # exactly one receipt at the server
    assert message["To"] == ADDRESS and message["From"] == "tiepcongdan@sokhcn.example.vn"
    assert message["Message-ID"] == queued.message_id  # the same on every attempt
    assert info.tracking_code in str(message["Subject"])
    text = message.get_body(preferencelist=("plain",))
    assert text is not None and "Mã tra cứu tình trạng giải quyết đơn" in text.get_content()
    assert info.tracking_code in text.get_content()
    attachments = list(message.iter_attachments())
    assert [a.get_content_type() for a in attachments] == ["application/pdf"]
    assert attachments[0].get_content().startswith(b"%PDF")
    assert str(attachments[0].get_filename()).startswith("receipt-")

    sent = _row(ctx, queued.id)
    assert (sent.status, sent.attempts) == ("sent", 2)
    with ctx.uow(write=False) as uow:
        events = [e.data for e in uow.session.execute(select(AuditEvent).where(
            AuditEvent.event_type == "notification_sent")).scalars()]
    assert len(events) == 1 and events[0]["notification"] == queued.id and events[0]["resent_after_crash"] is True
    assert events[0]["to"] == "h***@example.vn"  # the trail tells which, without the whole address
    assert audit.verify_trail(ctx).ok
    ctx.db.dispose()
