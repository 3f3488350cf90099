"""The data model: typed SQLAlchemy 2 models. No JSON shaping and no URLs here."""

from __future__ import annotations

import datetime as dt

from flask_login import UserMixin
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from .domain.roles import role_check_sql
from .extensions import db

PROMPT_MAX = 500
NOTES_MAX = 2000


def utcnow() -> dt.datetime:
    """The current time in UTC, timezone-aware."""
    return dt.datetime.now(dt.UTC)


class UTCDateTime(db.TypeDecorator):
    """A timestamp stored naive in UTC and always read back timezone-aware (UTC)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value


class User(UserMixin, db.Model):
    """A person who signs in: a student, a tutor or an administrator."""

    __tablename__ = "users"
    __table_args__ = (CheckConstraint(role_check_sql(), name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased, so the unique constraint is case-insensitive.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    logbook: Mapped[LogbookSettings | None] = relationship(
        back_populates="student", uselist=False, cascade="all, delete-orphan"
    )

    @validates("email")
    def _normalise_email(self, _key, value: str) -> str:
        return normalise_email(value)

    @property
    def is_active(self) -> bool:  # flask-login: deactivated users cannot sign in
        return bool(self.active)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


def normalise_email(value: str) -> str:
    """Emails compare case-insensitively: trim and lower-case them."""
    return (value or "").strip().lower()


class LogbookSettings(db.Model):
    """A student's logbook: PgCert completion (year 1 starts), registration end, target."""

    __tablename__ = "logbook_settings"
    __table_args__ = (
        CheckConstraint("annual_target > 0", name="target_positive"),
        CheckConstraint(
            "registration_ends_on IS NULL OR pgcert_completed_on IS NULL "
            "OR registration_ends_on > pgcert_completed_on",
            name="dates_ordered",
        ),
    )

    student_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    pgcert_completed_on: Mapped[dt.date | None] = mapped_column(Date)
    registration_ends_on: Mapped[dt.date | None] = mapped_column(Date)
    annual_target: Mapped[int] = mapped_column(Integer, default=300)
    # Optional breadth rule (EULAR asks for 20 per region); None means off.
    region_minimum: Mapped[int | None] = mapped_column(Integer)

    student: Mapped[User] = relationship(back_populates="logbook")


class TutorAssignment(db.Model):
    """A tutor who may read, comment on and sign off a student's logbook."""

    __tablename__ = "tutor_assignments"

    tutor_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    student_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class DeviceToken(db.Model):
    """A per-device API bearer token; only its SHA-256 hash is stored."""

    __tablename__ = "device_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    device_name: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class Entry(db.Model):
    """One scan: a row of the record of learning. The id is a UUID made on the client."""

    __tablename__ = "entries"
    __table_args__ = (
        UniqueConstraint("owner_id", "seq", name="uq_entries_owner_seq"),
        Index("ix_entries_owner_scanned_on", "owner_id", "scanned_on"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    scanned_on: Mapped[dt.date] = mapped_column(Date)
    region: Mapped[str] = mapped_column(String(32))
    side: Mapped[str] = mapped_column(String(32))
    activity: Mapped[str] = mapped_column(String(32))
    supervision: Mapped[str] = mapped_column(String(32))
    clinical_question: Mapped[str] = mapped_column(String(PROMPT_MAX), default="")
    technical_issues: Mapped[str] = mapped_column(String(PROMPT_MAX), default="")
    findings: Mapped[str] = mapped_column(String(PROMPT_MAX), default="")
    pathway_role: Mapped[str] = mapped_column(String(PROMPT_MAX), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    critical_incident: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, default=1)
    seq: Mapped[int] = mapped_column(Integer)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    device_id: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class ChangeCounter(db.Model):
    """The owner's change counter: the last `seq` given to a change of their logbook.

    Pushes lock this row for the length of their transaction, so seqs commit in order.
    """

    __tablename__ = "change_counters"

    owner_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    last_seq: Mapped[int] = mapped_column(Integer, default=0)


class SyncOp(db.Model):
    """An operation id seen in a push, kept for good with the answer it was given."""

    __tablename__ = "sync_ops"

    op_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    entry_id: Mapped[str] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(16))  # applied | conflict | rejected
    errors: Mapped[str | None] = mapped_column(Text)  # JSON, for rejected ops
    device_id: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class ConflictCopy(db.Model):
    """The client's copy of an entry that lost a conflict, kept so nothing typed is lost."""

    __tablename__ = "conflict_copies"

    id: Mapped[int] = mapped_column(primary_key=True)
    op_id: Mapped[str] = mapped_column(String(36), unique=True)
    entry_id: Mapped[str] = mapped_column(String(36), index=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    base_version: Mapped[int] = mapped_column(Integer)
    server_version: Mapped[int] = mapped_column(Integer)
    client_entry: Mapped[str] = mapped_column(Text)  # JSON of what the device sent
    device_id: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class DailyCount(db.Model):
    """Non-deleted entries per owner and day, kept in step with every entry change.

    Progress and the cohort overview sum these rows, so they cost what the number of
    students and days costs, not the number of entries.
    """

    __tablename__ = "daily_counts"

    owner_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    region: Mapped[str] = mapped_column(String(32), primary_key=True)
    activity: Mapped[str] = mapped_column(String(32), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


class DailyTotal(db.Model):
    """Non-deleted entries per owner and day, all regions and activities together.

    Kept in step with DailyCount by services.changes (the one entry writer); the cohort
    overview sums these rows, whose number does not grow with the number of scans a day.
    """

    __tablename__ = "daily_totals"

    owner_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


class Comment(db.Model):
    """A tutor's feedback on an entry; it reaches the student's app through pull."""

    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[str] = mapped_column(ForeignKey("entries.id", ondelete="CASCADE"), index=True)
    # The entry owner's change stream: comments take a seq from the owner's counter.
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    seq: Mapped[int] = mapped_column(Integer)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[User | None] = relationship(foreign_keys=[author_id])

    __table_args__ = (Index("ix_comments_owner_seq", "owner_id", "seq"),)


class Submission(db.Model):
    """A logbook period handed in for sign-off: open -> submitted -> signed off | returned.

    A returned period can be submitted again; each hand-in is a new row, so the history stays.
    """

    __tablename__ = "submissions"
    __table_args__ = (
        CheckConstraint("state IN ('submitted', 'signed_off', 'returned')", name="state"),
        Index("ix_submissions_student_period", "student_id", "period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    period: Mapped[int] = mapped_column(Integer)
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(16), default="submitted")
    entry_count: Mapped[int] = mapped_column(Integer, default=0)
    counts: Mapped[str] = mapped_column(Text, default="{}")  # JSON: by region and activity
    submitted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decision_comment: Mapped[str] = mapped_column(Text, default="")
    # Issue 13: the student's statement (required below target) and a reopened sign-off.
    statement: Mapped[str] = mapped_column(Text, default="", server_default="")
    reopened_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    reopened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reopen_reason: Mapped[str] = mapped_column(Text, default="", server_default="")

    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])


class SubmissionEntry(db.Model):
    """What one entry looked like when its period was submitted (its version and fields)."""

    __tablename__ = "submission_entries"

    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), primary_key=True
    )
    entry_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    snapshot: Mapped[str] = mapped_column(Text)  # JSON of the entry's fields


