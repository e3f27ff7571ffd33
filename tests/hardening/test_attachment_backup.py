"""A petition's files are in `petitionflow backup` and come back byte for byte after `restore`,
on SQLite and on PostgreSQL (the bytes are stored in the database, so the one copy holds them)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from service.domain import attachments, petitions
from service.usecases.context import Actor
from tests.conftest import AGENCY, actor, deploy_sample, make_context
from tests.hardening.backup_helpers import Cli
from tests.hardening.backup_helpers import restored as restored_context

PUBLIC = Actor("public", AGENCY, frozenset())
DIRECTOR = actor("giamdoc", "director")
FILES = {
    "Đơn khiếu nại (bản scan).pdf": b"%PDF-1.7\n" + os.urandom(200_000) + b"\n%%EOF\n",
    "ảnh hiện trường.png": b"\x89PNG\r\n\x1a\n" + os.urandom(50_000),
    "ghi chú.txt": "Nội dung có dấu tiếng Việt.\r\n\tvà\x0cmột trang mới.\n".encode(),
}


def _round_trip(source_url: str, fresh_url: str, tmp_path: Path, cli: Cli) -> None:
    source = make_context(source_url)
    deploy_sample(source, "petition.bpmn")
    sent = petitions.submit(source, PUBLIC, {"source": "citizen", "field": "science", "title": "Có tệp đính kèm",
                                             "content": "Xem tệp."},
                            attachments=[attachments.Upload(n, d) for n, d in FILES.items()])
    code, out = cli(source_url, "backup", str(tmp_path / "pf.backup"))
    assert code == 0, out
    code, out = cli(fresh_url, "restore", str(tmp_path / "pf.backup"))
    assert code == 0, out
    restored = restored_context(source, fresh_url)
    listed = attachments.list_for_petition(restored, DIRECTOR, sent.id)
    assert sorted(a.name for a in listed) == sorted(FILES)
    for item in listed:
        got = attachments.download(restored, DIRECTOR, sent.id, item.id)
        assert got.data == FILES[item.name], item.name
        assert hashlib.sha256(got.data).hexdigest() == item.sha256
    for ctx in (source, restored):
        ctx.db.dispose()


def test_sqlite_backup_keeps_every_file_byte_for_byte(tmp_path: Path, backup_cli: Cli) -> None:
    _round_trip(f"sqlite:///{tmp_path / 'live.sqlite3'}", f"sqlite:///{tmp_path / 'fresh.sqlite3'}", tmp_path,
                backup_cli)


@pytest.mark.postgres
def test_postgres_backup_keeps_every_file_byte_for_byte(fresh_postgres_url: str, tmp_path: Path, backup_cli: Cli,
                                                        request: pytest.FixtureRequest) -> None:
    source = str(request.getfixturevalue("postgres_url"))
    _round_trip(source, fresh_postgres_url, tmp_path, backup_cli)
