"""Patient access secrets: the private link token and the short resume code.

The token carries 192 random bits and only its SHA-256 is stored, so a database copy cannot be
turned back into working links. The resume code is short enough to write down (10 characters,
50 bits, no look-alike letters); it is stored as an HMAC keyed by the app's secret, because a
plain hash of so small a space could be reversed by brute force. Its endpoint is rate-limited.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

# Crockford-style alphabet: no I, L, O or U, so codes read aloud or handwritten survive.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 10


def new_token() -> str:
    """A URL-safe random token for a patient's private link (192 bits)."""
    return secrets.token_urlsafe(24)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_resume_code() -> str:
    """Ten characters from a 32-letter alphabet, shown as two groups of five (ABCDE-12345)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def format_resume_code(code: str) -> str:
    return f"{code[:5]}-{code[5:]}"


def normalise_resume_code(text: str) -> str | None:
    """Accept what people type: lower case, spaces, dashes, O for 0, I or L for 1."""
    cleaned = "".join(ch for ch in text.upper() if ch.isalnum())
    cleaned = cleaned.replace("O", "0").replace("I", "1").replace("L", "1")
    if len(cleaned) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in cleaned):
        return None
    return cleaned


def hash_resume_code(code: str, secret_key: str) -> str:
    return hmac.new(secret_key.encode("utf-8"), code.encode("utf-8"), hashlib.sha256).hexdigest()


def new_public_id() -> str:
    """The id that appears in staff URLs and exports: random, so ids cannot be guessed."""
    return secrets.token_urlsafe(16)