class AuditEvent(db.Model):
    """One step kept for good: who did what to whom, and when (submissions, accounts)."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    subject_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    submission_id: Mapped[int | None] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), index=True
    )
    action: Mapped[str] = mapped_column(String(40))
    detail: Mapped[str] = mapped_column(Text, default="")

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])


class Invitation(db.Model):
    """A one-time, expiring link to set a password; only the token's SHA-256 hash is stored."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class WebSession(db.Model):
    """One signed-in web session, so the server can end it (sign-out, password change...).

    The browser's signed cookie holds a random key; only its SHA-256 hash is stored here.
    """

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_agent: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class SignInThrottle(db.Model):
    """Sign-in attempts not yet followed by a success, per key (e-mail, address or device).

    In the database so every worker and every app server shares one count.
    """

    __tablename__ = "sign_in_throttle"

    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_attempt_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    next_allowed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class SampleEntry(db.Model):
    """One entry of a submitted year's sample, drawn once, and the tutor's check of it."""

    __tablename__ = "sample_entries"
    __table_args__ = (
        CheckConstraint("result IS NULL OR result IN ('checked', 'query')", name="result"),
    )

    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), primary_key=True
    )
    entry_id: Mapped[str] = mapped_column(
        ForeignKey("entries.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    result: Mapped[str | None] = mapped_column(String(8))
    comment: Mapped[str] = mapped_column(Text, default="")
    checked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    checked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # A query reaches the phone as a comment on the entry (the pull stream carries it).
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="SET NULL"))
    # The entry's version when queried: a later version means the student fixed it.
    queried_version: Mapped[int | None] = mapped_column(Integer)


class ReminderOptOut(db.Model):
    """A person who turned one kind of reminder e-mail off."""

    __tablename__ = "reminder_optouts"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class SentReminder(db.Model):
    """A reminder sent: one row per person, kind and schedule key, so each goes once."""

    __tablename__ = "sent_reminders"
    __table_args__ = (UniqueConstraint("user_id", "kind", "key", name="uq_sent_reminders_once"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    key: Mapped[str] = mapped_column(String(40))
    sent_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class PendingUpload(db.Model):
    """A logbook file kept between an import's preview and its confirmation (an hour at most).

    In the database, not a folder, so a preview on one app server confirms on another; the
    browser holds the token, and only its hash is stored.
    """

    __tablename__ = "pending_uploads"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    uploader_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    student_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    filename: Mapped[str] = mapped_column(String(200))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
