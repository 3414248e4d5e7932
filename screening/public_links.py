"""Absolute addresses for patients (private links, the resume page), built from PUBLIC_BASE_URL.

Flask's `url_for(..., _external=True)` takes the host from the request's Host header, which any
caller can set: a forged header once went into a printed private link (issue 16). With
PUBLIC_BASE_URL set (production requires it) every patient-facing address starts with it; on a
laptop without it, the request's own address is used as before.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, url_for


def public_url(endpoint: str, **values: Any) -> str:
    """The absolute address of `endpoint` as patients should open it."""
    base = current_app.config.get("PUBLIC_BASE_URL")
    if not base:
        return url_for(endpoint, _external=True, **values)
    return base.rstrip("/") + url_for(endpoint, **values)
