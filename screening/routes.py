"""The route access registry: every endpoint says who may reach it.

Each view is declared with one of three decorators, which record the kind of access on the view
function (`view.access`) and, for staff routes, enforce it:

- `public`: anyone (the start page, the staff sign-in page).
- `patient_link`: whoever holds a patient's private link or resume code; the view itself checks
  the token, so the decorator only records the declaration.
- `staff_only(*roles)`: a signed-in staff member; with roles given, only those roles. Anonymous
  requests go to the sign-in page (401 for non-browser callers is not needed: every staff client is
  a browser); signed-in staff with the wrong role get 403.
- `api` (screening.fhir_api): a system client's bearer token, or a signed-in staff member of the
  given roles; the view checks it and answers 401/403 as a FHIR OperationOutcome.

A test walks `app.url_map` and fails when an endpoint has no declaration, so a new route cannot
quietly ship without deciding who may see it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, Literal, TypeVar

from flask import Flask, abort
from flask_login import current_user

from screening.extensions import login_manager

AccessKind = Literal["public", "patient_link", "staff", "api"]
View = TypeVar("View", bound=Callable[..., Any])

# Endpoints that belong to Flask itself rather than to a view of ours.
EXEMPT_ENDPOINTS = frozenset({"static"})


@dataclass(frozen=True)
class Access:
    """Who may reach a view: the kind, and for staff views the roles (empty: any staff role)."""

    kind: AccessKind
    roles: frozenset[str] = frozenset()

    def allows_role(self, role: str) -> bool:
        return self.kind != "staff" or not self.roles or role in self.roles


def public(view: View) -> View:
    """Declare a view open to anyone."""
    view.access = Access("public")  # type: ignore[attr-defined]
    return view


def patient_link(view: View) -> View:
    """Declare a view reached through a patient's private link; the view checks the token."""
    view.access = Access("patient_link")  # type: ignore[attr-defined]
    return view


def audit_refusal(public_id: str | None = None, *, detail: str | None = None) -> None:
    """A signed-in staff member refused is recorded: who tried, from where, what for (the
    screening, when known; by default the method and endpoint). The staff views, the FHIR API
    and the patient pages (opened in a staff browser) all record refusals through this."""
    from flask import request

    from screening.services import audit

    audit.record_and_commit(
        "access_refused",
        actor=current_user.email,
        screening_public_id=public_id[:32] if public_id else None,
        ip=request.remote_addr,
        detail=(detail or f"{request.method} {request.endpoint}")[:120],
    )


def staff_only(*roles: str) -> Callable[[View], View]:
    """Declare and enforce a staff view: sign-in required, and one of `roles` when given."""
    access = Access("staff", frozenset(roles))

    def decorate(view: View) -> View:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not access.allows_role(current_user.role):
                public_id = kwargs.get("public_id")
                if isinstance(public_id, str):  # a screening's page
                    audit_refusal(public_id)
                abort(403)
            return view(*args, **kwargs)

        guarded.access = access  # type: ignore[attr-defined]
        return guarded  # type: ignore[return-value]

    return decorate


def access_for(app: Flask, endpoint: str) -> Access | None:
    """The declared access of an endpoint, or None when it has none (a bug the tests catch)."""
    view = app.view_functions.get(endpoint)
    declared = getattr(view, "access", None)
    return declared if isinstance(declared, Access) else None


def undeclared_endpoints(app: Flask) -> list[str]:
    """Endpoints of the app with no access declaration, sorted; should always be empty."""
    return sorted(
        {
            rule.endpoint
            for rule in app.url_map.iter_rules()
            if rule.endpoint not in EXEMPT_ENDPOINTS and access_for(app, rule.endpoint) is None
        }
    )
