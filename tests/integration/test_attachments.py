"""A petition's files through the use cases: stored in the very transaction of the step that adds them
(a refused file means nothing was received), added on a task of the petition only, scanned by clamd when
one is configured, and reached only through the petition's visibility."""

from __future__ import annotations

import socket
import threading
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import func, select

from service.domain import attachments, petitions
from service.store.attachment_tables import Attachment
from service.store.petition_tables import Petition
from service.store.tables import AuditEvent, HumanTask
from service.usecases.context import Actor, Context
from service.usecases.errors import Forbidden, Invalid, NotFound
from tests.conftest import AGENCY, actor, deploy_sample
from tests.dates import service_today

PUBLIC = Actor("public", AGENCY, frozenset())
RECEPTION = actor("tiepnhan", "reception")
PDF = b"%PDF-1.5\n" + bytes(range(256)) * 20 + b"\n%%EOF\n"
DATA = {"source": "citizen", "field": "science", "title": "Đơn có tệp", "content": "Xem bản scan."}


def _count(ctx: Context, model: type[Petition] | type[Attachment]) -> int:
    with ctx.uow(write=False) as uow:
        return int(uow.session.execute(select(func.count()).select_from(model)).scalar_one())


def _ready_task(ctx: Context, instance_id: uuid.UUID | None) -> HumanTask:
    with ctx.uow(write=False) as uow:
        return uow.session.execute(select(HumanTask).where(HumanTask.instance_id == instance_id,
                                                           HumanTask.status == "ready")).scalars().one()


def test_the_public_form_stores_its_files_with_the_petition_or_nothing(ctx: Context) -> None:
    deploy_sample(ctx, "petition.bpmn")
    sent = petitions.submit(ctx, PUBLIC, DATA, attachments=[attachments.Upload("đơn.pdf", PDF),
                                                             attachments.Upload("", b"")])
    [item] = attachments.list_for_petition(ctx, RECEPTION, sent.id)
    assert (item.name, item.size, item.content_type, item.uploaded_by) == ("đơn.pdf", len(PDF), "application/pdf",
                                                                          "public")
    before = (_count(ctx, Petition), _count(ctx, Attachment))
    with pytest.raises(Invalid) as refused:
        petitions.submit(ctx, PUBLIC, DATA, attachments=[attachments.Upload("a.pdf", PDF),
                                                         attachments.Upload("b.pdf", b"<html><body>x</body></html>")])
    assert "attachments" in refused.value.fields and "HTML" in str(refused.value)
    assert (_count(ctx, Petition), _count(ctx, Attachment)) == before  # nothing was received


def test_files_are_added_on_a_task_of_the_petition_only(ctx: Context) -> None:
    deploy_sample(ctx, "petition.bpmn")
    first = petitions.submit(ctx, RECEPTION, DATA)
    second = petitions.submit(ctx, RECEPTION, DATA)
    task = _ready_task(ctx, first.instance_id)
    [added] = attachments.add(ctx, RECEPTION, None, [attachments.Upload("biên bản.txt", "Biên bản họp.".encode())],
                              task_id=task.id)
    assert added.task_id == task.id and added.petition_id == first.id and added.content_type == "text/plain"
    assert [a.id for a in attachments.list_for_instance(ctx, RECEPTION, first.instance_id)] == [added.id]  # type: ignore[arg-type]
    with pytest.raises(NotFound):
        attachments.add(ctx, RECEPTION, second.id, [attachments.Upload("x.pdf", PDF)], task_id=task.id)
    with pytest.raises(Forbidden):
        attachments.add(ctx, actor("kiemtoan", "auditor"), first.id, [attachments.Upload("x.pdf", PDF)])
    with pytest.raises(Forbidden):  # a unit does not add files on a task of a lane it does not work
        attachments.add(ctx, actor("donvi", "unit:science"), None, [attachments.Upload("x.pdf", PDF)],
                        task_id=task.id)
    with ctx.uow(write=False) as uow:
        event = uow.session.execute(select(AuditEvent).where(AuditEvent.event_type == "attachment_uploaded")
                                    ).scalars().one()
    assert event.data["task_id"] == str(task.id) and event.data["name"] == "biên bản.txt"


