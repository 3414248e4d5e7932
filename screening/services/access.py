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


# The private link as people type it from a letter or hear it on the phone (issue 13): no I, l,
# 1, O or 0, upper case only (typed lower case is accepted), five groups of five. 30**25 is
# about 2**122, so a guess is as hopeless as with the older 192-bit links.
LINK_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
LINK_GROUPS = 5
LINK_GROUP_LENGTH = 5
LINK_LENGTH = LINK_GROUPS * LINK_GROUP_LENGTH


def _readable(chars: str) -> str:
    return "-".join(
        chars[i : i + LINK_GROUP_LENGTH] for i in range(0, LINK_LENGTH, LINK_GROUP_LENGTH)
    )


def new_token() -> str:
    """A random token for a patient's private link, readable aloud (ABCDE-FGHJK-...)."""
    return _readable("".join(secrets.choice(LINK_ALPHABET) for _ in range(LINK_LENGTH)))


def canonical_token(text: str) -> str:
    """The stored form of a typed readable token (any case, dashes or spaces); other text as is.

    Older links (URL-safe base64, 32 characters, case-sensitive) never look like a readable
    token once the dashes are gone, so they are left untouched and keep working.
    """
    cleaned = "".join(ch for ch in text.upper() if ch not in "- ")
    if len(cleaned) == LINK_LENGTH and all(ch in LINK_ALPHABET for ch in cleaned):
        return _readable(cleaned)
    return text


def hash_token(token: str) -> str:
    return hashlib.sha256(canonical_token(token).encode("utf-8")).hexdigest()


def _pick(digest: bytes, alphabet: str, length: int) -> str:
    """`length` characters of `alphabet` from a digest, by repeated division (no modulo bias
    worth counting: 256 bits cover 30**25 about 2**134 times over)."""
    number = int.from_bytes(digest, "big")
    chars = []
    for _ in range(length):
        number, index = divmod(number, len(alphabet))
        chars.append(alphabet[index])
    return "".join(chars)


def link_secrets_from_seed(seed: str, secret_key: str) -> tuple[str, str]:
    """The link token and resume code an invitation's stored seed stands for.

    HMAC-SHA256 keyed by the app's secret: the database alone (seed, hashes) gives neither,
    but the app can show or email the same link again without having kept it.
    """
    key = secret_key.encode("utf-8")
    token_digest = hmac.new(key, b"invitation-link:" + seed.encode(), hashlib.sha256).digest()
    code_digest = hmac.new(key, b"invitation-code:" + seed.encode(), hashlib.sha256).digest()
    return (
        _readable(_pick(token_digest, LINK_ALPHABET, LINK_LENGTH)),
        _pick(code_digest, CODE_ALPHABET, CODE_LENGTH),
    )


def new_link_seed() -> str:
    return secrets.token_hex(16)


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
