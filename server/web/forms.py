"""Web forms (Flask-WTF: every form carries a CSRF token)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    EmailField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    EqualTo,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from ..domain.identifiers import describe, find_identifiers, high_confidence
from ..domain.roles import ROLE_NAMES, ROLES
from ..services.accounts import REGION_MINIMUM_MAX

ROLE_CHOICES = [SelectChoice(role, ROLE_NAMES[role]) for role in ROLES]
REGION_MINIMUM_ERROR = (
    f"Enter a whole number from 1 to {REGION_MINIMUM_MAX}, or leave it empty for no minimum."
)


class WholeNumberField(IntegerField):
    """An integer field whose "not a number" error says what to type instead."""

    def __init__(self, label=None, validators=None, invalid_message="Enter a whole number.", **kw):
        super().__init__(label, validators, **kw)
        self.invalid_message = invalid_message

    def process_formdata(self, valuelist):
        """Read the number; an unreadable one gets this field's own message."""
        try:
            super().process_formdata(valuelist)
        except ValueError as e:
            raise ValueError(self.invalid_message) from e


def no_identifiers(form, field) -> None:
    """Refuse a text with a likely patient identifier, naming the field and the kind only."""
    found = [f for f in find_identifiers(field.data) if high_confidence(f)]
    if not found:
        return
    # The page shown again keeps the rest of the text to edit, never the identifier itself.
    text = field.data
    for finding in reversed(found):
        text = text[: finding.start] + text[finding.end :]
    field.data = text
    messages = dict.fromkeys(describe(f) for f in found)
    raise ValidationError(f"{field.label.text}: {' '.join(messages)}")


class ActionForm(FlaskForm):
    """A button-only form (submit, sign off, revoke, deactivate ...): just the CSRF token."""


class CommentForm(FlaskForm):
    """Feedback on one entry."""

    body = TextAreaField(
        "Comment",
        validators=[DataRequired("Write a comment first."), Length(max=2000), no_identifiers],
    )


class SubmitForm(FlaskForm):
    """A student's submission of a year, with a statement when it is below target."""

    statement = TextAreaField(
        "Statement for your tutor", validators=[Length(max=2000), no_identifiers]
    )


class CheckForm(FlaskForm):
    """The tutor's check of one sampled entry: checked, or a query with a comment."""

    comment = TextAreaField("Query for the student", validators=[Length(max=2000), no_identifiers])


class ReopenForm(FlaskForm):
    """Why a signed-off year is reopened (kept in the audit trail)."""

    reason = TextAreaField(
        "Reason for reopening",
        validators=[DataRequired("Say why."), Length(max=2000), no_identifiers],
    )


class DecisionForm(FlaskForm):
    """Sign off or return a submitted logbook, with an optional (for returns, required) note."""

    comment = TextAreaField(
        "Comment for the student", validators=[Length(max=2000), no_identifiers]
    )


class UserForm(FlaskForm):
    """A user's name and email."""

    name = StringField(
        "Name", validators=[DataRequired("Enter the person's name."), Length(max=120)]
    )
    email = EmailField("Email", validators=[DataRequired("Enter an email."), Length(max=254)])


class NewUserForm(UserForm):
    """A new user: name, email, role and (students) logbook dates."""

    role = SelectField("Role", choices=ROLE_CHOICES)
    pgcert_completed_on = DateField("PgCert completed on", validators=[Optional()])
    registration_ends_on = DateField("Registration ends on", validators=[Optional()])
    annual_target = IntegerField("Scans a year", default=300, validators=[NumberRange(min=1)])


class LogbookForm(FlaskForm):
    """A student's logbook dates, annual target and breadth minimum (empty: none)."""

    pgcert_completed_on = DateField("PgCert completed on", validators=[Optional()])
    registration_ends_on = DateField("Registration ends on", validators=[Optional()])
    annual_target = IntegerField(
        "Scans a year", validators=[DataRequired("Enter a target."), NumberRange(min=1)]
    )
    region_minimum = WholeNumberField(
        "Scans per region a year (breadth minimum)",
        validators=[Optional(), NumberRange(1, REGION_MINIMUM_MAX, REGION_MINIMUM_ERROR)],
        invalid_message=REGION_MINIMUM_ERROR,
    )


class AssignForm(FlaskForm):
    """Assign a tutor to a student."""

    tutor_id = SelectField("Tutor", coerce=int, choices=[])


class ImportForm(FlaskForm):
    """A cohort CSV, uploaded or pasted."""

    csv_text = TextAreaField("Or paste the CSV here", validators=[Length(max=500_000)])


class SetPasswordForm(FlaskForm):
    """Choose a password through an invitation link."""

    password = PasswordField(
        "New password",
        validators=[DataRequired("Choose a password."), Length(min=10, max=200)],
    )
    confirm = PasswordField(
        "Type it again",
        validators=[
            DataRequired("Type the password again."),
            EqualTo("password", "The two do not match."),
        ],
    )
