"""The query engine's own settings (``helpers.io.engine``)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from helpers.io.engine import SPILL, engine


def test_the_engine_spills_under_the_systems_temporary_folder(tmp_path, monkeypatch):
    # A scheduled run starts in whatever folder cron or Airflow gives it: what the engine
    # spills must not land there (DuckDB's own default is .tmp in that folder).
    monkeypatch.chdir(tmp_path)
    backend = engine(memory_limit="64MB")
    # One thread: several, each pinning its own blocks, can leave none free under so low a
    # limit ("failed to pin block"), whatever could be spilled.
    backend.con.execute("SET threads = 1").fetchall()
    setting = backend.con.sql("SELECT current_setting('temp_directory')").fetchall()[0][0]
    assert Path(setting) == Path(tempfile.gettempdir()) / SPILL
    # Twelve million numbers (96 MB as 8-byte integers) in a random order: the sort spills.
    found = backend.con.sql(
        "SELECT count(*), sum(i) FROM (SELECT range AS i FROM range(12000000) ORDER BY random())"
    ).fetchall()
    # 0 + 1 + ... + 11,999,999 = 11,999,999 x 12,000,000 / 2.
    assert found == [(12_000_000, 71_999_994_000_000)]
    assert list(tmp_path.iterdir()) == []


def test_a_spill_folder_given_is_used(tmp_path):
    backend = engine(temp_directory=str(tmp_path / "spill"))
    setting = backend.con.sql("SELECT current_setting('temp_directory')").fetchall()[0][0]
    assert Path(setting) == tmp_path / "spill"