def test_a_confidential_petitions_files_are_not_found_by_those_not_handling_it(ctx: Context) -> None:
    deploy_sample(ctx, "petition.bpmn")
    sent = petitions.submit(ctx, RECEPTION, {**DATA, "confidential": True},
                            attachments=[attachments.Upload("tố cáo.pdf", PDF)])
    [item] = attachments.list_for_petition(ctx, RECEPTION, sent.id)
    outsider = actor("ttt", "infocenter")
    with pytest.raises(NotFound):
        attachments.list_for_petition(ctx, outsider, sent.id)
    with pytest.raises(NotFound):
        attachments.download(ctx, outsider, sent.id, item.id)
    assert attachments.download(ctx, actor("giamdoc", "director"), sent.id, item.id).data == PDF
    with ctx.uow(write=False) as uow:
        kinds = list(uow.session.execute(select(AuditEvent.event_type).order_by(AuditEvent.id)).scalars())
    assert kinds[-2:] == ["attachment_downloaded", "confidential_read"]


@pytest.fixture
def clamd_socket(tmp_path: Path) -> Iterator[str]:
    """A clamd that finds a virus in every stream it is sent."""
    path = str(tmp_path / "clamd.sock")
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(2)

    def serve() -> None:
        try:
            conn, _ = server.accept()
        except OSError:
            return
        with conn:
            received = b""
            while not received.endswith(b"\0\0\0\0"):
                part = conn.recv(65536)
                if not part:
                    return
                received += part
            conn.sendall(b"stream: Win.Test.EICAR_HDB-1 FOUND\0")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield path
    server.close()
    thread.join(timeout=5)


def test_an_infected_file_is_refused_when_clamd_is_configured(ctx: Context, clamd_socket: str) -> None:
    deploy_sample(ctx, "petition.bpmn")
    sent = petitions.submit(ctx, RECEPTION, DATA)
    ctx.settings = replace(ctx.settings, clamd_address=clamd_socket)
    with pytest.raises(Invalid, match=r"virus \(Win\.Test\.EICAR_HDB-1\)"):
        attachments.add(ctx, RECEPTION, sent.id, [attachments.Upload("x.pdf", PDF)])
    ctx.settings = replace(ctx.settings, clamd_address=clamd_socket + ".gone")
    with pytest.raises(Invalid, match="could not be scanned"):
        attachments.add(ctx, RECEPTION, sent.id, [attachments.Upload("x.pdf", PDF)])
    assert attachments.list_for_petition(ctx, RECEPTION, sent.id) == []


def test_files_handed_in_with_a_completion_are_stored_with_the_step_or_not_at_all(ctx: Context) -> None:
    from service.usecases import tasks

    deploy_sample(ctx, "petition.bpmn")
    sent = petitions.submit(ctx, RECEPTION, DATA)
    task = _ready_task(ctx, sent.instance_id)
    intake = {**DATA, "channel": "reception", "petition_type": "kien_nghi", "petitioner_name": "Lê Văn Tám",
              "received_on": service_today().isoformat(), "confidential": False}
    with pytest.raises(Invalid):
        tasks.complete(ctx, RECEPTION, task.id, intake, attachments=[attachments.Upload("x.pdf", b"<html></html>")])
    assert _ready_task(ctx, sent.instance_id).id == task.id  # the step did not happen
    done = tasks.complete(ctx, RECEPTION, task.id, intake, attachments=[attachments.Upload("biên bản.pdf", PDF)])
    assert done.task.status == "completed"
    [item] = attachments.list_for_petition(ctx, RECEPTION, sent.id)
    assert item.task_id == task.id and item.name == "biên bản.pdf"
