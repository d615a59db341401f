"""Retention: the study's retention period, and deleting its records after an export.

Both pages stay open in an archived study: an archived study is exactly the one whose
records come to the end of their retention period.
"""

from flask import flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from .. import purge, retention
from ..access import open_when_archived
from ..extensions import db
from ..models import AuditEvent
from ..validation import Invalid
from . import bp
from .retention_forms import PurgeForm, RetentionForm


def _last_purge() -> AuditEvent | None:
    """The audit event of the study's last purge, if any."""
    return db.session.scalar(
        select(AuditEvent)
        .filter_by(study_id=g.study.id, entity="study", action="purge")
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
        .limit(1)
    )


@bp.route("/retention", methods=["GET", "POST"])
@open_when_archived
def retention_page():
    """Show and set the retention period, with the day the oldest records pass it."""
    form = RetentionForm(data={"retention_months": g.study.retention_months})
    if form.validate_on_submit():
        try:
            changed = retention.set_period(g.study, form.retention_months.data, current_user)
        except Invalid as error:
            field = form.retention_months
            field.errors = [*field.errors, *error.errors["retention_months"]]
        else:
            db.session.commit()
            if changed:
                flash(_("Retention period saved."), "success")
            return redirect(url_for("manage.retention_page"))
    last = _last_purge()
    return render_template(
        "manage/retention.html",
        form=form,
        standing=retention.standing(g.study),
        last_purge=last,
        deleted=purge.deleted_counts(last) if last else {},
        labels=purge.LABELS,
    ), 422 if form.errors else 200


@bp.route("/retention/delete", methods=["GET", "POST"])
@open_when_archived
def purge_page():
    """Show what a purge deletes and the last export; delete after the short name is typed."""
    form = PurgeForm()
    carried = purge.plan(g.study)
    refusal = carried.refusal() if carried.total else None
    if form.validate_on_submit() and form.confirms(g.study.slug) and carried.total and not refusal:
        try:
            done = purge.purge(g.study, actor=current_user)
        except purge.Refused as refused:  # an export started since the plan was made
            db.session.rollback()
            refusal = str(refused)
        else:
            db.session.commit()
            purge.remove_files(done)
            flash(
                ngettext(
                    "%(num)d row of this study was deleted.",
                    "%(num)d rows of this study were deleted.",
                    done.total,
                ),
                "success",
            )
            return redirect(url_for("manage.retention_page"))
    status = 422 if form.is_submitted() and (form.errors or refusal) else 200
    return render_template(
        "manage/purge.html", form=form, plan=carried, refusal=refusal, labels=purge.LABELS
    ), status
