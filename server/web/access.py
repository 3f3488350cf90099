"""Who may open which web page: role checks and the 404 rule for other people's students."""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from ..clock import today  # noqa: F401  (the views' one date; they import it from here)
from ..models import User
from ..services import accounts


def roles_required(*roles: str):
    """Signed-in users with one of these roles only (others get 403)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def visible_student(student_id: int) -> User:
    """The student, if the signed-in user may see them; 404 otherwise (never reveal others)."""
    student = accounts.visible_student(current_user, student_id)
    if student is None:
        abort(404)
    return student
