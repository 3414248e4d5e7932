"""Secrets a browser's session keeps from one request to the next, sealed.

Flask's session cookie is signed, not encrypted: anyone holding it (a shared computer's cookie
store, a proxy's log) can read it. A secret that must wait there for the next request (a
two-step sign-in seed until its first code, a new screening's resume code until its page is
left) is sealed with `sealed_secrets` under this app's SECRET_KEY and bound to what it belongs
to, so it opens only for that account or screening.
"""

from __future__ import annotations

from flask import current_app

from screening.services import sealed_secrets


def seal(value: str, *, purpose: str, bound_to: str) -> str:
    """`value` as the session may keep it."""
    return sealed_secrets.seal(
        value, secret_key=current_app.secret_key, purpose=purpose, bound_to=bound_to
    )


def unseal(kept: object, *, purpose: str, bound_to: str) -> str | None:
    """What `seal` sealed for `bound_to`, or None: nothing kept, something else, another
    account's or screening's, or sealed before SECRET_KEY changed."""
    if not isinstance(kept, str):
        return None
    return sealed_secrets.unseal(
        kept, secret_key=current_app.secret_key, purpose=purpose, bound_to=bound_to
    )
