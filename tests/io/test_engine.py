"""The query engine's own settings (``helpers.io.engine``)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from helpers.io.engine import SPILL, engine


def test_the_engine_spills_under_the_systems_temporary_folder(tmp_path, monkeypatch):
    # A scheduled run starts in whatever folder cron or Airflow gives it: what the engine
    # spills must not land there (DuckDB's own default is .tmp in that folder).
    monkeypatch.chdir(tmp_path)
    backend = engine(memory_limit="30MB")
    setting = backend.con.sql("SELECT current_setting('temp_directory')").fetchall()[0][0]
    assert Path(setting) == Path(tempfile.gettempdir()) / SPILL
    # Three million numbers in a random order need more than 30 MB: the sort spills.
    found = backend.con.sql(
        "SELECT count(*), sum(i) FROM (SELECT range AS i FROM range(3000000) ORDER BY random())"
    ).fetchall()
    # 0 + 1 + ... + 2,999,999 = 2,999,999 x 3,000,000 / 2.
    assert found == [(3_000_000, 4_499_998_500_000)]
    assert list(tmp_path.iterdir()) == []


def test_a_spill_folder_given_is_used(tmp_path):
    backend = engine(temp_directory=str(tmp_path / "spill"))
    setting = backend.con.sql("SELECT current_setting('temp_directory')").fetchall()[0][0]
    assert Path(setting) == tmp_path / "spill"
