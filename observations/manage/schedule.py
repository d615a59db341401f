"""The schedule: generate a plan, list and week calendar, reassign and cancel, coverage."""

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from ..extensions import db
from ..models import Site
from ..schedule import local_today
from ..schedule import slots as slot_changes
from ..schedule.coverage import coverage as coverage_of
from ..validation import Invalid
from . import bp
from .schedule_forms import CancelForm, ReassignForm, ScheduleFilterForm

# The list shows this week and the next three unless another period is asked for.
LIST_WEEKS = 4


def _monday(day: date) -> date:
    """The Monday of the day's week."""
    return day - timedelta(days=day.weekday())


def _observer_choices(first: str) -> list[SelectChoice]:
    """The team's observers as select options (code · name), after an empty first option."""
    members = slot_changes.observers(g.study)
    return [SelectChoice("", first)] + [
        SelectChoice(m.user_id, f"{m.observer_code} · {m.user.name}") for m in members
    ]


def _filter_form(first: date, last: date) -> ScheduleFilterForm:
    """The filter from the query string, with the given period where none is asked for."""
    form = ScheduleFilterForm(request.args)
    sites = db.session.scalars(
        select(Site).filter_by(study_id=g.study.id).order_by(Site.position, Site.name)
    )
    form.site.choices = [SelectChoice("", _("All sites"))] + [
        SelectChoice(site.id, site.name) for site in sites
    ]
    form.observer.choices = _observer_choices(_("All observers"))
    form.validate()  # a bad date shows its message, and the default period is used
    for day in (form.first, form.last):
        if day.errors:
            day.raw_data = None  # a date input holds a date, never what was typed
    form.first.data = form.first.data or first
    form.last.data = max(form.last.data or last, form.first.data)
    return form


def _filters(form: ScheduleFilterForm) -> dict:
    """The query string of a filter form, to keep it on links (previous/next week)."""
    return {
        name: value
        for name, value in (("site", form.site.data), ("observer", form.observer.data))
        if value
    }


@bp.route("/schedule")
def schedule():
    """The slots of a period (this week and the next three), planned and cancelled apart."""
    monday = _monday(local_today(g.study.timezone))
    form = _filter_form(monday, monday + timedelta(weeks=LIST_WEEKS, days=-1))
    slots = slot_changes.slots_in(
        g.study, form.first.data, form.last.data, form.site.data, form.observer.data
    )
    return render_template(
        "manage/schedule_list.html",
        form=form,
        planned=[s for s in slots if s.status == "planned"],
        cancelled=[s for s in slots if s.status == "cancelled"],
        codes=slot_changes.codes_of(g.study),
    )


@bp.route("/schedule/week")
def schedule_week():
    """A week as a calendar: a column per day on a laptop, a list per day on a phone."""
    try:
        asked = date.fromisoformat(request.args.get("week", ""))
    except ValueError:
        asked = local_today(g.study.timezone)
    monday = _monday(asked)
    form = _filter_form(monday, monday + timedelta(days=6))
    days = [monday + timedelta(days=n) for n in range(7)]
    slots = slot_changes.slots_in(g.study, monday, days[-1], form.site.data, form.observer.data)
    by_day = {day: [] for day in days}
    for slot in slots:
        by_day[slot.starts_at.astimezone(ZoneInfo(g.study.timezone)).date()].append(slot)
    return render_template(
        "manage/schedule_week.html",
        form=form,
        by_day=by_day,
        monday=monday,
        previous=(monday - timedelta(weeks=1)).isoformat(),
        following=(monday + timedelta(weeks=1)).isoformat(),
        filters=_filters(form),
        codes=slot_changes.codes_of(g.study),
    )


@bp.route("/schedule/coverage")
def coverage():
    """Planned versus done per site × weekday/weekend × time window, gaps highlighted."""
    monday = _monday(local_today(g.study.timezone))
    form = _filter_form(monday - timedelta(weeks=3), monday + timedelta(days=6))
    site_ids = [form.site.data] if form.site.data else None
    table = coverage_of(g.study, form.first.data, form.last.data, site_ids)
    return render_template("manage/schedule_coverage.html", form=form, table=table)


def _slot_or_404(slot_id: int):
    """The study's slot from the URL; another study's answers 404."""
    slot = slot_changes.slot_of(g.study, slot_id)
    if slot is None:
        abort(404)
    return slot


def _show_errors(form, error: Invalid) -> None:
    """Put a service's messages on the form's fields."""
    for name, messages in error.errors.items():
        field = getattr(form, name)
        field.errors = list(field.errors) + list(messages)


@bp.route("/schedule/slots/<int:slot_id>/reassign", methods=["GET", "POST"])
def reassign_slot(slot_id: int):
    """Choose another observer or second observer for a slot, never double-booking."""
    slot = _slot_or_404(slot_id)
    form = ReassignForm(
        data={"fieldworker": slot.fieldworker_id, "partner": slot.partner_id}
        if request.method == "GET"
        else None
    )
    form.fieldworker.choices = _observer_choices(_("Choose an observer"))
    form.partner.choices = _observer_choices(_("Nobody (not paired)"))
    if form.validate_on_submit():
        try:
            slot_changes.reassign(
                g.study, slot, form.fieldworker.data, form.partner.data, current_user
            )
        except Invalid as error:
            _show_errors(form, error)
        else:
            db.session.commit()
            flash(_("The slot has been reassigned."), "success")
            return redirect(url_for("manage.schedule"))
    status = 422 if form.errors else 200
    return render_template(
        "manage/schedule_reassign.html",
        form=form,
        slot=slot,
        codes=slot_changes.codes_of(g.study),
    ), status


@bp.route("/schedule/slots/<int:slot_id>/cancel", methods=["GET", "POST"])
def cancel_slot(slot_id: int):
    """Cancel a slot (kept, struck through) with an optional reason."""
    slot = _slot_or_404(slot_id)
    form = CancelForm()
    if form.validate_on_submit():
        try:
            slot_changes.cancel(g.study, slot, form.note.data, current_user)
        except Invalid as error:
            _show_errors(form, error)
        else:
            db.session.commit()
            flash(_("The slot has been cancelled."), "success")
            return redirect(url_for("manage.schedule"))
    status = 422 if form.errors else 200
    return render_template(
        "manage/schedule_cancel.html",
        form=form,
        slot=slot,
        codes=slot_changes.codes_of(g.study),
    ), status
