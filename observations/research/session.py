"""A session's page for the lead: its whole record, flags, history, and the review form."""

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db
from ..models import Session
from ..review import decisions, queue
from ..review.correction_labels import CorrectionLabels
from ..review.quality import session_flags
from ..review.sheet import observer_code, sheet
from . import bp
from .review_forms import DecisionForm, filter_form, filters_of


def _session(session_id: int) -> Session:
    """A session of this study, or 404 (another study's sessions are not revealed)."""
    session = db.session.get(Session, session_id)
    if session is None or session.study_id != g.study.id or session.retracted:
        abort(404)
    return session


def _filters():
    """The queue's filters the lead came with (kept on every link and after a decision)."""
    return filters_of(filter_form(g.study, request.args))


def _page(session: Session, form: DecisionForm, status: int = 200, error: str | None = None):
    """Render the session page."""
    filters = _filters()
    previous, following = queue.neighbours(g.study, filters, session)
    return render_template(
        "research/session.html",
        session=session,
        sheet=sheet(session),
        code=observer_code(session),
        flags=session_flags(g.study, [session.id]).get(session.id, []),
        form=form,
        error=error,
        reviewable=decisions.reviewable(session),
        filters=filters,
        previous=previous,
        following=following,
        labels=CorrectionLabels(g.study),
    ), status


@bp.get("/sessions/<int:session_id>")
def session_page(session_id: int):
    """Everything about one session, and the decision on it."""
    return _page(_session(session_id), DecisionForm(formdata=None))


@bp.post("/sessions/<int:session_id>/review")
def review_session(session_id: int):
    """Decide on the session; then on to the next one awaiting review."""
    session = _session(session_id)
    form = DecisionForm()
    if not form.validate():
        return _page(session, form, 422)
    try:
        decisions.decide(session, form.state.data, form.comment.data, current_user)
    except decisions.ReviewRefused as refused:
        db.session.rollback()
        if refused.field in form:
            form[refused.field].errors = [refused.message]
        return _page(
            _session(session_id),
            form,
            403 if isinstance(refused, decisions.NotAllowed) else 422,
            refused.message,
        )
    db.session.commit()
    flash(_("Decision saved."), "success")
    filters = _filters()
    _previous, following = queue.neighbours(g.study, filters, session)
    if following is None:
        following = queue.first(g.study, filters)
    if following is None:
        flash(_("No more sessions in this list."), "info")
        return redirect(url_for("research.review_queue", **filters.query()))
    return redirect(url_for("research.session_page", session_id=following, **filters.query()))
