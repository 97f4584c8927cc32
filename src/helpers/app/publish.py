"""A period's report set put in place whole: its files, its rows in the company's history and
its row in the reports' index change together, or none of them does.

A run renders the period's files into a staging folder beside the period's own
(``reports/<company>/.staging-<period>-<token>/``, ``Staging``). ``publish`` then records the
period's outcome in the history and, in the same transaction, notes that the staging folder
is to take the period folder's place: that transaction is the moment the new set counts. The
folders are swapped (the period's folder renamed aside, the staging folder renamed into its
place, files the run does not make, such as dossiers, carried over), the index is rebuilt and
the note is removed.

A run killed before that transaction leaves the earlier set as it was, and its staging folder
is removed by the next run for the company; one killed after it is finished by the next run
(``recover``), from the same note. Both happen under the company's lock, so two runs for one
company never swap at once. Without a history (an empty ``history_path``) there is no note:
a run killed between the two renames leaves the earlier folder, which the next run puts back.
"""

from __future__ import annotations

import os
import secrets
import shutil
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from helpers.io.history import pending_publications, published, record_outcomes
from helpers.report.files import missing_folders, remove_if_empty
from helpers.report.index import write_index

STAGING = ".staging-"  # .staging-<period>-<token>: a period's files being rendered
ASIDE = ".previous-"  # .previous-<period>-<token>: a period's earlier folder, being replaced
LOCK_FILE = ".publish.lock"
# What a failed render left for whoever looks into it; a later good render drops it.
NOT_CARRIED_OVER = {"review.failed.ipynb"}
LOCK_TIMEOUT_SECONDS = 300.0  # another run for the company is publishing or recovering


class NotRecorded(Exception):
    """The period's outcome could not be recorded in the history; nothing was changed. The
    error from SQLite or the system is the cause."""


def _token() -> str:
    return secrets.token_hex(4)


@contextmanager
def company_lock(company_dir: Path) -> Iterator[None]:
    """Hold the company's publishing lock (a lock on a file in its folder, released by the
    system when the process dies)."""
    with FileLock(company_dir / LOCK_FILE, timeout=LOCK_TIMEOUT_SECONDS):
        yield


class Staging:
    """The folder a period's files are rendered into, beside the period's own, held by this
    run (a lock on ``<folder>.lock``) so that another run's ``recover`` leaves it alone.

    Used as a context manager: the folder (and the folders made for it, when they are left
    empty) is removed on leaving unless ``publish`` put it in place.
    """

    def __init__(self, company_dir: Path, label: str) -> None:
        self.company_dir = Path(company_dir)
        self.label = label
        self.folder = self.company_dir / f"{STAGING}{label}-{_token()}"
        self._lock = FileLock(_lock_path(self.folder))
        self._created = missing_folders(self.company_dir)
        self.published = False  # once recorded, the folder is the history's to put in place

    def __enter__(self) -> Staging:
        self.company_dir.mkdir(parents=True, exist_ok=True)
        self._lock.acquire()
        self.folder.mkdir()
        return self

    def __exit__(self, *exc: object) -> None:
        if not self.published:
            shutil.rmtree(self.folder, ignore_errors=True)
        self._lock.release()
        Path(self._lock.lock_file).unlink(missing_ok=True)
        remove_if_empty(self._created)


def _lock_path(staging: Path) -> Path:
    return staging.with_name(f"{staging.name}.lock")


def publish(
    staging: Staging,
    history_path: str,
    rows: Sequence[Sequence[Any]],
) -> Path:
    """Put ``staging``'s files in place as its period's, with the period's outcome ``rows``
    recorded in the history at ``history_path`` and the index rebuilt; returns the period's
    folder. Raises ``NotRecorded``, with nothing changed, when the history cannot be
    written."""
    company_dir, label = staging.company_dir, staging.label
    with company_lock(company_dir):
        if history_path:
            try:
                record_outcomes(history_path, label, list(rows), publishing=staging.folder.name)
            except (sqlite3.Error, OSError) as error:
                raise NotRecorded(str(error)) from error
        staging.published = True
        _put_in_place(company_dir, label, staging.folder.name)
        write_index(company_dir.parent)
        if history_path:
            published(history_path, label)
    return company_dir / label


def recover(company_dir: Path, history_path: str) -> list[str]:
    """Finish what runs for the company at ``company_dir`` were killed in the middle of: the
    periods recorded in the history whose files were still to be put in place are put in
    place, the staging folders of dead runs are removed, and an earlier folder left aside
    without its replacement is put back. Returns the periods finished."""
    company_dir = Path(company_dir)
    if not company_dir.is_dir():
        return []
    with company_lock(company_dir):
        pending = pending_publications(history_path) if history_path else {}
        for label, staged in pending.items():
            _put_in_place(company_dir, label, staged)
        if pending:
            write_index(company_dir.parent)
            for label in pending:
                published(history_path, label)
        for staging in company_dir.glob(f"{STAGING}*"):
            if staging.is_dir() and staging.name not in pending.values():
                _remove_if_dead(staging)
        for aside in company_dir.glob(f"{ASIDE}*"):
            label = aside.name.removeprefix(ASIDE).rsplit("-", 1)[0]
            if not (company_dir / label).exists():
                os.replace(aside, company_dir / label)
            else:
                shutil.rmtree(aside)
    return list(pending)


def _put_in_place(company_dir: Path, label: str, staged_name: str) -> None:
    """Make ``company_dir/staged_name`` the folder of ``label``, carrying over the files of
    the earlier folder it does not have. Each step can be done again after a kill: a staging
    folder already in place is gone, and an earlier folder aside is only removed at the end."""
    staged, final = company_dir / staged_name, company_dir / label
    if staged.is_dir():
        if final.is_dir():
            for entry in final.iterdir():
                if entry.name not in NOT_CARRIED_OVER and not (staged / entry.name).exists():
                    os.replace(entry, staged / entry.name)
            os.replace(final, company_dir / f"{ASIDE}{label}-{_token()}")
        os.replace(staged, final)
    _lock_path(staged).unlink(missing_ok=True)
    for aside in company_dir.glob(f"{ASIDE}{label}-*"):
        shutil.rmtree(aside)


def _remove_if_dead(staging: Path) -> None:
    """Remove ``staging`` unless the run rendering into it is alive (holds its lock)."""
    lock = FileLock(_lock_path(staging), timeout=0)
    try:
        lock.acquire()
    except Timeout:
        return
    try:
        shutil.rmtree(staging, ignore_errors=True)
    finally:
        lock.release()
        _lock_path(staging).unlink(missing_ok=True)
