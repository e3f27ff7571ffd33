"""A throwaway PostgreSQL cluster of our own (initdb into a temporary folder, loopback, its own port),
so tests can stop and start a server without touching the shared one."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path


def _bin(name: str) -> str | None:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else shutil.which(name)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Cluster:
    """One temporary cluster: `url(db)`, `stop()`, `start()`."""

    def __init__(self, folder: Path) -> None:
        self.folder, self.data, self.port = folder, folder / "data", _free_port()
        self.log = folder / "server.log"

    def _as_owner(self, *command: str) -> list[str]:
        return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else list(command)

    def _ctl(self, *args: str) -> None:
        pg_ctl = _bin("pg_ctl")
        assert pg_ctl
        subprocess.run(self._as_owner(pg_ctl, "-D", str(self.data), "-l", str(self.log), "-w", "-t", "30", *args),
                       check=True, capture_output=True, timeout=60)

    def init(self) -> None:
        """initdb with trust authentication on loopback."""
        initdb = _bin("initdb")
        assert initdb
        subprocess.run(self._as_owner(initdb, "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                                      "--no-sync"), check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        """Start the server on 127.0.0.1 and this cluster's port; waits until it accepts connections."""
        self._ctl("-o", f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off", "start")

    def stop(self) -> None:
        """Stop the server at once (fast shutdown: sessions are cut off, open transactions roll back)."""
        self._ctl("-m", "fast", "stop")

    def url(self, database: str = "postgres") -> str:
        """The SQLAlchemy URL of `database` on this cluster."""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"


def available() -> str | None:
    """Why a throwaway cluster cannot be made here, or None when it can."""
    if not (_bin("initdb") and _bin("pg_ctl")):
        return "initdb/pg_ctl not found"
    if os.geteuid() == 0 and not shutil.which("runuser"):
        return "running as root without runuser"
    return None


@contextmanager
def throwaway_cluster() -> Iterator[Cluster]:
    """A started cluster, stopped and deleted afterwards whatever happens."""
    folder = Path(tempfile.mkdtemp(prefix="pf-pg-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    cluster = Cluster(folder)
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        with suppress(subprocess.SubprocessError, AssertionError):
            cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)
