"""A Spark session in local mode for the tests that run the review's queries on Spark.

``local_spark()`` starts PySpark on this machine's processors (``local[2]``), without its web
page, with its warehouse and metastore in a temporary folder (nothing lands in the project),
and days read in UTC, so that a day is the same day on Spark as in pandas. It needs Java
(Debian's ``openjdk-17-jre-headless``) and pyspark (a dev dependency): without either the
tests are skipped, unless ``REVIEW_REQUIRE_SPARK=1`` (as ``.ci/run`` sets), which fails them.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

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
