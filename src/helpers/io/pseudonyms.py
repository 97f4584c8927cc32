"""Pseudonyms: customer names replaced by stable aliases, so a review can be shared beyond
leadership.

An alias (``Customer 7KQ2-M4XD``) is an HMAC of the customer id under a secret key: the same in
every period, not reversible without the key. The key is made on first use, readable by its
owner only, and never written into a report.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from base64 import b32encode
from dataclasses import replace
from pathlib import Path

from helpers.errors import ConfigError
from helpers.io.export import Export

KEY_BYTES = 32
ALIAS_PREFIX = "Customer"


def pseudonym(customer_id: str, key: bytes) -> str:
    """A stable alias for a customer: ``Customer 7KQ2-M4XD``, the same for the same id and
    key in every period, and not reversible without the key."""
    digest = hmac.new(key, customer_id.encode("utf-8"), hashlib.sha256).digest()
    code = b32encode(digest[:5]).decode()  # 40 bits: 8 characters
    return f"{ALIAS_PREFIX} {code[:4]}-{code[4:]}"


def pseudonym_key(path: Path) -> bytes:
    """The secret key in ``path``, created (readable by its owner only) when absent. Raises
    ``ConfigError`` (key ``report.pseudonym_key_file``) when ``path`` is a folder, cannot be
    read or written, or holds no key."""
    where = {"file": str(path), "key": "report.pseudonym_key_file"}
    try:
        return _read_or_create(path)
    except IsADirectoryError:
        why = "is a folder, not a key file"
    except ValueError:  # not hexadecimal digits, or not even text
        why = f"holds no key: a key file holds {KEY_BYTES * 2} hexadecimal digits"
    except OSError as error:
        why = f"cannot be read or written: {error.strerror or error}"
    raise ConfigError(f"pseudonym_key_file {path} {why}", **where)


def _read_or_create(path: Path) -> bytes:
    if path.is_dir():
        raise IsADirectoryError(path)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another run made it first: use that one
        else:
            with os.fdopen(descriptor, "w") as handle:
                handle.write(secrets.token_hex(KEY_BYTES))
    key = bytes.fromhex(path.read_text(encoding="ascii").strip())
    if len(key) < KEY_BYTES:
        raise ValueError(path)
    return key


def pseudonymised(export: Export, key: bytes) -> Export:
    """``export`` with every customer's name replaced by its alias."""
    customers = export.customers.copy()
    aliases = customers["customer_id"].map(lambda customer_id: pseudonym(customer_id, key))
    customers["name"] = aliases.astype("string")
    return replace(export, customers=customers)
