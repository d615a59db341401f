"""Correcting one record of a session: its form, prefilled, and its earlier corrections."""

from flask import abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..extensions import db
from ..models import Membership
from ..review import corrections
from ..review.correction_labels import CorrectionLabels
from ..sync import store
from . import bp
from .correction_forms import choices_for, correction_form


def _session_page(session_id: int) -> str:
    """The session's page, with its corrections history."""
    return url_for("research.session_page", session_id=session_id)


@bp.route("/sessions/<int:session_id>/records/<kind>/<uuid>", methods=["GET", "POST"])
def correct_record(session_id: int, kind: str, uuid: str):
    """Show a record's correction form (GET), or correct the record (POST)."""
    record = corrections.record_of(g.study, session_id, kind, uuid)
    if record is None:
        abort(404)
    session = record if kind == "session" else record.session
    content = store.load(kind, g.study, uuid).content
    choices = choices_for(g.study, session, record.codebook_version, content.get("slot"))
    form = correction_form(kind, content, choices)
    elsewhere: list[str] = []
    status = 200
    if form.is_submitted():
        valid = form.validate()
        changes = form.changes(content)
        if valid:
            try:
                corrections.correct(g.study, kind, uuid, changes, form.reason.data, current_user)
            except corrections.CorrectionRefused as refused:
                db.session.rollback()
                elsewhere = form.show_errors(refused.errors)
            else:
                db.session.commit()
                flash(_("Correction saved."), "success")
                return redirect(_session_page(session_id))
        else:
            problems = corrections.problems(g.study, kind, uuid, changes, form.reason.data)
            elsewhere = form.show_errors(
                {name: m for name, m in problems.items() if not _has_errors(form, name)}
            )
        status = 422
    return (
        render_template(
            "research/correct_record.html",
            form=form,
            kind=kind,
            record=record,
            session=session,
            elsewhere=elsewhere,
            history=corrections.history(g.study, kind, uuid),
            labels=CorrectionLabels(g.study),
            observer=_observer_code(session),
            back=_session_page(session_id),
        ),
        status,
    )


def _observer_code(session) -> str:
    """The session's observer as the study knows them (W01 …)."""
    return (
        db.session.scalar(
            select(Membership.observer_code).filter_by(
                study_id=session.study_id, user_id=session.fieldworker_id
            )
        )
        or "–"
    )


def _has_errors(form, name: str) -> bool:
    """Whether the form itself already found the field wrong."""
    field = form._fields.get(name)
    return field is not None and bool(field.errors)
