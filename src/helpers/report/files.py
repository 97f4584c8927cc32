"""Writing the report's files safely: a file replaced whole or not at all, and folders made
for a write that came to nothing removed again."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def replaced_whole(path: Path) -> Iterator[Path]:
    """A temporary path beside ``path`` to write to. It replaces ``path`` when the block ends
    without an error and is removed otherwise, so that ``path`` is never half written. Its
    name, ``.<name>.<token>.tmp``, is one ``render.remove_stale_temporaries`` knows."""
    path = Path(path)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        yield temporary
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def write_text_whole(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` (UTF-8), replacing it whole or not at all."""
    with replaced_whole(path) as temporary:
        temporary.write_text(text, encoding="utf-8")


def missing_folders(folder: Path) -> list[Path]:
    """``folder`` and those above it that do not exist yet, deepest first: what writing into
    ``folder`` will make."""
    folder = Path(folder)
    return [each for each in (folder, *folder.parents) if not each.exists()]


def remove_if_empty(folders: list[Path]) -> None:
    """Remove ``folders`` (deepest first) as long as each is empty."""
    for folder in folders:
        try:
            folder.rmdir()
        except OSError:
            return
