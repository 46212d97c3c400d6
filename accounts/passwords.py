"""Password hashes: ``scrypt$N$r$p$salt$key`` (``hashlib.scrypt``, N = 2^17, r = 8, p = 1 as OWASP
advises, 16-byte random salt, 32-byte key; RFC 7914), compared in constant time. At most
:data:`HASH_SLOTS` hashes are computed at once per process (each takes 128 MiB for ~0.5 s)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading

HASH_SLOTS = 2
SCRYPT_N, SCRYPT_R, SCRYPT_P, _KEY = 2**17, 8, 1, 32
_MAXMEM = 256 * 1024 * 1024
_hash_slots = threading.BoundedSemaphore(HASH_SLOTS)


def hash_password(password: str) -> str:
    """``scrypt$N$r$p$salt$key`` for ``password`` with a fresh random salt and current parameters."""
    salt = secrets.token_bytes(16)
    with _hash_slots:
        key = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=_KEY, maxmem=_MAXMEM)
    return "$".join(["scrypt", str(SCRYPT_N), str(SCRYPT_R), str(SCRYPT_P), _b64(salt), _b64(key)])


def verify_password(password: str, encoded: str) -> bool:
    """Whether ``password`` matches the stored ``encoded`` hash (constant-time comparison)."""
    try:
        scheme, n, r, p, salt, key = encoded.split("$")
        if scheme != "scrypt":
            return False
        expected = _unb64(key)
        with _hash_slots:
            actual = hashlib.scrypt(
                password.encode("utf-8"), salt=_unb64(salt), n=int(n), r=int(r), p=int(p), dklen=len(expected),
                maxmem=_MAXMEM,
            )
    except (ValueError, TypeError, MemoryError, OverflowError):
        return False
    return hmac.compare_digest(actual, expected)


def needs_rehash(encoded: str) -> bool:
    """Whether a stored hash was made with other parameters than the current ones."""
    parts = encoded.split("$")
    return len(parts) != 6 or parts[:4] != ["scrypt", str(SCRYPT_N), str(SCRYPT_R), str(SCRYPT_P)]


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


_dummy_hashes: dict[tuple[int, int, int], str] = {}


def _dummy_hash() -> str:
    """A hash of a random password with the current parameters: unknown names cost as much as known ones."""
    key = (SCRYPT_N, SCRYPT_R, SCRYPT_P)
    if key not in _dummy_hashes:
        _dummy_hashes[key] = hash_password(secrets.token_urlsafe(16))
    return _dummy_hashes[key]
