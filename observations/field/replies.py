"""The fieldworker answers a review decision on their own session, once."""

from flask import abort, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db
from ..models import Review
from ..review import decisions
from . import bp
from .outcomes import reply_form
from .routes import home


@bp.post("/reviews/<int:review_id>/reply")
def reply(review_id: int):
    """Store the reply and go back to the home page, where it shows under the decision."""
    review = db.session.get(Review, review_id)
    if (
        review is None
        or review.session.study_id != g.study.id
        or review.session.fieldworker_id != current_user.id
    ):
        abort(404)
    form = reply_form(review, request.form)
    if form.validate():
        try:
            decisions.reply(review, current_user, form.text.data)
        except decisions.ReviewRefused as refused:
            db.session.rollback()
            form.text.errors = [refused.message]
        else:
            db.session.commit()
            flash(_("Your reply was sent."), "success")
            return redirect(url_for("field.index", _anchor=f"session-{review.session_id}"))
    return home(422, {review.id: form})
