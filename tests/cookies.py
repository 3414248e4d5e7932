"""What anyone holding a browser's session cookie can read: Flask signs the cookie but does not
encrypt it (base64 of the JSON, compressed when that is shorter). Tests use it to show a
secret kept in the session is sealed."""

from __future__ import annotations

import base64
import zlib

from flask.testing import FlaskClient


def readable_session(client: FlaskClient, name: str = "session") -> bytes:
    """The session cookie's payload as anyone can decode it, without the key."""
    cookie = client.get_cookie(name)
    assert cookie is not None, "no session cookie"
    value = cookie.value
    payload = value.lstrip(".").split(".")[0]
    raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    return zlib.decompress(raw) if value.startswith(".") else raw
