"""Absolute addresses for patients and staff, built from PUBLIC_BASE_URL.

Flask's `url_for(..., _external=True)` takes the host from the request's Host header, which any
caller can set: a forged header once went into a printed private link (issue 16). Every
absolute address (private links, the resume page, the links in emails and alerts) starts with
PUBLIC_BASE_URL instead; production requires it. The worker that sends emails and alerts has no
request at all, so the address is built from the app's URL map, not from a request. Only a
request on a laptop without the setting falls back to the request's own address.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import current_app, has_request_context, request


def public_url(endpoint: str, **values: Any) -> str:
    """The absolute address of `endpoint` (".name" is the current blueprint's, in a request)."""
    base = current_app.config.get("PUBLIC_BASE_URL")
    if not base and has_request_context():
        base = request.url_root
    if not base:
        raise RuntimeError("Set PUBLIC_BASE_URL (for example https://screening.example.org).")
    if endpoint.startswith(".") and has_request_context():
        endpoint = (request.blueprint or "") + endpoint
    parts = urlsplit(base)
    adapter = current_app.url_map.bind(
        parts.netloc, script_name=parts.path.rstrip("/") or "/", url_scheme=parts.scheme or "https"
    )
    return adapter.build(endpoint, values, force_external=True)
