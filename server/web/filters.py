"""Template filters: days ago, status words, vocabulary labels."""

from __future__ import annotations

from ..domain import vocabulary
from ..services.invitations import invitation_days
from . import bp

STATUS_WORDS = {
    "upcoming": "Not started",
    "on_track": "On track",
    "at_risk": "At risk",
    "met": "Target met",
    "missed": "Target missed",
}


@bp.app_template_filter("days_ago")
def days_ago(days: int) -> str:
    """A gap in words: "today", "1 day ago", "30 days ago"."""
    if days == 0:
        return "today"
    return f"{days} day{'' if days == 1 else 's'} ago"


@bp.app_template_filter("status_word")
def status_word(status: str | None) -> str:
    """A progress status in words."""
    return STATUS_WORDS.get(status or "", "No logbook dates")


@bp.app_template_filter("vocab")
def vocab(code: str, list_name: str) -> str:
    """The label of a vocabulary code."""
    return vocabulary.label(list_name, code)


@bp.app_context_processor
def _invitation_days() -> dict:
    """Templates say how long invitation links work."""
    return {"invitation_days": invitation_days}
