"""The virus-scanner hook: ClamAV's `clamd`, spoken to with its INSTREAM command.

`PETITIONFLOW_CLAMD_ADDRESS` names the daemon: a Unix socket path (`/run/clamav/clamd.ctl`, or
`unix:/path`) or `host:port` (`tcp:` may prefix it). The file is sent in chunks, each preceded by
its length as four big-endian bytes, ended by a zero length; clamd answers `stream: OK`, or
`stream: <signature> FOUND`, or an `... ERROR` line. Unset (the default), nothing is scanned.
"""

from __future__ import annotations

import socket
import struct
from dataclasses import dataclass

CHUNK = 64 * 1024
MAX_REPLY = 4096


class ScanFailed(Exception):
    """The scanner could not be reached or could not scan the file (it said ERROR)."""


@dataclass(frozen=True)
class Verdict:
    """What clamd said: clean, or the name of what it found."""

    clean: bool
    signature: str = ""


def _connect(address: str, timeout_s: float) -> socket.socket:
    target = address.strip()
    if target.startswith("unix:"):
        target = target[len("unix:"):]
    try:
        if target.startswith("/"):
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.settimeout(timeout_s)
            sock.connect(target)
            return sock
        target = target.removeprefix("tcp:").removeprefix("//")
        host, _sep, port = target.rpartition(":")
        return socket.create_connection((host.strip("[]") or "127.0.0.1", int(port)), timeout=timeout_s)
    except (OSError, ValueError) as exc:
        raise ScanFailed(f"clamd at {address} cannot be reached: {exc}") from None


def scan(address: str, data: bytes, timeout_s: float = 30.0) -> Verdict:
    """Scan `data` with the clamd at `address` (INSTREAM); `ScanFailed` when it cannot say."""
    with _connect(address, timeout_s) as sock:
        try:
            sock.sendall(b"zINSTREAM\0")
            for start in range(0, len(data), CHUNK):
                chunk = data[start:start + CHUNK]
                sock.sendall(struct.pack("!L", len(chunk)) + chunk)
            sock.sendall(struct.pack("!L", 0))
            reply = b""
            while not reply.endswith(b"\0") and len(reply) < MAX_REPLY:
                got = sock.recv(MAX_REPLY)
                if not got:
                    break
                reply += got
        except OSError as exc:
            raise ScanFailed(f"clamd at {address} stopped answering: {exc}") from None
    text = reply.rstrip(b"\0\n").decode("utf-8", "replace").strip()
    if text.endswith("FOUND"):
        found = text.removeprefix("stream:").strip()
        return Verdict(False, found.removesuffix("FOUND").strip())
    if text.endswith("OK"):
        return Verdict(True)
    raise ScanFailed(f"clamd could not scan the file: {text or 'no answer'}")
