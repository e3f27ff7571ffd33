"""A petition's files are judged by their bytes, not their names; clamd is spoken to over INSTREAM."""

from __future__ import annotations

import io
import socket
import struct
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from service.files import clamd, sniff
from service.files.download import content_disposition

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EICAR_NAME = "Eicar-Test-Signature"


def _package(*names: str, mimetype: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        if mimetype:
            z.writestr("mimetype", mimetype)
        for name in names:
            z.writestr(name, "<x/>")
    return buffer.getvalue()


@pytest.mark.parametrize(("name", "data", "content_type"), [
    ("don.pdf", PDF, "application/pdf"),
    ("anh.jpg", b"\xff\xd8\xff\xe0" + bytes(20), "image/jpeg"),
    ("anh.png", b"\x89PNG\r\n\x1a\n" + bytes(20), "image/png"),
    ("scan.tif", b"II*\x00" + bytes(20), "image/tiff"),
    ("scan.tiff", b"MM\x00*" + bytes(20), "image/tiff"),
    ("tra-loi.docx", _package("[Content_Types].xml", "word/document.xml"), sniff.DOCX.content_type),
    ("bang.xlsx", _package("[Content_Types].xml", "xl/workbook.xml"), sniff.XLSX.content_type),
    ("bien-ban.odt", _package("content.xml", mimetype=sniff.ODT.content_type), sniff.ODT.content_type),
    ("ghi-chu.txt", "Nội dung đơn, có dấu.\n".encode(), "text/plain"),
    ("khong-duoi", PDF, "application/pdf"),
])
def test_accepted_kinds_are_recognised_by_their_bytes(name: str, data: bytes, content_type: str) -> None:
    assert sniff.check(name, data).content_type == content_type


@pytest.mark.parametrize(("name", "data", "why"), [
    ("letter.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>", "HTML"),
    ("letter.txt", b"  <html><body>hi</body></html>", "HTML"),
    ("notes.txt", b"Hello <script>alert(1)</script>", "HTML"),
    ("image.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "HTML"),
    ("scan.pdf", b"\x89PNG\r\n\x1a\n" + bytes(20), "ends in .pdf but the file is PNG"),
    ("page.html", b"plain words", "ends in .html"),
    ("archive.zip", _package("a.txt"), "zip archive"),
    ("broken.docx", b"PK\x03\x04garbage", "cannot be read"),
    ("program.exe", b"MZ\x90\x00\x03" + bytes(20), "unknown kind"),
    ("empty.pdf", b"", "empty"),
])
def test_other_kinds_and_lying_names_are_refused(name: str, data: bytes, why: str) -> None:
    with pytest.raises(sniff.Refused, match=why):
        sniff.check(name, data)


def test_names_lose_folders_and_control_characters_and_keep_vietnamese() -> None:
    assert sniff.clean_name("C:\\Users\\an\\Đơn khiếu nại.pdf") == "Đơn khiếu nại.pdf"
    assert sniff.clean_name("../../etc/passwd\x00\r\n") == "passwd"
    assert sniff.clean_name("") == "tep-dinh-kem"
    assert len(sniff.clean_name("a" * 500 + ".pdf")) == 200 and sniff.clean_name("a" * 500 + ".pdf").endswith(".pdf")
    header = content_disposition("Đơn khiếu nại \"số 1\".pdf")
    assert header.startswith('attachment; filename="Don_khieu_nai_so_1_.pdf"; ')
    assert header.endswith("filename*=UTF-8''%C4%90%C6%A1n%20khi%E1%BA%BFu%20n%E1%BA%A1i%20%22s%E1%BB%91%201%22.pdf")


@pytest.fixture
def fake_clamd(tmp_path: Path) -> Iterator[tuple[str, list[bytes]]]:
    """A clamd speaking INSTREAM on a Unix socket: FOUND for data holding 'EICAR', OK otherwise."""
    path = str(tmp_path / "clamd.sock")
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(4)
    received: list[bytes] = []

    def serve() -> None:
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            with conn:
                command = b""
                while not command.endswith(b"\0"):
                    command += conn.recv(1)
                assert command == b"zINSTREAM\0"
                data = b""
                while True:
                    size = struct.unpack("!L", _exactly(conn, 4))[0]
                    if size == 0:
                        break
                    data += _exactly(conn, size)
                received.append(data)
                conn.sendall(f"stream: {EICAR_NAME} FOUND\0".encode() if b"EICAR" in data else b"stream: OK\0")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield path, received
    server.close()
    thread.join(timeout=5)


def _exactly(conn: socket.socket, n: int) -> bytes:
    got = b""
    while len(got) < n:
        part = conn.recv(n - len(got))
        assert part, "the client hung up mid-chunk"
        got += part
    return got


def test_clamd_instream_says_clean_or_names_the_virus(fake_clamd: tuple[str, list[bytes]]) -> None:
    path, received = fake_clamd
    big = PDF + bytes(200_000)  # several chunks
    assert clamd.scan(path, big) == clamd.Verdict(True)
    assert received[-1] == big
    verdict = clamd.scan(f"unix:{path}", b"X5O!P%@AP EICAR test")
    assert not verdict.clean and verdict.signature == EICAR_NAME


def test_an_unreachable_clamd_is_a_scan_failure(tmp_path: Path) -> None:
    with pytest.raises(clamd.ScanFailed, match="cannot be reached"):
        clamd.scan(str(tmp_path / "missing.sock"), PDF, timeout_s=1)
    with pytest.raises(clamd.ScanFailed, match="cannot be reached"):
        clamd.scan("127.0.0.1:1", PDF, timeout_s=1)
