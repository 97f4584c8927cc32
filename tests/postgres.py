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
import secrets
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


READER = "reviewer"  # a role that may only read, and must give its password


@dataclass(frozen=True)
class Server:
    """How to reach a running throwaway server: its socket's folder, the database made, and
    the password of ``READER``, a role that may read every table and must give it."""

    socket_folder: Path
    user: str
    reader_password: str
    database: str = DATABASE

    @property
    def url(self) -> str:
        """A connection URL for the database as its owner, through the Unix socket."""
        return self.url_as(self.user)

    def url_as(self, user: str) -> str:
        """A connection URL for the database as ``user``, without a password."""
        return f"postgresql://{user}@/{self.database}?host={self.socket_folder}"


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
            secret = secrets.token_urlsafe(16)
            _add_reader(Server(folder, owner.pw_name, secret), data, owner)
            run("pg_ctl", "reload", "--pgdata", str(data))
            yield Server(folder, owner.pw_name, secret)
        finally:
            run("pg_ctl", "stop", "--pgdata", str(data), "--mode", "immediate", "--wait")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _add_reader(server: Server, data: Path, owner: pwd.struct_passwd) -> None:
    """Make ``READER``, who may read whatever the owner makes and must give its password
    (the rule ahead of initdb's, which trusts every local user)."""
    import psycopg

    with psycopg.connect(server.url, autocommit=True) as connection:
        connection.execute(f"CREATE ROLE {READER} LOGIN PASSWORD '{server.reader_password}'")
        connection.execute(f"ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO {READER}")
    rules = data / "pg_hba.conf"
    rules.write_text(f"local all {READER} scram-sha-256\n" + rules.read_text())
    if os.geteuid() == 0:
        os.chown(rules, owner.pw_uid, owner.pw_gid)


# How an ERP's database types each kind of contract column.
SQL_TYPES = {"date": "date", "number": "numeric(14, 2)", "integer": "integer"}


def load_export_files(server: Server, folder: Path, tables: dict[str, str] | None = None) -> None:
    """Each CSV file of the export at ``folder`` copied into a table of the server's database,
    typed as an ERP's would be: dates as dates, amounts and hours as decimals, counts as
    integers, the rest as text. ``tables`` renames tables (``{"invoices": "billing.rechnungen"}``,
    the schema made when missing)."""
    import psycopg

    from helpers.io.contract import CONTRACT

    tables = tables or {}
    with psycopg.connect(server.url) as connection:
        for name, spec in CONTRACT.items():
            path = folder / f"{name}.csv"
            if not path.exists():
                continue
            with path.open(encoding="utf-8-sig") as file:
                header = file.readline().strip().split(",")
                kinds = {field.name: field.kind for field in spec.fields}
                target = tables.get(name, name)
                if "." in target:
                    schema = target.split(".")[0]
                    connection.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
                    connection.execute(f"GRANT USAGE ON SCHEMA {schema} TO {READER}")
                columns = ", ".join(
                    f'"{column}" {SQL_TYPES.get(kinds.get(column), "text")}' for column in header
                )
                connection.execute(f"CREATE TABLE {target} ({columns})")
                with connection.cursor().copy(f"COPY {target} FROM STDIN (FORMAT csv)") as copy:
                    copy.write(file.read())
