"""The server secret and the keys derived from it: one to sign sessions, one to seal the audit trail.

The secret is 32 random bytes in a file outside the repository and outside the database
(:func:`symbiosis.settings.secret_file`), created on first use with owner-only permissions. Whoever
reads the database alone can neither forge a session token nor re-seal a rewritten audit trail.
An in-memory registry gets a key that lives as long as the process (so does its data).
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import logging
import os
import secrets
import time
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from symbiosis.settings import secret_file

__all__ = ["PURPOSES", "derived_key", "server_secret"]

logger = logging.getLogger(__name__)

#: What a derived key is for (a key is never used for two purposes).
PURPOSES: tuple[str, ...] = ("audit-chain-v1", "session-v1")
_SECRET_BYTES = 32


def _read_or_create(path: Path) -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for _ in range(50):  # another process is writing it right now
            text = path.read_text("ascii").strip()
            if text:
                return bytes.fromhex(text)
            time.sleep(0.02)
        raise RuntimeError(f"the secret file {path} is empty") from None
    secret = secrets.token_bytes(_SECRET_BYTES)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(secret.hex() + "\n")
    logger.warning("created the server secret %s (back it up with the database)", path)
    return secret


@functools.lru_cache(maxsize=64)
def _secret_for(path: str | None) -> bytes:
    if path is None:
        return secrets.token_bytes(_SECRET_BYTES)
    return _read_or_create(Path(path))


def server_secret(url: str | URL) -> bytes:
    """Return the server secret of the registry at ``url`` (read once per process, created if absent)."""
    path = secret_file(make_url(url))
    return _secret_for(None if path is None else str(path))


def derived_key(url: str | URL, purpose: str) -> bytes:
    """Return the key for ``purpose`` (one of :data:`PURPOSES`): HMAC-SHA256 of the secret and the purpose."""
    if purpose not in PURPOSES:
        raise ValueError(f"unknown key purpose {purpose!r}")
    return hmac.new(server_secret(url), purpose.encode(), hashlib.sha256).digest()
