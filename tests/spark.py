"""Spark for the tests that run the review on it: a session in local mode, a Spark Connect
server, and an export written as Parquet files for them.

``local_spark()`` starts PySpark on this machine's processors (``local[2]``), without its web
page, with its warehouse and metastore in a temporary folder (nothing lands in the project),
and days read in UTC, so that a day is the same day on Spark as in pandas. It needs Java
(Debian's ``openjdk-17-jre-headless``) and pyspark (a dev dependency): without either the
tests are skipped, unless ``REVIEW_REQUIRE_SPARK=1`` (as ``.ci/run`` sets), which fails them.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def require_spark() -> None:
    """Skip the test without Java or pyspark (fail it when ``REVIEW_REQUIRE_SPARK=1``)."""
    missing = []
    if shutil.which("java") is None:
        missing.append("Java (Debian: apt-get install openjdk-17-jre-headless)")
    try:
        import pyspark  # noqa: F401
    except ImportError:
        missing.append("pyspark (make install)")
    if missing:
        why = "Spark cannot start here: no " + " and no ".join(missing)
        if os.environ.get("REVIEW_REQUIRE_SPARK") == "1":
            pytest.fail(f"{why}; REVIEW_REQUIRE_SPARK=1 requires the Spark tests")
        pytest.skip(why)


@contextmanager
def local_spark() -> Iterator[object]:
    """A local Spark session, stopped and its folder removed at the end."""
    require_spark()
    from pyspark.sql import SparkSession

    folder = tempfile.mkdtemp(prefix="review-spark-")
    session = (
        SparkSession.builder.master("local[2]")
        .appName("customer-review-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.warehouse.dir", f"{folder}/warehouse")
        .config("spark.driver.extraJavaOptions", f"-Dderby.system.home={folder}/derby")
        .config("spark.local.dir", f"{folder}/scratch")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    try:
        yield session
    finally:
        session.stop()
        shutil.rmtree(folder, ignore_errors=True)


def write_parquet(export, folder: Path, tables: tuple[str, ...] | None = None) -> Path:
    """``export``'s checked tables (all, or ``tables``) written into ``folder`` as the Parquet
    files a warehouse writes: one per table, dates as timestamps and amounts as numbers."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in tables or tuple(export.held.names):
        export.held.frame(name).to_parquet(folder / f"{name}.parquet", index=False)
    return folder


def free_port() -> int:
    """A TCP port nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# A Spark Connect server in local mode: PySpark starts one in its own process when a session
# is asked of a "local" remote, on the port the setting names, for the token in the
# environment.
_CONNECT_SERVER = """
import sys, time
from pyspark.sql import SparkSession
SparkSession.builder.remote("local[2]").config(
    "spark.connect.grpc.binding.port", sys.argv[1]
).config("spark.ui.enabled", "false").config("spark.sql.warehouse.dir", sys.argv[2]).getOrCreate()
time.sleep(3600)
"""


@contextmanager
def connect_server(token: str) -> Iterator[str]:
    """A Spark Connect server on this machine that asks for ``token``; its ``sc://`` URL,
    without the token (the client reads it from ``SPARK_CONNECT_AUTHENTICATE_TOKEN``)."""
    require_spark()
    port = free_port()
    folder = tempfile.mkdtemp(prefix="review-spark-connect-")
    environment = {**os.environ, "SPARK_CONNECT_AUTHENTICATE_TOKEN": token}
    log = open(Path(folder) / "server.log", "wb")  # noqa: SIM115 (closed below)
    server = subprocess.Popen(
        [sys.executable, "-c", _CONNECT_SERVER, str(port), f"{folder}/warehouse"],
        env=environment,
        cwd=folder,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its JVM goes with it
    )
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    said = (Path(folder) / "server.log").read_text(errors="replace")[-2000:]
                    pytest.fail(f"the Spark Connect server did not start:\n{said}")
                time.sleep(0.5)
        # localhost: a token is sent over TLS to any other host, and this server has none.
        yield f"sc://localhost:{port}"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
        log.close()
        shutil.rmtree(folder, ignore_errors=True)
