"""A petition's files are in `petitionflow backup` and come back byte for byte after `restore`,
on SQLite and on PostgreSQL (the bytes are stored in the database, so the one copy holds them)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from service.domain import attachments, petitions
from service.usecases.context import Actor, Context
from tests.conftest import AGENCY, actor, deploy_sample, make_context
from tests.hardening.test_backup import _cli, _second_database

PUBLIC = Actor("public", AGENCY, frozenset())
DIRECTOR = actor("giamdoc", "director")
FILES = {
    "Đơn khiếu nại (bản scan).pdf": b"%PDF-1.7\n" + os.urandom(200_000) + b"\n%%EOF\n",
    "ảnh hiện trường.png": b"\x89PNG\r\n\x1a\n" + os.urandom(50_000),
    "ghi chú.txt": "Nội dung có dấu tiếng Việt.\r\n\tvà\x0cmột trang mới.\n".encode(),
}


def _round_trip(source_url: str, fresh_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = make_context(source_url)
    deploy_sample(source, "petition.bpmn")
    sent = petitions.submit(source, PUBLIC, {"source": "citizen", "field": "science", "title": "Có tệp đính kèm",
                                             "content": "Xem tệp."},
                            attachments=[attachments.Upload(n, d) for n, d in FILES.items()])
    code, out = _cli(source_url, monkeypatch, "backup", str(tmp_path / "pf.backup"))
    assert code == 0, out
    code, out = _cli(fresh_url, monkeypatch, "restore", str(tmp_path / "pf.backup"))
    assert code == 0, out
    restored = Context.from_settings(source.settings.__class__(database_url=fresh_url, secret_key="t"))
    listed = attachments.list_for_petition(restored, DIRECTOR, sent.id)
    assert sorted(a.name for a in listed) == sorted(FILES)
    for item in listed:
        got = attachments.download(restored, DIRECTOR, sent.id, item.id)
        assert got.data == FILES[item.name], item.name
        assert hashlib.sha256(got.data).hexdigest() == item.sha256
    for ctx in (source, restored):
        ctx.db.dispose()


def test_sqlite_backup_keeps_every_file_byte_for_byte(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _round_trip(f"sqlite:///{tmp_path / 'live.sqlite3'}", f"sqlite:///{tmp_path / 'fresh.sqlite3'}", tmp_path,
                monkeypatch)


@pytest.mark.postgres
def test_postgres_backup_keeps_every_file_byte_for_byte(postgres_server: str, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch,
                                                        request: pytest.FixtureRequest) -> None:
    source = str(request.getfixturevalue("postgres_url"))
    _round_trip(source, _second_database(postgres_server, request), tmp_path, monkeypatch)
