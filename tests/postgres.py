"""A throwaway PostgreSQL server for the tests that run the review's queries on PostgreSQL.

``throwaway_server()`` makes a new cluster in a temporary folder with the server binaries of
Debian's ``postgresql`` package (``initdb``, ``pg_ctl``), starts it listening on a Unix socket
in that folder only (no TCP port, nothing another process on the machine can reach), yields
how to connect to it, and stops and removes it afterwards.

PostgreSQL refuses to run as root, and CI runs as root: there the server's processes run as
the ``postgres`` user that Debian's package creates (pytest-postgresql, which drives the same
binaries, has no way to say so). Without the binaries the tests are skipped, unless
``REVIEW_REQUIRE_POSTGRES=1`` (as ``.ci/run`` sets), which fails them instead.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

SERVER_USER = "postgres"  # the server's processes' user when the tests run as root
DATABASE = "erp"


@dataclass(frozen=True)
class Server:
    """How to reach a running throwaway server: its socket's folder and the database made."""

    socket_folder: Path
    user: str
    database: str = DATABASE

    @property
    def url(self) -> str:
        """A connection URL for the database, through the Unix socket."""
        return f"postgresql://{self.user}@/{self.database}?host={self.socket_folder}"


def server_binaries() -> Path | None:
    """The folder of the newest PostgreSQL server binaries installed, or ``None``."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: int(p.parts[-3]))
    return found[-1].parent if found else None


def require_server() -> Path:
    """The server binaries' folder; skips the test without them (fails it when
    ``REVIEW_REQUIRE_POSTGRES=1``)."""
    binaries = server_binaries()
    if binaries is None:
        why = "PostgreSQL's server is not installed (Debian: apt-get install postgresql)"
        if os.environ.get("REVIEW_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"{why}; REVIEW_REQUIRE_POSTGRES=1 requires the PostgreSQL tests")
        pytest.skip(why)
    return binaries


@contextmanager
def throwaway_server() -> Iterator[Server]:
    """A new PostgreSQL cluster, started on a socket in its own folder, stopped at the end."""
    binaries = require_server()
    as_root = os.geteuid() == 0
    owner = pwd.getpwnam(SERVER_USER) if as_root else pwd.getpwuid(os.geteuid())
    folder = Path(tempfile.mkdtemp(prefix="review-postgres-"))
    data = folder / "data"
    if as_root:
        os.chown(folder, owner.pw_uid, owner.pw_gid)

    def run(*command: str) -> None:
        subprocess.run(
            [str(binaries / command[0]), *command[1:]],
            check=True,
            capture_output=True,
            user=owner.pw_uid if as_root else None,
            group=owner.pw_gid if as_root else None,
            cwd=folder,
        )

    try:
        run("initdb", "--pgdata", str(data), "--username", owner.pw_name, "--auth", "trust",
            "--encoding", "UTF8", "--no-sync")  # fmt: skip
        options = f"-c listen_addresses='' -k {folder} -c fsync=off"
        run("pg_ctl", "start", "--pgdata", str(data), "--wait", "--options", options,
            "--log", str(folder / "server.log"))  # fmt: skip
        try:
            run("createdb", "--host", str(folder), "--username", owner.pw_name, DATABASE)
            yield Server(folder, owner.pw_name)
        finally:
            run("pg_ctl", "stop", "--pgdata", str(data), "--mode", "immediate", "--wait")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
