"""Sync: push (apply a device's batch), pull (a logbook's changes), comments and conflicts."""

from .comments import KeptCopy, add_comment, conflict_copies
from .pull_page import PullPage, SyncStatus, pull, status
from .push_batch import OpResult, push

__all__ = [
    "KeptCopy",
    "OpResult",
    "PullPage",
    "SyncStatus",
    "add_comment",
    "conflict_copies",
    "pull",
    "push",
    "status",
]
