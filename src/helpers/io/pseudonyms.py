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
    """The secret key in ``path``, created (readable by its owner only) when absent."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another run made it first: use that one
        else:
            with os.fdopen(descriptor, "w") as handle:
                handle.write(secrets.token_hex(KEY_BYTES))
    return bytes.fromhex(path.read_text().strip())


def pseudonymised(export: Export, key: bytes) -> Export:
    """``export`` with every customer's name replaced by its alias."""
    customers = export.customers.copy()
    aliases = customers["customer_id"].map(lambda customer_id: pseudonym(customer_id, key))
    customers["name"] = aliases.astype("string")
    return replace(export, customers=customers)
