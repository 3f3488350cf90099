"""A student's page: progress chart, a tab per logbook year, the record of learning."""

from __future__ import annotations

from flask import render_template, request
from flask_login import current_user

from .. import clock
from ..domain import vocabulary
from ..domain.progress import PeriodReport, ProgressReport
from ..domain.roles import ROLES
from ..services import admin, record_search, sampling, signoff, submissions
from . import bp
from .access import roles_required, visible_student
from .charts import progress_chart
from .forms import ActionForm, CheckForm, DecisionForm, ReopenForm, SubmitForm


def _filters() -> record_search.RecordFilters:
    args = request.args

    def code(name: str, codes) -> str:
        value = args.get(name, "")
        return value if value in codes else ""

    return record_search.RecordFilters(
        q=args.get("q", "")[:100],
        region=code("region", vocabulary.REGION_CODES),
        activity=code("activity", vocabulary.ACTIVITY_CODES),
        supervision=code("supervision", vocabulary.SUPERVISION_CODES),
        critical=args.get("critical") == "1",
    )


def _page_number() -> int:
    value = request.args.get("page", "1")
    return int(value) if value.isdigit() else 1


def selected_period(report: ProgressReport, waiting: list[int] = ()) -> PeriodReport | None:
    """The period asked for (?period=n), else one waiting for sign-off, else the current one,
    else the latest started."""
    periods = report.periods
    asked = request.args.get("period", "") or (str(waiting[0]) if waiting else "")
    chosen = next((p for p in periods if str(p.number) == asked), None)
    if chosen is None and report.current_period:
        chosen = next(p for p in periods if p.number == report.current_period)
    if chosen is None:
        started = [p for p in periods if p.status != "upcoming"]
        chosen = (started or periods or [None])[-1]
    return chosen


@bp.get("/students/<int:student_id>")
@roles_required(*ROLES)
def student(student_id: int):
    """One student's logbook as the record of learning, with progress and submission."""
    person = visible_student(student_id)
    day = clock.today()
    report = signoff.progress_with_submissions(person, day)
    waiting = submissions.awaiting([person.id]).get(person.id, [])
    period = selected_period(report, waiting if current_user.id != person.id else [])
    context = {"student": person, "report": report, "period": period, "day": day}
    if period is not None:
        starts_on, ends_on = period.starts_on, period.ends_on
        filters = _filters()
        latest = submissions.latest(person.id, period.number)
        changes = submissions.changes_since(latest) if latest else []
        # A year submitted again after a reopen, not yet decided: what changed since it was
        # last signed off (once signed off again, that sign-off covered them).
        undecided = latest is not None and latest.state != "signed_off"
        before = submissions.last_sign_off(latest) if undecided else None
        context.update(
            filters=filters,
            record=record_search.search(person.id, starts_on, ends_on, filters, _page_number()),
            chart=progress_chart(
                starts_on,
                ends_on,
                period.target,
                record_search.daily_totals(person.id, starts_on, ends_on),
                day,
                period.projected_count,
            ),
            submission=latest,
            changed={c.entry_id: c for c in changes},
            changes=changes,
            signed_off_before=before,
            changes_since_signoff=submissions.changes_since(before) if before else [],
            history=[s for s in submissions.history(person.id) if s.period == period.number],
            sample=sampling.sample_of(latest) if latest else [],
            sample_summary=sampling.sample_summary(latest) if latest else None,
            window_message=submissions.window_message(person, period, day),
        )
    return render_template(
        "web/student.html",
        **context,
        tutors=admin.tutors_of(person),
        vocabulary=vocabulary,
        labels=submissions.STATE_LABELS,
        action_form=ActionForm(),
        decision_form=DecisionForm(),
        submit_form=SubmitForm(),
        check_form=CheckForm(),
        reopen_form=ReopenForm(),
    )
