"""An export of Parquet files read, checked and aggregated on Apache Spark.

A company whose invoices outgrow one machine keeps them as Parquet files on its cluster's
storage, and runs Spark over them. Its config says so (``[export] engine = "spark"``, with
``spark.master`` and ``spark.settings``); ``path`` is then the folder of the export's Parquet
files, on this machine or at a URL Spark reads (``hdfs://``, ``s3a://``, ``abfss://``). Each
table is ``<table>.parquet`` (a file, or a folder of parts as Spark writes them) unless
``[export.files]`` names another.

Spark reads each file where it lies. Each table is mapped to the contract's columns and words
there, and the contract's checks run on Spark as queries, the same ones a database's tables
are held to (``helpers.io.database.checked_there``): the files' rows have no order Spark
keeps, so a problem names the file, the row's key and the column. The checked tables stay on
Spark, and the review's queries (``helpers.review.queries``) run there; only their
per-customer results come back to this process.

The session is the one Spark already has (``spark-submit``'s) or a new one at the config's
master. A master that cannot be reached is refused within ``REACH_SECONDS``, before Spark's
own retries (a standalone master is tried for a minute, then waited for without end), and so
is a Spark that cannot start (no Java, no pyspark).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import sys
import tempfile
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import ibis

from helpers.errors import ExportError, Problem
from helpers.io.contract import CONTRACT
from helpers.io.database import checked_there, is_connection, kept_there, mapped_there
from helpers.io.export import Export, absent_columns, held_export
from helpers.io.files import sha256
from helpers.io.reading import Reading, SparkReading

SUFFIX = ".parquet"
# How long a master's address is tried before it is called unreachable.
REACH_SECONDS = 10
# Spark Connect's port when the URL gives none.
CONNECT_PORT = 15002
# The session's settings unless the config gives its own: no progress bars in a notebook's
# output or a scheduled run's log.
DEFAULTS = {"spark.ui.showConsoleProgress": "false"}
# Where a column of the wrong type is typed so, and how it is given its type.
RETYPE = (
    "the file",
    "write the Parquet files with dates as dates and amounts as numbers, as Spark, pandas "
    "and the warehouses write them",
)
INSTALL = "pip install 'customer-review-workbook[spark]'"
# Where the Java process of a Spark started here writes its log (``_jvm_output``).
LOG = Path(tempfile.gettempdir()) / "customer-review-spark" / "spark.log"


def load_on_spark(path: str | Path, reading: Reading) -> Export:
    """Read, check and keep on Spark the export of Parquet files at ``path`` (a folder, or a
    URL Spark reads), as ``reading`` says; ``reading.spark`` says where Spark runs. Raises
    ``ExportError`` naming the file, the row's key and the column of every problem found, and
    for a Spark that cannot start or a master that cannot be reached."""
    spark = reading.spark or SparkReading()
    shown = str(path)
    local = not is_connection(path)
    if local:
        _refuse_other_files(Path(path), reading)
    session = spark_session(spark, shown)
    backend = ibis.pyspark.connect(session)
    tables, names, problems, fingerprints = {}, {}, [], {}
    for name, spec in CONTRACT.items():
        file = reading.file_for(name, SUFFIX)
        names[name] = file
        location = str(Path(path) / file) if local else f"{shown.rstrip('/')}/{file}"
        if local and not Path(location).exists():
            if spec.required:
                problems.append(Problem(file, "the file is missing from the export"))
            continue
        try:
            table = backend.read_parquet(location, table_name=f"review_{name}")
        except Exception as error:  # Spark's own: a path not there, or not Parquet
            said = " ".join(str(error).split())
            if "PATH_NOT_FOUND" in said:
                if spec.required:
                    problems.append(Problem(file, "the file is missing from the export"))
                continue
            problems.append(Problem(file, f"not readable as Parquet: {_first_line(said)}"))
            continue
        tables[name], found = mapped_there(name, table, file, reading)
        problems += found
        if local and Path(location).is_file():
            fingerprints[name] = sha256(Path(location))
    staged = checked_there(backend, tables, names, problems, reading, shown, RETYPE)
    read_as = {name: f"Parquet, on Spark ({_master_of(session, spark)})" for name in staged}
    held, files = kept_there(backend, staged, shown, read_as, fingerprints)
    missing = absent_columns({name: table.raw for name, table in staged.items()})
    return held_export(Path(path) if local else shown, held, files, missing, reading)


def _refuse_other_files(folder: Path, reading: Reading) -> None:
    """Refuse a local export Spark does not read here: not a folder, or CSV files."""
    if folder.is_dir() and any(folder.glob(f"*{SUFFIX}")):
        return
    what = (
        "holds CSV files"
        if folder.is_dir() and any(folder.glob("*.csv"))
        else "is not a folder of Parquet files"
    )
    raise ExportError(
        str(folder),
        [
            Problem(
                folder.name,
                f'{what}: engine = "spark" reads a folder of Parquet files (one per table, '
                f"such as invoices{SUFFIX}); write the export as Parquet, or leave the engine "
                "as duckdb, which reads CSV files and workbooks",
            )
        ],
    )


def spark_session(spark: SparkReading, source: str = "the export"):
    """The Spark session ``spark`` asks for: the one already running in this process (as
    ``spark-submit`` starts it), or a new one at ``spark.master`` with ``spark.settings``.
    Raises ``ExportError`` naming ``source`` and the master when pyspark or Java is missing,
    the master cannot be reached, or Spark does not start."""
    master = _where(spark)
    # PySpark warns at every result it hands over that it was not built against pandas 3 (the
    # review's queries are checked equal to the last digit on Spark and on the embedded
    # engine), and Spark Connect at every table of rows the review hands it that it does not
    # verify their schema (Arrow types them).
    warnings.filterwarnings(
        "ignore", message="PySpark does not yet fully support pandas", category=FutureWarning
    )
    warnings.filterwarnings("ignore", message="'verifySchema' is ignored", category=UserWarning)
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise _refused(
            source, master, f'engine = "spark" needs pyspark, which is not installed: {INSTALL}'
        ) from None
    for host, port in _addresses(spark.master):
        _reach(host, port, source, master)
    builder = SparkSession.builder.appName("customer-review")
    connect = spark.master.startswith("sc://")
    if connect:  # a server's own settings are its own: the session's alone are given
        builder = builder.remote(spark.master)
    elif spark.master:
        builder = builder.master(spark.master)
    for key, value in {**({} if connect else DEFAULTS), **spark.settings}.items():
        builder = builder.config(key, value)
    try:
        with _jvm_output() if not connect else contextlib.nullcontext():
            session = builder.getOrCreate()
    except Exception as error:  # Spark's own, and py4j's: it did not start
        raise _refused(source, master, f"Spark did not start: {_why_not_started(error)}") from None
    if not connect:
        session.sparkContext.setLogLevel("ERROR")
    return session


@contextmanager
def _jvm_output() -> Iterator[None]:
    """While open, this process's output goes to ``LOG``: the Java process Spark starts for a
    new session keeps it as its own, so that Spark's log lands there rather than in the
    notebook's cells (a kernel shows what its children write). A Spark already running (as
    spark-submit starts it) starts no Java process, and keeps its own."""
    from pyspark import SparkContext

    if SparkContext._active_spark_context is not None or os.environ.get("PYSPARK_GATEWAY_PORT"):
        yield
        return
    LOG.parent.mkdir(parents=True, exist_ok=True)
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    kept = [os.dup(1), os.dup(2)]
    try:
        with LOG.open("ab") as log:
            os.dup2(log.fileno(), 1)
            os.dup2(log.fileno(), 2)
        yield
    finally:
        os.dup2(kept[0], 1)
        os.dup2(kept[1], 2)
        for descriptor in kept:
            os.close(descriptor)


def _where(spark: SparkReading) -> str:
    """How messages and the report name where Spark runs."""
    return f"Spark master {spark.master}" if spark.master else "Spark"


def _master_of(session, spark: SparkReading) -> str:
    """Where ``session`` runs: the config's master, or the one Spark chose (spark-submit's)."""
    if spark.master:
        return spark.master
    try:
        return session.conf.get("spark.master")
    except Exception:  # a session that does not tell
        return "Spark's own master"


def _addresses(master: str) -> list[tuple[str, int]]:
    """The hosts and ports a master URL names (a standalone cluster's masters, a Connect
    server, Kubernetes' API server); none for local mode and YARN, which name no address."""
    if master.startswith("spark://"):
        return [_host_port(f"//{each}", 7077) for each in master[len("spark://") :].split(",")]
    if master.startswith("sc://"):
        return [_host_port(master.split(";")[0][len("sc:") :], CONNECT_PORT)]
    if master.startswith("k8s://"):
        inner = master[len("k8s://") :]
        url = inner if "://" in inner else f"https://{inner}"
        return [_host_port(f"//{urlsplit(url).netloc}", 443)]
    return []


def _host_port(netloc: str, default_port: int) -> tuple[str, int]:
    parts = urlsplit(netloc.rstrip("/"))
    return parts.hostname or "", parts.port or default_port


def _reach(host: str, port: int, source: str, master: str) -> None:
    """Refuse a master whose address does not answer within ``REACH_SECONDS``."""
    try:
        with socket.create_connection((host, port), timeout=REACH_SECONDS):
            return
    except OSError as error:
        why = error.strerror or str(error) or type(error).__name__
        raise _refused(
            source,
            master,
            f"cannot be reached at {host}:{port} ({why}): is the cluster up, and are the "
            "master's address and port right?",
        ) from None


def _why_not_started(error: Exception) -> str:
    """What stopped Spark from starting, in a line: without Java, that it has none."""
    said = _first_line(" ".join(str(error).split()))
    no_java = shutil.which("java") is None and not os.environ.get("JAVA_HOME")
    if no_java and ("JAVA_GATEWAY_EXITED" in said or "JAVA_HOME" in said):
        return (
            "no Java was found; install a Java runtime (17 or 21; Debian: "
            "openjdk-17-jre-headless) or set JAVA_HOME"
        )
    return said


def _first_line(said: str) -> str:
    """A message from Spark without the JVM's stack, which follows its first sentence."""
    return re.split(r"\s+(?:JVM stacktrace:|at [a-z]+\.[a-z])", said, maxsplit=1)[0]


def _refused(source: str, master: str, why: str) -> ExportError:
    return ExportError(source, [Problem(master, why)])
