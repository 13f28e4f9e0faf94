"""Password hashing with the standard library: salted scrypt, self-describing, constant-time check.

A stored hash reads ``scrypt$n$r$p$<salt base64>$<key base64>`` so that the cost can be raised
without breaking existing accounts: :func:`needs_rehash` tells the sign-in to store a new hash, made
with :data:`OWASP_PARAMS`, the next time the right password is given.

The cost is OWASP's password-storage guidance for scrypt (2024): N = 2^17, r = 8, p = 1 (128 MiB and
about 0.3 s of CPU per hash here), which, with the sign-in throttle, leaves an online guesser a few
guesses per account per hour.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass

__all__ = [
    "MIN_PASSWORD_LENGTH",
    "OWASP_PARAMS",
    "ScryptParams",
    "hash_password",
    "needs_rehash",
    "verify_password",
]

MIN_PASSWORD_LENGTH = 8
#: Longest password accepted (scrypt's cost does not depend on it; a bound avoids megabyte inputs).
MAX_PASSWORD_LENGTH = 1024
_KEY_BYTES, _SALT_BYTES = 32, 16


@dataclass(frozen=True)
class ScryptParams:
    """scrypt cost parameters: CPU/memory cost ``n`` (a power of 2), block size ``r``, parallelism ``p``."""

    n: int
    r: int
    p: int

    @property
    def memory_bytes(self) -> int:
        """Memory one hash needs (128 · r · n bytes)."""
        return 128 * self.r * self.n

    def at_least(self, other: ScryptParams) -> bool:
        """Whether these parameters cost at least as much memory and work as ``other``."""
        work, other_work = self.n * self.r * self.p, other.n * other.r * other.p
        return self.memory_bytes >= other.memory_bytes and work >= other_work


#: OWASP Password Storage Cheat Sheet, scrypt: N=2^17 (128 MiB), r=8, p=1.
OWASP_PARAMS = ScryptParams(2**17, 8, 1)
#: Parameters new hashes are made with (tests lower it for speed; production never does).
DEFAULT_PARAMS = OWASP_PARAMS


def _scrypt(password: str, salt: bytes, params: ScryptParams) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"),
        salt=salt,
        n=params.n,
        r=params.r,
        p=params.p,
        dklen=_KEY_BYTES,
        maxmem=2 * params.memory_bytes + 16 * 1024 * 1024,
    )


def hash_password(password: str, params: ScryptParams | None = None) -> str:
    """Return the salted scrypt hash of ``password``, ready to store.

    Raises
    ------
    ValueError
        When the password is shorter than :data:`MIN_PASSWORD_LENGTH` or longer than
        :data:`MAX_PASSWORD_LENGTH`.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValueError(f"a password has at most {MAX_PASSWORD_LENGTH} characters")
    params = params or DEFAULT_PARAMS
    salt = secrets.token_bytes(_SALT_BYTES)
    key = _scrypt(password, salt, params)
    b64 = base64.b64encode
    return f"scrypt${params.n}${params.r}${params.p}${b64(salt).decode()}${b64(key).decode()}"


def _parse(stored: str) -> tuple[ScryptParams, bytes, bytes]:
    scheme, n, r, p, salt, key = stored.split("$")
    if scheme != "scrypt":
        raise ValueError("not an scrypt hash")
    params = ScryptParams(int(n), int(r), int(p))
    if params.memory_bytes > 1024**3 or params.p > 64:  # a hash of the database must not exhaust the server
        raise ValueError("scrypt parameters out of range")
    return params, base64.b64decode(salt), base64.b64decode(key)


def verify_password(stored: str, password: str) -> bool:
    """Return whether ``password`` matches the ``stored`` hash (constant-time comparison)."""
    if len(password) > MAX_PASSWORD_LENGTH:
        return False
    try:
        params, salt, expected = _parse(stored)
        actual = _scrypt(password, salt, params)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


def needs_rehash(stored: str, params: ScryptParams | None = None) -> bool:
    """Return whether ``stored`` was made with weaker parameters than ``params`` (the default ones)."""
    try:
        current, _, _ = _parse(stored)
    except (ValueError, TypeError):
        return True
    return not current.at_least(params or DEFAULT_PARAMS)
