"""Secrets the app must read back, sealed at rest: the staff's two-step sign-in (TOTP) seeds.

Passwords and recovery codes are stored as hashes, but a TOTP seed must be read to check a
code, so it cannot be hashed. A copy of the database alone (a backup, a dump, a stolen disk)
must still not hand anyone a second factor: each seed is encrypted with AES-GCM under a key
derived (HKDF-SHA256) from SECRET_KEY, which lives outside the database. The associated data
names the row it belongs to, so a sealed value copied onto another account does not open.

SECRET_KEY cannot change without breaking every patient link already; after such a change the
sealed seeds no longer open either, and their owners sign in with a recovery code and set up
two-step sign-in again (or the operator turns it off: `screening disable-two-factor`).

Pure functions, no Flask: the migration that sealed the seeds stored before uses them too.
"""

from __future__ import annotations

import base64
import binascii
import os
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

# Marks a sealed value (and its format): anything else in a sealed column is not one.
PREFIX = "v1:"
_NONCE_BYTES = 12


@lru_cache(maxsize=8)
def _cipher(secret_key: str, purpose: str) -> AESGCM:
    """AES-256-GCM keyed for one purpose ("totp"), so no two uses of SECRET_KEY share a key."""
    key = HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=None,
        info=f"screening sealed secret v1: {purpose}".encode(),
    ).derive(secret_key.encode("utf-8"))
    return AESGCM(key)


def seal(plaintext: str, *, secret_key: str, purpose: str, bound_to: str) -> str:
    """`plaintext` encrypted for storage: "v1:" and base64url of a random nonce and the
    ciphertext. `bound_to` names the owning row ("staff_user:12"); only it opens the value."""
    nonce = os.urandom(_NONCE_BYTES)
    sealed = _cipher(secret_key, purpose).encrypt(
        nonce, plaintext.encode("utf-8"), bound_to.encode("utf-8")
    )
    return PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode("ascii")


def unseal(stored: str, *, secret_key: str, purpose: str, bound_to: str) -> str | None:
    """The plaintext of a sealed value, or None when it does not open: another key (SECRET_KEY
    changed), another row, or not a sealed value at all."""
    if not stored.startswith(PREFIX):
        return None
    try:
        raw = base64.urlsafe_b64decode(stored[len(PREFIX) :].encode("ascii"))
        nonce, sealed = raw[:_NONCE_BYTES], raw[_NONCE_BYTES:]
        plaintext = _cipher(secret_key, purpose).decrypt(nonce, sealed, bound_to.encode("utf-8"))
    except (InvalidTag, ValueError, binascii.Error):
        return None
    return plaintext.decode("utf-8")


def is_sealed(stored: str) -> bool:
    return stored.startswith(PREFIX)
