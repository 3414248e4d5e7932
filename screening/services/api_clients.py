"""System clients of the FHIR API (an EHR, an integration engine) and their bearer tokens.

A token is shown once, when it is made (`screening api-token create --name EHR`), and only its
SHA-256 is stored: it carries 256 random bits, so a plain hash cannot be reversed, and a copy of
the database holds no working token. Revoking keeps the row, so the audit trail's client names
stay meaningful and a name (in any case) is never given to a second client.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, update

from screening.extensions import db
from screening.models import ApiClient
from screening.services import audit

TOKEN_PREFIX = "miss_"  # noqa: S105 - a fixed prefix, not a secret
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._-]{0,99}$")
# Writing last_used_at on every request would make each read a write; once a minute is enough
# to tell a live integration from a forgotten one.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class ApiClientError(ValueError):
    """A client cannot be made or revoked; the message says why, in plain words."""


@dataclass(frozen=True)
class IssuedToken:
    name: str
    token: str


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _named(name: str) -> ApiClient | None:
    """The client of that name, whatever its case: the audit trail names clients in lower case
    (`api:ehr`), so "EHR" and "ehr" must be one client."""
    return db.session.scalar(select(ApiClient).where(func.lower(ApiClient.name) == name.lower()))


def create_client(name: str, *, actor: str = "cli") -> IssuedToken:
    """Make a client and its token (returned in clear, to be shown once)."""
    name = name.strip()
    if not NAME_PATTERN.match(name):
        raise ApiClientError(
            "A client name is 1 to 100 letters, digits, spaces, dots, dashes or underscores, "
            "starting with a letter or digit (for example EHR)."
        )
    if _named(name) is not None:
        raise ApiClientError(
            f"There is already a client named {name!r} (names are never reused, even after "
            "revoking). Choose another name."
        )
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    db.session.add(ApiClient(name=name, token_hash=hash_token(token)))
    audit.record("create_api_token", actor=actor, detail=f"API client {name}")
    db.session.commit()
    return IssuedToken(name, token)


def revoke_client(name: str, *, actor: str = "cli") -> None:
    """Stop a client's token working at once."""
    client = _named(name.strip())
    if client is None:
        raise ApiClientError(f"No API client is named {name!r}.")
    if client.revoked_at is not None:
        raise ApiClientError(f"The API client {client.name!r} is already revoked.")
    client.revoked_at = datetime.now(UTC)
    audit.record("revoke_api_token", actor=actor, detail=f"API client {client.name}")
    db.session.commit()


def client_for_token(token: str) -> str | None:
    """The name of the live client holding `token`, or None (unknown or revoked)."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    digest = hash_token(token)
    client = db.session.scalar(select(ApiClient).where(ApiClient.token_hash == digest))
    # The lookup is by hash, so timing says nothing about the token; compare anyway.
    if client is None or not hmac.compare_digest(client.token_hash, digest):
        return None
    if client.revoked_at is not None:
        return None
    now = datetime.now(UTC)
    if client.last_used_at is None or now - client.last_used_at > LAST_USED_RESOLUTION:
        db.session.execute(
            update(ApiClient).where(ApiClient.id == client.id).values(last_used_at=now)
        )
        db.session.commit()
    return client.name


def all_clients() -> list[ApiClient]:
    return list(db.session.scalars(select(ApiClient).order_by(ApiClient.name)))
