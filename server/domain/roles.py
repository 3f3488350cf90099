"""The roles a user can have, written once (pure: the models and the domain import it)."""

from __future__ import annotations

ROLES = ("student", "tutor", "admin")
# Staff read other people's logbooks (within the visibility rule) and comment on entries.
STAFF_ROLES = ("tutor", "admin")
ROLE_NAMES = {"student": "Student", "tutor": "Tutor", "admin": "Administrator"}


def role_check_sql(column: str = "role") -> str:
    """The SQL of the database check on a role column: `role IN ('student', ...)`."""
    return f"{column} IN ({', '.join(repr(r) for r in ROLES)})"
