"""The staff blueprint, complete: importing this module registers every staff route on `bp`.

Routes live one concern per module (auth, queue, detail, invitations, users, role_change,
audit_views); each declares who may reach it with `screening.routes.staff_only(...)` or
`public`.
"""

from screening.staff import (
    account,
    audit_views,
    auth,
    detail,
    invitations,
    queue,
    role_change,
    users,
)
from screening.staff.blueprint import bp

__all__ = [
    "account",
    "audit_views",
    "auth",
    "bp",
    "detail",
    "invitations",
    "queue",
    "role_change",
    "users",
]
